import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyScope } from '@store-uptime/db';
import type { Request } from 'express';
import { ApiKeyVerifier } from './api-key-verifier';
import type { Caller } from './caller';

/** The scope a route needs; routes without it (health, metrics, echo) are open. */
export const RequiresScope = Reflector.createDecorator<ApiKeyScope>();

type AuthenticatedRequest = Request & { caller?: Caller };

/** Global guard: checks the Bearer key of every route marked with RequiresScope (before the throttler, which counts per key). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: ApiKeyVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const needed = this.reflector.getAllAndOverride(RequiresScope, [context.getHandler(), context.getClass()]);
    if (needed === undefined) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.caller = await this.verifier.authorize(request.headers.authorization, needed);
    return true;
  }
}

/** The request's Caller (set by ApiKeyGuard); a route without RequiresScope has none, which is a bug. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('CurrentCaller on a route without RequiresScope');
  return caller;
});

/** The throttler's tracker: the key, or the address when the route has none (API_AUTH=off). */
export function rateLimitTracker(request: Record<string, unknown>): string {
  const { caller, ip } = request as { caller?: Caller; ip?: string };
  return caller?.keyId ? `key:${caller.keyId}` : `ip:${ip ?? 'unknown'}`;
}
