import { ProblemException } from '../problem/problem';
import { parseReportId, parseTriggerBody, reportIdFromBodyOrQuery } from './report-params';
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
    expect(parseTriggerBody(body)).toEqual({ asOf: null, method: 'hourly' });
  });

  it('accepts an instant with Z or an offset and either method', () => {
    expect(parseTriggerBody({ as_of: '2023-01-24T12:00:00Z', method: 'step' })).toEqual({
      asOf: new Date('2023-01-24T12:00:00Z'),
      method: 'step',
    });
    expect(parseTriggerBody({ as_of: '2023-01-24T17:30:00.5+05:30' }).asOf).toEqual(new Date('2023-01-24T12:00:00.500Z'));
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

describe('plainReportPath (the fast lane takes only the plain REST form)', () => {
  it.each([
    [`/reports/${ID}`, ID],
    [`/reports/${ID}?x=1`, null],
    [`/reports/${ID}/`, null],
    [`/reports/${ID}/download`, null],
    [`/reports/${ID.toUpperCase()}`, null],
    [`/reports/${ID.slice(1)}`, null],
    ['/reports', null],
    [`/get_report?report_id=${ID}`, null],
    [undefined, null],
  ])('%s → %s', (url, expected) => {
    expect(plainReportPath(url)).toBe(expected);
  });
});
