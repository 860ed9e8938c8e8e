import type { WorkerEnv } from '@store-uptime/config';
import { workerConnection } from '@store-uptime/queue';

/**
 * The Redis connection and key prefix of the worker's queue handles (BullModule), of its Worker
 * and of its FlowProducer. A file of its own: the fan-out needs it, and report-worker.ts imports
 * the processor that imports the fan-out.
 */
export function queueConnection(env: Pick<WorkerEnv, 'REDIS_URL' | 'REDIS_PREFIX'>) {
  return { connection: workerConnection(env.REDIS_URL), prefix: env.REDIS_PREFIX };
}
