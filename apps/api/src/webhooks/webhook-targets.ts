import { Inject, Injectable } from '@nestjs/common';
import type { ApiEnv } from '@store-uptime/config';
import { webhookUrlProblem } from '@store-uptime/webhooks';
import { invalidRequest } from '../problem/problem';
import { API_ENV } from '../tokens';

/**
 * The registration-time half of the webhook address rule (libs/webhooks/src/webhook-target.ts):
 * a URL whose host resolves to a private, loopback or link-local address is a 400 when it is
 * given, not a delivery that fails for a day. The worker checks again on every connection.
 */
@Injectable()
export class WebhookTargets {
  constructor(@Inject(API_ENV) private readonly env: ApiEnv) {}

  async ensureAllowed(url: string, field: string): Promise<void> {
    const problem = await webhookUrlProblem(url, { allowPrivate: this.env.WEBHOOK_ALLOW_PRIVATE });
    if (problem) throw invalidRequest(`${field}: ${problem}`, [{ path: field, message: problem }]);
  }
}
