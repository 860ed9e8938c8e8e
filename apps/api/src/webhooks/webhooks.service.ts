import { randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { WebhooksRepository, type DeliveryAttempt, type WebhookEndpoint } from '@store-uptime/db';
import { newSigningSecret } from '@store-uptime/webhooks';
import { DependencyUnavailable, ProblemException, ProblemType } from '../problem/problem';
import { isAdmin, type Caller } from '../auth/caller';
import type { WebhookCreateParams } from './webhook-params';
import { WebhookTargets } from './webhook-targets';

function webhookNotFound(id: string): ProblemException {
  return new ProblemException(HttpStatus.NOT_FOUND, ProblemType.webhookNotFound, 'Webhook not found', `There is no webhook ${id}.`);
}

/**
 * Webhook endpoints of an owner: registered, listed, deleted, and their delivery attempts. Like a
 * report, another owner's endpoint is a 404 (its existence is not disclosed); admin sees every
 * owner's. The secret is returned once, by create.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly targets: WebhookTargets,
  ) {}

  async create(params: WebhookCreateParams, caller: Caller): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await this.targets.ensureAllowed(params.url, 'url');
    const secret = newSigningSecret();
    const endpoint = await this.database(() =>
      this.webhooks.createEndpoint({ id: randomBytes(16).toString('hex'), owner: caller.owner, url: params.url, events: params.events, secret }),
    );
    return { endpoint, secret };
  }

  list(caller: Caller): Promise<WebhookEndpoint[]> {
    // Admin (and the anonymous admin of API_AUTH=off) sees every owner's.
    return this.database(() => this.webhooks.listEndpoints(isAdmin(caller) ? undefined : caller.owner));
  }

  async delete(id: string, caller: Caller): Promise<void> {
    await this.visible(id, caller);
    await this.database(() => this.webhooks.deleteEndpoint(id));
  }

  async deliveries(id: string, caller: Caller): Promise<DeliveryAttempt[]> {
    await this.visible(id, caller);
    return this.database(() => this.webhooks.deliveries(id));
  }

  private async visible(id: string, caller: Caller): Promise<WebhookEndpoint> {
    const endpoint = await this.database(() => this.webhooks.findEndpoint(id));
    if (!endpoint || !(isAdmin(caller) || (endpoint.owner !== null && endpoint.owner === caller.owner))) throw webhookNotFound(id);
    return endpoint;
  }

  private async database<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProblemException) throw error;
      throw new DependencyUnavailable('database', error);
    }
  }
}
