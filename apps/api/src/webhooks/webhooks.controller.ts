import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { EXAMPLE_WEBHOOK_ID, EXAMPLES } from '../openapi/api-examples';
import { ApiEmptyAnswer, ApiJsonAnswer, ApiProblems, READ_KEY_PROBLEMS, WRITE_KEY_PROBLEMS } from '../openapi/api-responses';
import { schemaRef } from '../openapi/api-schemas';
import { CurrentCaller, RequiresScope } from '../auth/api-key.guard';
import type { Caller } from '../auth/caller';
import { parseWebhookCreateBody, parseWebhookId } from './webhook-params';
import { deliveriesView, webhookCreatedView, webhookListView } from './webhook-views';
import { WebhooksService } from './webhooks.service';

const ID_PARAMETER = { name: 'id', schema: schemaRef('WebhookId'), example: EXAMPLE_WEBHOOK_ID } as const;
const OWNERS = "A key sees its owner's webhooks only (another owner's is 404); admin sees every owner's.";

/** Webhook endpoints: where an owner's report events are POSTed, signed (docs/service.md, "Webhooks"). */
@ApiTags('webhooks')
@ApiBearerAuth()
@RequiresScope('reports:read')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @RequiresScope('reports:write')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Register a webhook endpoint',
    description:
      "The owner's reports that reach one of `events` are POSTed to `url` as Standard Webhooks deliveries (headers webhook-id, webhook-timestamp, webhook-signature: " +
      'HMAC-SHA256 with `secret`, shown in this answer only). Body: {type, timestamp, data}, data = the report as GET /reports/{id} shows it. ' +
      'At least once: a 2xx ends a delivery, anything else (or no answer in 10 s) is retried with backoff for about 24 h; redirects are not followed. ' +
      'Private, loopback and link-local addresses are refused (400) unless WEBHOOK_ALLOW_PRIVATE=true.',
  })
  @ApiBody({ schema: schemaRef('WebhookCreateRequest'), examples: EXAMPLES.webhookCreateRequest })
  @ApiJsonAnswer(201, 'Registered: the endpoint and its signing secret (never shown again)', 'WebhookCreated', EXAMPLES.webhookCreated)
  @ApiProblems(...WRITE_KEY_PROBLEMS, 'invalidWebhookBody', 'webhookTargetRefused', 'brokenJson', 'bodyTooLarge', 'unsupportedMediaType', 'dependencyUnavailable')
  async createWebhook(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    const { endpoint, secret } = await this.webhooks.create(parseWebhookCreateBody(body), caller);
    return webhookCreatedView(endpoint, secret);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'List webhook endpoints', description: `Newest first, without their secrets. ${OWNERS}` })
  @ApiJsonAnswer(200, 'The endpoints', 'WebhookList', EXAMPLES.webhookList, ['CacheControlNoStore'])
  @ApiProblems(...READ_KEY_PROBLEMS, 'dependencyUnavailable')
  async listWebhooks(@CurrentCaller() caller: Caller) {
    return webhookListView(await this.webhooks.list(caller));
  }

  @Delete(':id')
  @RequiresScope('reports:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a webhook endpoint', description: `Deletes it with its deliveries; a delivery in flight finds nothing to send. ${OWNERS}` })
  @ApiParam(ID_PARAMETER)
  @ApiEmptyAnswer(204, 'Deleted')
  @ApiProblems(...WRITE_KEY_PROBLEMS, 'invalidWebhookId', 'webhookNotFound', 'dependencyUnavailable')
  async deleteWebhook(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.webhooks.delete(parseWebhookId(id), caller);
  }

  @Get(':id/deliveries')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Delivery attempts of a webhook endpoint',
    description:
      'The latest 100 attempts, newest first: when, the status code (null when there was no answer), how long, the first 200 characters of the answer, the error, ' +
      `and what became of the delivery (pending: retries left; delivered; failed: every attempt used). Kept for REPORT_RETENTION_DAYS. ${OWNERS}`,
  })
  @ApiParam(ID_PARAMETER)
  @ApiJsonAnswer(200, 'The attempts', 'WebhookDeliveries', EXAMPLES.webhookDeliveries, ['CacheControlNoStore'])
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidWebhookId', 'webhookNotFound', 'dependencyUnavailable')
  async webhookDeliveries(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return deliveriesView(await this.webhooks.deliveries(parseWebhookId(id), caller));
  }
}
