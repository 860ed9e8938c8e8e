import { Readable } from 'node:stream';
import { UnrecoverableError, type Job } from 'bullmq';
import type { PinoLogger } from 'nestjs-pino';
import type { ReportEntity } from '@store-uptime/db';
import type { ReportStorage } from '@store-uptime/storage';
import { Utf8Column } from '@store-uptime/uptime';
import type { ComputeRunner } from '../compute/compute-runner';
import type { ComputeResult, ComputeStage } from '../compute/report-computation';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { mergeShardStats, networkFailure, ReportPipelineService, ReportStageError, shardsProgress } from './report-pipeline.service';
import type { ReportRowsRepository, ReportsRepository } from '@store-uptime/db';
import type { DataSource } from 'typeorm';
import type { ReportCancelWatch } from './report-cancel-watch';
import type { ReportFanOut } from './report-fan-out';
import { ReportSlices } from './report-slices';
import { ReportProcessor } from './report.processor';
import type { WebhookRelayService } from '../webhooks/webhook-relay.service';

const ID = '0123456789abcdef0123456789abcdef';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as PinoLogger;

function computeResult(): ComputeResult {
  return {
    report: {
      storeIds: Utf8Column.from(['a', 'b']),
      values: {
        uptime_last_hour: Float64Array.of(60, 12.5),
        uptime_last_day: Float64Array.of(24, 1),
        uptime_last_week: Float64Array.of(168, 2),
        downtime_last_hour: Float64Array.of(0, 47.5),
        downtime_last_day: Float64Array.of(0, 23),
        downtime_last_week: Float64Array.of(0, 166),
      },
    },
    rows: 2,
    nowUs: Date.parse('2023-01-25T18:00:00Z') * 1000,
    pollsRead: 10,
    stats: { stores: 2, pollsRead: 10, pollsAfterNow: 0, zonesMissing: 0, zonesInvalid: {} },
  };
}

function setup(options: { row?: Partial<ReportEntity> | null; upload?: (key: string, body: Readable) => Promise<void>; computeMs?: number } = {}) {
  const calls: string[] = [];
  const uploads: Record<string, string> = {};
  const row = options.row === undefined ? { id: ID, status: 'queued' as const, s3Key: null } : options.row;
  const records = {
    find: async () => row,
    start: async (_id: string, progress: number) => {
      calls.push(`running ${progress}`);
      return true;
    },
    setProgress: async (_id: string, progress: number) => void calls.push(`progress ${progress}`),
    complete: async (_id: string, outcome: object) => {
      calls.push(`complete ${JSON.stringify(outcome)}`);
      return true;
    },
    requeue: async (_id: string, error?: string) => {
      calls.push(error === undefined ? 'requeued' : `retrying ${error}`);
      return true;
    },
    fail: async (_id: string, error: string) => {
      calls.push(`failed ${error}`);
      return true;
    },
  } as unknown as ReportsRepository;
  const storage = {
    ensureBucket: async () => undefined,
    download: async (key: string) => Readable.from([uploads[key]]),
    discardPrefix: async (prefix: string) => {
      calls.push(`parts deleted ${prefix}`);
      return 0;
    },
    upload:
      options.upload ??
      (async (key: string, body: Readable) => {
        let text = '';
        for await (const chunk of body) text += String(chunk);
        uploads[key] = text;
      }),
  } as unknown as ReportStorage;
  const compute: ComputeRunner = {
    mode: 'inline',
    run: async (_request, onStage: (stage: ComputeStage) => void) => {
      onStage({ stage: 'loaded', pollsRead: 10 });
      // A thread takes a while: events run meanwhile.
      if (options.computeMs) await new Promise((resolve) => setTimeout(resolve, options.computeMs));
      onStage({ stage: 'computed', rows: 2 });
      return computeResult();
    },
    close: async () => undefined,
  };
  const reportRows = {
    replace: async (_id: string, report: ComputeResult['report']) => {
      calls.push(`rows ${report.storeIds.offsets.length - 1}`);
      return report.storeIds.offsets.length - 1;
    },
    remove: async () => {
      calls.push('rows removed');
      return 0;
    },
  } as unknown as ReportRowsRepository;
    // No fan-out here (the contexts have no `shards`): the sharded path runs on the real services in report-shards.int-spec.ts.
  const pipeline = new ReportPipelineService(records, reportRows, {} as DataSource, new ReportSlices(storage), { REPORT_SHARD_STORES: 1e9 }, storage, compute, new WorkerMetrics(), silent);
  const jobProgress: number[] = [];
  const context = (data: object = { reportId: ID, asOf: null, method: 'hourly' }, attempt = 1) => ({
    data: data as never,
    attempt,
    updateProgress: async (progress: number) => void jobProgress.push(progress),
  });
  return { pipeline, records, reportRows, calls, uploads, jobProgress, context };
}

