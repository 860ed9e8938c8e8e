import { Queue } from 'bullmq';

/**
 * A BullMQ Queue with an `error` listener from its construction on. Without one, BullMQ prints each
 * connection error to the console with a stack trace; and when Redis is down as an app boots, the
 * first error arrives while Nest is still building the app, before any service could subscribe.
 * The services subscribe as usual and log the errors through pino (ReportsService,
 * ReportSweeperService); this listener only covers the moment before. Given to
 * `BullModule.queueClass` by both apps' modules.
 */
export class ListenedQueue<Data = unknown, Result = unknown> extends Queue<Data, Result> {
  constructor(...args: ConstructorParameters<typeof Queue<Data, Result>>) {
    super(...args);
    this.on('error', () => undefined);
  }
}
