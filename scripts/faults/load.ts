import { Client } from 'pg';
import { httpRequest, sleep } from './processes';

/**
 * The load scenario ("1,000 concurrent triggers → exactly 1,000 reports, every one
 * Complete, none duplicated"), shared by the suite (a smaller count) and `npm run bench:load`.
 */

export interface TriggerOutcome {
  ids: string[];
  /** HTTP status → how many triggers answered it. */
  statuses: Record<number, number>;
  /** Wall time from the first request sent to the last answer received. */
  seconds: number;
  startedAt: Date;
}

/** Sends `count` POST /trigger_report at once (each on its own connection) and collects the ids. */
export async function triggerConcurrently(api: string, count: number): Promise<TriggerOutcome> {
  const startedAt = new Date();
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: count }, () =>
      httpRequest(`${api}/trigger_report`, { method: 'POST', timeoutMs: 60_000 }).catch((error: unknown) => ({
        status: 0,
        headers: {},
        text: String(error),
      })),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const statuses: Record<number, number> = {};
  const ids: string[] = [];
  for (const answer of answers) {
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    if (answer.status === 200) ids.push((JSON.parse(answer.text) as { report_id: string }).report_id);
  }
  return { ids, statuses, seconds, startedAt };
}

export interface CompletionOutcome {
  byStatus: Record<string, number>;
  rows: number;
  /** Rows started more than once (a duplicated computation). */
  startedTwice: number;
  /** From the first trigger to the last report finished (the rows' own finished_at). */
  seconds: number;
}

/** Waits (polling the reports table) until every row is complete or failed, or the deadline passes. */
export async function waitAllFinished(databaseUrl: string, expected: number, since: Date, timeoutMs: number): Promise<CompletionOutcome> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM reports GROUP BY status');
      const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      const total = rows.reduce((sum, r) => sum + r.n, 0);
      const finished = (byStatus.complete ?? 0) + (byStatus.failed ?? 0);
      if ((total >= expected && finished === total) || Date.now() > deadline) {
        const { rows: summary } = await client.query<{ last: Date | null; twice: number }>(
          'SELECT max(finished_at) AS last, count(*) FILTER (WHERE attempts > 1)::int AS twice FROM reports',
        );
        const last = summary[0].last;
        return {
          byStatus,
          rows: total,
          startedTwice: summary[0].twice,
          seconds: last ? (last.getTime() - since.getTime()) / 1000 : Number.NaN,
        };
      }
      await sleep(200);
    }
  } finally {
    await client.end();
  }
}