describe('ReportPipelineService', () => {
  it('records each transition, reports progress at each stage and streams the CSV to reports/<id>.csv', async () => {
    const { pipeline, calls, uploads, jobProgress, context } = setup();
    const result = await pipeline.run(context());

    expect(result).toEqual({ s3Key: `reports/${ID}.csv`, storesCount: 2, nowUsed: '2023-01-25T18:00:00.000Z' });
    expect(jobProgress).toEqual([0.05, 0.4, 0.8, 0.95, 1]);
    expect(calls[0]).toBe('running 0.05');
    expect(calls).toContain('progress 0.4');
    // The rows are written after the computation and before the report is complete.
    expect(calls.indexOf('rows 2')).toBeGreaterThan(calls.indexOf('progress 0.8'));
    expect(calls.at(-1)).toBe(
      `complete ${JSON.stringify({ s3Key: `reports/${ID}.csv`, storesCount: 2, pollsAfterNow: 0, nowUsed: new Date('2023-01-25T18:00:00Z'), warnings: [] })}`,
    );
    expect(uploads[`reports/${ID}.csv`]).toBe(
      'store_id,uptime_last_hour,uptime_last_day,uptime_last_week,downtime_last_hour,downtime_last_day,downtime_last_week\n' +
        'a,60.00,24.00,168.00,0.00,0.00,0.00\n' +
        'b,12.50,1.00,2.00,47.50,23.00,166.00\n',
    );
  });

  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.0.3.7:5432', 'connection refused (ECONNREFUSED)'],
    ['ETIMEDOUT', 'connect ETIMEDOUT 10.0.3.7:443', 'connection timed out (ETIMEDOUT)'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db.internal', 'host not found (ENOTFOUND)'],
  ])('describes a %s without the address it carries (reasons are shown to clients)', (code, message, text) => {
    expect(networkFailure(Object.assign(new Error(message), { code }))).toBe(text);
    expect(networkFailure(new Error('relation "reports" does not exist'))).toBeNull();
  });

  it('names the upload stage in the failure when S3 rejects the upload', async () => {
    const { pipeline, context } = setup({
      upload: async (_key, body) => {
        body.resume();
        throw Object.assign(new Error('boom'), { code: 'ECONNREFUSED' });
      },
    });
    const error = await pipeline.run(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportStageError);
    expect((error as Error).message).toBe('writing the CSV to S3 failed: connection refused (ECONNREFUSED)');
  });

  it.each([
    [{ reportId: 'nope', asOf: null, method: 'hourly' }],
    [{ reportId: ID, asOf: null, method: 'weekly' }],
    [{ reportId: ID, asOf: 'soon', method: 'hourly' }],
  ])('refuses a payload that can never work (%j) without retrying', async (data) => {
    const { pipeline, context } = setup();
    await expect(pipeline.run(context(data))).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('fails the attempt, without an unhandled rejection, when a progress write fails while the report computes', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { pipeline, context } = setup({ computeMs: 50 });
      const job = {
        ...context(),
        // Redis lost the job: BullMQ refuses every later progress write of it.
        updateProgress: async (progress: number) => {
          if (progress > 0.05) throw new Error('Missing key for job. updateProgress');
        },
      };
      await expect(pipeline.run(job)).rejects.toThrow(/Missing key/);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('refuses a report whose row does not exist', async () => {
    const { pipeline, context } = setup({ row: null });
    await expect(pipeline.run(context())).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('does not recompute a report already complete (a retry after the row was written)', async () => {
    const { pipeline, calls, context } = setup({
      row: { id: ID, status: 'complete', s3Key: `reports/${ID}.csv`, storesCount: 5, nowUsed: new Date('2023-01-25T18:00:00Z') },
    });
    await expect(pipeline.run(context())).resolves.toEqual({ s3Key: `reports/${ID}.csv`, storesCount: 5, nowUsed: '2023-01-25T18:00:00.000Z' });
    expect(calls).toEqual([]);
  });
});

describe('ReportProcessor', () => {
  function processorWith(pipelineRun: () => Promise<never>) {
    const { records, reportRows, calls } = setup();
    const cancels = { watch: () => ({ signal: new AbortController().signal, stop: () => undefined }) } as unknown as ReportCancelWatch;
    // The relay is told when a report's final status (and so its webhook events) was written.
    const relay = { nudge: () => calls.push('webhook relay nudged') } as unknown as WebhookRelayService;
    const fanOut = { forReport: () => undefined } as unknown as ReportFanOut;
    const processor = new ReportProcessor({ run: pipelineRun } as unknown as ReportPipelineService, records, reportRows, cancels, relay, fanOut, new WorkerMetrics(), silent);
    const job = (attemptsMade: number) =>
      ({ id: ID, data: { reportId: ID, asOf: null, method: 'hourly' }, attemptsMade, opts: { attempts: 3 } }) as unknown as Job;
    return { processor, records, calls, job };
  }

  it('marks the report queued again and rethrows when attempts are left', async () => {
    const { processor, calls, job } = processorWith(async () => {
      throw new Error('reading the data from PostgreSQL failed: timeout');
    });
    await expect(processor.process(job(0))).rejects.toThrow('timeout');
    expect(calls).toEqual(['retrying attempt 1 failed: reading the data from PostgreSQL failed: timeout']);
  });

  it('marks the report failed with the reason on the last attempt, deletes the rows it wrote, and rethrows', async () => {
    const { processor, calls, job } = processorWith(async () => {
      throw new Error('writing the CSV to S3 failed: AccessDenied');
    });
    await expect(processor.process(job(2))).rejects.toThrow('AccessDenied');
    expect(calls).toEqual(['failed writing the CSV to S3 failed: AccessDenied', 'rows removed', 'webhook relay nudged']);
  });

  it('keeps the rows when the report could not be failed (another worker completed it meanwhile)', async () => {
    const { processor, records, calls, job } = processorWith(async () => {
      throw new Error('writing the CSV to S3 failed: AccessDenied');
    });
    records.fail = async () => false;
    await expect(processor.process(job(2))).rejects.toThrow('AccessDenied');
    expect(calls).toEqual(['webhook relay nudged']);
  });

  it('marks the report failed at once for an unrecoverable error', async () => {
    const { processor, calls, job } = processorWith(async () => {
      throw new UnrecoverableError('unknown method "weekly"');
    });
    await expect(processor.process(job(0))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(calls).toEqual(['failed unknown method "weekly"', 'rows removed', 'webhook relay nudged']);
  });
});

describe('a fanned-out report', () => {
  const shard = (index: number, rows: number, zonesInvalid: Record<string, number>) => ({
    shard: index,
    partKey: `reports/${ID}/parts/${index}.csv`,
    rows,
    pollsRead: rows * 10,
    pollsAfterNow: index,
    zonesMissing: 1,
    zonesInvalid,
  });

  it('counts every store once: the shards\' counts added up, invalid zones merged by name', () => {
    const stats = mergeShardStats([shard(0, 3, { 'Not/AZone': 2 }), shard(1, 4, { 'Not/AZone': 1, Mars: 1 }), shard(2, 1, {})]);
    expect(stats).toEqual({ stores: 8, pollsRead: 80, pollsAfterNow: 3, zonesMissing: 3, zonesInvalid: { 'Not/AZone': 3, Mars: 1 } });
  });

  it('moves its progress with each stored shard, from just started to before the assembly, never past it', () => {
    const values = [0, 1, 2, 3, 4].map((done) => shardsProgress(done, 4));
    expect(values[0]).toBe(0.05);
    expect(values[4]).toBeCloseTo(0.9);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(shardsProgress(5, 4)).toBeCloseTo(0.9);
  });
});

describe('the parent of a fanned-out report, run again after its shards', () => {
  const plan = { nowUs: Date.parse('2023-01-25T18:00:00Z') * 1000, ranges: [{ from: null, to: 'b' }, { from: 'b', to: null }] };
  const result = (shard: number, rows: number) => ({
    shard,
    partKey: `reports/${ID}/parts/0000${shard}.csv`,
    rows,
    pollsRead: 5,
    pollsAfterNow: 0,
    zonesMissing: shard,
    zonesInvalid: {},
  });

  it.each(['running', 'queued'] as const)(
    'assembles the parts in shard order behind one header, completes the report with the summed counts, then deletes the parts (row %s)',
    async (status) => {
      const { pipeline, calls, uploads, context } = setup({ row: { id: ID, status, s3Key: null, progress: 0.9 } });
      uploads[`reports/${ID}/parts/00000.csv`] = 'a,1.00,1.00,1.00,0.00,0.00,0.00\n';
      uploads[`reports/${ID}/parts/00001.csv`] = 'b,2.00,2.00,2.00,0.00,0.00,0.00\nc,3.00,3.00,3.00,0.00,0.00,0.00\n';
      const fanOuts: unknown[] = [];
      const outcome = await pipeline.run({
        ...context({ reportId: ID, asOf: null, method: 'hourly', shards: plan }),
        shards: { fanOut: async (given) => void fanOuts.push(given), results: async () => [result(1, 2), result(0, 1)] },
      });
      expect(fanOuts).toEqual([plan]);
      expect(uploads[`reports/${ID}.csv`]).toBe(
        'store_id,uptime_last_hour,uptime_last_day,uptime_last_week,downtime_last_hour,downtime_last_day,downtime_last_week\n' +
          'a,1.00,1.00,1.00,0.00,0.00,0.00\nb,2.00,2.00,2.00,0.00,0.00,0.00\nc,3.00,3.00,3.00,0.00,0.00,0.00\n',
      );
      expect(outcome).toEqual({ s3Key: `reports/${ID}.csv`, storesCount: 3, nowUsed: '2023-01-25T18:00:00.000Z' });
      // A row queued again by a failed attempt is started again (its progress kept); a running one is not.
      expect(calls[0]).toBe(status === 'queued' ? 'running 0.9' : 'progress 0.95');
      expect(calls.at(-2)).toMatch(/^complete .*"storesCount":3.*"warnings":\[\{"code":"stores_without_zone","count":1\}\]/);
      expect(calls.at(-1)).toBe(`parts deleted reports/${ID}/parts/`);
    },
  );

  it('deletes the parts and stops when the report was cancelled meanwhile', async () => {
    const { pipeline, calls, uploads, context } = setup({ row: { id: ID, status: 'cancelled', s3Key: null } });
    const run = pipeline.run({
      ...context({ reportId: ID, asOf: null, method: 'hourly', shards: plan }),
      shards: { fanOut: async () => undefined, results: async () => [] },
    });
    await expect(run).rejects.toThrow('the report was cancelled');
    expect(calls).toEqual([`parts deleted reports/${ID}/parts/`]);
    expect(uploads[`reports/${ID}.csv`]).toBeUndefined();
  });
});
