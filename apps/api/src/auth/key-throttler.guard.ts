import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * The trigger rate limit with the IETF draft's header names (`RateLimit-Limit`, `-Remaining`,
 * `-Reset`) instead of the library's `X-RateLimit-*`; the budget is per key (rateLimitTracker).
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.headerPrefix = 'RateLimit';
  }
}
