import { isReportId, newReportId, reportJobOptions, reportShardJobOptions } from './report-job';
import { redisOptionsFromUrl } from './redis-connection';
import { failedJobReason, TimeoutError, withTimeout } from './report-failures';

describe('report ids', () => {
  it('are 32 lowercase hex characters and differ every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newReportId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isReportId(id)).toBe(true);
  });

  it.each(['', 'ABCDEF0123456789ABCDEF0123456789', '0123', `${'a'.repeat(32)}x`, 42, null])('rejects %p', (value) => {
    expect(isReportId(value)).toBe(false);
  });
});

describe('reportJobOptions', () => {
  it('uses the report id as the job id and bounds what Redis keeps', () => {
    const options = reportJobOptions('a'.repeat(32), { attempts: 3, backoffMs: 1000 });
    expect(options).toMatchObject({ jobId: 'a'.repeat(32), attempts: 3, backoff: { type: 'exponential', delay: 1000 } });
    expect(options.removeOnComplete).toEqual({ age: expect.any(Number), count: expect.any(Number) });
    expect(options.removeOnFail).toEqual({ age: expect.any(Number), count: expect.any(Number) });
  });
});

describe('redisOptionsFromUrl', () => {
  it('reads host, port, credentials, database and TLS from the URL', () => {
    expect(redisOptionsFromUrl('rediss://user:p%40ss@cache.example:6380/2')).toEqual({
      host: 'cache.example',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
      tls: {},
    });
    expect(redisOptionsFromUrl('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379 });
  });
});

describe('failure reasons', () => {
  it('explains BullMQ stalls in client terms', () => {
    expect(failedJobReason('job stalled more than allowable limit')).toMatch(/workers running this report stopped/);
    expect(failedJobReason('writing the CSV to S3 failed: AccessDenied')).toBe('writing the CSV to S3 failed: AccessDenied');
    expect(failedJobReason(undefined)).toMatch(/unknown/);
  });

  it('times out a promise that does not settle', async () => {
    await expect(withTimeout(new Promise(() => undefined), 10, 'Redis')).rejects.toBeInstanceOf(TimeoutError);
    await expect(withTimeout(Promise.resolve(7), 100, 'Redis')).resolves.toBe(7);
  });
});

describe('reportShardJobOptions', () => {
  it('names a shard after its report (a second add is a no-op), retries it with the report\'s policy, and fails the parent when it cannot succeed', () => {
    const parent = { id: 'a'.repeat(32), queue: 'bull:reports' };
    const options = reportShardJobOptions('a'.repeat(32), 2, parent, { attempts: 3, backoffMs: 1000 });
    expect(options).toMatchObject({
      jobId: `${'a'.repeat(32)}-shard-2`,
      parent,
      failParentOnFailure: true,
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
    });
    expect(reportShardJobOptions('a'.repeat(32), 3, parent, { attempts: 3, backoffMs: 1000 }).jobId).not.toBe(options.jobId);
  });
});
