import { ProblemException } from '../problem/problem';
import { encodeListCursor, parseIdempotencyKey, parseListQuery, parseReportId, parseTriggerBody, reportIdFromBodyOrQuery } from './report-params';
import { plainReportPath, plainStatusQuery } from './status-fast-lane';

const ID = '0123456789abcdef0123456789abcdef';

function status(run: () => unknown): number {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemException) return error.getStatus();
    throw error;
  }
  return 200;
}

describe('parseTriggerBody', () => {
  it.each([undefined, null, {}])('defaults everything for an empty body (%p)', (body) => {
    expect(parseTriggerBody(body)).toEqual({ asOf: null, method: 'hourly', callbackUrl: null });
  });

  it('accepts an instant with Z or an offset and either method', () => {
    expect(parseTriggerBody({ as_of: '2023-01-24T12:00:00Z', method: 'step' })).toEqual({
      asOf: new Date('2023-01-24T12:00:00Z'),
      method: 'step',
      callbackUrl: null,
    });
    expect(parseTriggerBody({ as_of: '2023-01-24T17:30:00.5+05:30' }).asOf).toEqual(new Date('2023-01-24T12:00:00.500Z'));
  });

  it('takes a callback_url (where it points is the service\'s check, after DNS)', () => {
    expect(parseTriggerBody({ callback_url: 'https://hooks.example.com/done' }).callbackUrl).toBe('https://hooks.example.com/done');
  });

  it.each([
    [{ method: 'weekly' }],
    [{ as_of: 'yesterday' }],
    [{ as_of: '2023-01-24T12:00:00' }],
    [{ as_of: '2023-01-24' }],
    [{ as_of: 1674561600000 }],
    [{ asOf: '2023-01-24T12:00:00Z' }],
    [[1, 2]],
    ['text'],
    [{ callback_url: 'ftp://hooks.example.com/' }],
    [{ callback_url: 'https://user:secret@hooks.example.com/' }],
    [{ callback_url: '/relative' }],
    [{ callback_url: 42 }],
  ])('answers 400 for %j', (body) => {
    expect(status(() => parseTriggerBody(body))).toBe(400);
  });
});

describe('report ids from requests', () => {
  it('accepts exactly 32 lowercase hex characters', () => {
    expect(parseReportId(ID)).toBe(ID);
    expect(status(() => parseReportId(ID.toUpperCase()))).toBe(400);
    expect(status(() => parseReportId([ID, ID]))).toBe(400);
    expect(status(() => parseReportId(undefined))).toBe(400);
  });

  it('reads POST /get_report from the body, or the query when the body is empty', () => {
    expect(reportIdFromBodyOrQuery({ report_id: ID }, {})).toBe(ID);
    expect(reportIdFromBodyOrQuery(undefined, { report_id: ID })).toBe(ID);
    expect(status(() => reportIdFromBodyOrQuery({}, {}))).toBe(400);
    expect(status(() => reportIdFromBodyOrQuery({ report_id: ID, extra: 1 }, {}))).toBe(400);
  });
});

describe('plainStatusQuery (the fast lane takes only the plain form)', () => {
  it.each([
    [`/get_report?report_id=${ID}`, ID],
    [`/get_report?report_id=${ID}&x=1`, null],
    [`/get_report?report_id=${ID.toUpperCase()}`, null],
    [`/get_report?x=1&report_id=${ID}`, null],
    ['/get_report', null],
    [`/reports/${ID}`, null],
    [undefined, null],
  ])('%s → %s', (url, expected) => {
    expect(plainStatusQuery(url)).toBe(expected);
  });
});

function errorPaths(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemException) return ((error.extensions.errors ?? []) as { path: string }[]).map((e) => e.path).sort();
    throw error;
  }
  return [];
}

describe('parseIdempotencyKey', () => {
  it.each([['a'], ['order-2026-12-02/0001'], ['~'.repeat(255)]])('accepts %p', (key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it('is absent when the header is', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each([[''], ['two words'], ['k'.repeat(256)], ['clé'], ['tab\there'], [['a', 'b']]])('refuses %p with 400', (key) => {
    expect(errorPaths(() => parseIdempotencyKey(key))).toEqual(['Idempotency-Key']);
  });
});

describe('parseListQuery', () => {
  it('defaults to 20 reports from the newest, no filter', () => {
    expect(parseListQuery({})).toEqual({ filter: {}, limit: 20, after: null, query: {} });
  });

  it('reads every filter, and keeps them for the next link', () => {
    const cursor = encodeListCursor({ createdAt: '2026-12-02T14:00:00.123456Z', id: ID });
    const parsed = parseListQuery({ status: 'cancelled', method: 'step', created_after: '2026-12-01T00:00:00Z', limit: '5', cursor });
    expect(parsed).toEqual({
      filter: { status: 'cancelled', method: 'step', createdAfter: new Date('2026-12-01T00:00:00Z'), createdBefore: undefined },
      limit: 5,
      after: { createdAt: '2026-12-02T14:00:00.123456Z', id: ID },
      query: { status: 'cancelled', method: 'step', created_after: '2026-12-01T00:00:00Z', limit: '5' },
    });
  });

  it('lists every bad field in one 400', () => {
    expect(errorPaths(() => parseListQuery({ status: 'done', limit: '101', created_before: 'soon', cursor: 'e30', extra: '1' }))).toEqual([
      'created_before',
      'cursor',
      'extra',
      'limit',
      'status',
    ]);
  });

  it.each([
    ['not base64 JSON', 'xyz'],
    ['without an id', Buffer.from(JSON.stringify({ c: '2026-12-02T14:00:00.123456Z' })).toString('base64url')],
    ['in year 0000', encodeListCursor({ createdAt: '0000-01-01T00:00:00.000000Z', id: ID })],
    ['with milliseconds only', encodeListCursor({ createdAt: '2026-12-02T14:00:00.123Z', id: ID })],
  ])('refuses a cursor %s', (_label, cursor) => {
    expect(errorPaths(() => parseListQuery({ cursor }))).toEqual(['cursor']);
  });

  it.each([['0'], ['1.5'], ['x']])('refuses limit %p', (limit) => {
    expect(errorPaths(() => parseListQuery({ limit }))).toEqual(['limit']);
  });

  it('refuses a repeated parameter', () => {
    expect(errorPaths(() => parseListQuery({ status: ['queued', 'running'] }))).toContain('status');
  });
});

describe('plainReportPath (the fast lane takes only the plain REST form)', () => {
  it.each([
    [`/reports/${ID}`, ID],
    [`/reports/${ID}?x=1`, null],
    [`/reports/${ID}/`, null],
    [`/reports/${ID}/download`, null],
    [`/reports/${ID}/cancel`, null],
    [`/reports/${ID.toUpperCase()}`, null],
    [`/reports/${ID.slice(1)}`, null],
    ['/reports', null],
    [`/get_report?report_id=${ID}`, null],
    [undefined, null],
  ])('%s → %s', (url, expected) => {
    expect(plainReportPath(url)).toBe(expected);
  });
});
