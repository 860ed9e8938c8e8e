import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { FlowProducer, Job, Queue, WaitingChildrenError } from 'bullmq';
import type { WorkerEnv } from '@store-uptime/config';
import {
  QUEUES,
  REPORT_JOBS,
  reportShardJobOptions,
  type ReportJobData,
  type ReportJobRetryPolicy,
  type ReportShardJobData,
  type ReportShardPlanData,
  type ReportShardResult,
} from '@store-uptime/queue';
import { WORKER_ENV } from '../tokens';
import type { ShardedReportJob } from './report-pipeline.service';
import { queueConnection } from './queue-connection';

/**
 * The BullMQ side of a fanned-out report: its shards are children of the report's own job (the
 * job the API added and reads), added through a FlowProducer in one atomic step, so either every
 * shard exists or none does. The parent waits in `waiting-children` (holding no worker and no
 * lock) and is run again once they are all done; any worker takes any shard.
 */
@Injectable()
export class ReportFanOut implements OnApplicationShutdown {
  private readonly flows: FlowProducer;

  constructor(
    @Inject(WORKER_ENV) env: WorkerEnv,
    @InjectQueue(QUEUES.reports) private readonly queue: Queue,
  ) {
    this.flows = new FlowProducer(queueConnection(env));
  }

  forReport(job: Job<ReportJobData>, token: string | undefined): ShardedReportJob {
    return {
      fanOut: async (plan) => {
        if (!job.data.shards) await job.updateData({ ...job.data, shards: plan });
        const children = await job.getDependenciesCount();
        const added = Object.values(children).reduce((sum, count) => sum + (count ?? 0), 0);
        if (added === 0) await this.addShards(job, plan);
        // False once every child is done: the parent goes on to assemble in this same run.
        if (await job.moveToWaitingChildren(token ?? '')) throw new WaitingChildrenError();
      },
      results: async () => Object.values(await job.getChildrenValues<ReportShardResult>()),
    };
  }

  private async addShards(job: Job<ReportJobData>, plan: ReportShardPlanData): Promise<void> {
    const { reportId, method } = job.data;
    const parent = { id: job.id ?? reportId, queue: job.queueQualifiedName };
    const policy = retryPolicyOf(job);
    await this.flows.addBulk(
      plan.ranges.map((range, shard) => ({
        name: REPORT_JOBS.shard,
        queueName: QUEUES.reports,
        data: { reportId, method, nowUs: plan.nowUs, shard, shards: plan.ranges.length, from: range.from, to: range.to } satisfies ReportShardJobData,
        opts: reportShardJobOptions(reportId, shard, parent, policy),
      })),
    );
  }

  /** Children of the shard's parent already done; 0 when the parent cannot be read. */
  async shardsDone(job: Job<ReportShardJobData>): Promise<number> {
    const parent = await this.parentOf(job);
    if (!parent) return 0;
    const { processed } = await parent.getDependenciesCount({ processed: true });
    return processed ?? 0;
  }

  async updateReportProgress(job: Job<ReportShardJobData>, progress: number): Promise<void> {
    await (await this.parentOf(job))?.updateProgress(progress);
  }

  /**
   * The report's shards not yet started are removed (a running one is locked and stays; it sees
   * the row and stops): once a report is cancelled or failed, no worker should start another.
   */
  async dropPendingShards(job: Job<ReportShardJobData>): Promise<void> {
    await (await this.parentOf(job))?.removeUnprocessedChildren();
  }

  private async parentOf(job: Job<ReportShardJobData>): Promise<Job | undefined> {
    const parentId = job.parent?.id;
    return parentId ? Job.fromId(this.queue, parentId) : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flows.close();
  }
}

/** A shard is retried as its report is: the attempts and backoff the API gave the report's job. */
function retryPolicyOf(job: Job): ReportJobRetryPolicy {
  const backoff = job.opts.backoff;
  const backoffMs = typeof backoff === 'number' ? backoff : (backoff?.delay ?? 5_000);
  return { attempts: job.opts.attempts ?? 1, backoffMs };
}
