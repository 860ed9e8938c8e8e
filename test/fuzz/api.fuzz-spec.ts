import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { httpRequest, killAllNow } from '../../scripts/faults/processes';
import { createNamespace, type Namespace } from '../../scripts/faults/namespace';
import { fuzzSeed, SeededRandom } from '../../scripts/faults/seeded-random';
import { ensureBuilt, eventually, reportRows, startApi, startWorker, type RunningApi, type RunningWorker } from '../faults/support/harness';

const SEED = fuzzSeed(20_261_127);
const REQUESTS = Number(process.env.FUZZ_API_REQUESTS ?? 700);
const PROBLEM = /^application\/problem\+json/;

const HEX = '0123456789abcdef';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** Report ids a client could send: well-formed but unknown, nearly well-formed, and hostile. */
function fuzzId(rng: SeededRandom): string {
  const valid = rng.string(32, HEX);
  return rng.pick([
    () => valid,
    () => valid.toUpperCase(),
    () => valid.slice(1),
    () => `${valid}0`,
    () => '',
    () => '%00',
    () => `${valid.slice(0, 31)}%00`,
    () => '..%2F..%2Fetc%2Fpasswd',
    () => '%ZZ',
    () => encodeURIComponent('é'.repeat(32)),
    () => encodeURIComponent(`' OR 1=1 --`),
    () => encodeURIComponent(` ${valid}`),
    () => rng.string(rng.int(1, 3_000), HEX),
    () => encodeURIComponent(rng.bytes(rng.int(1, 40)).toString('latin1')),
    () => String(rng.int(-1e9, 1e9)),
    () => 'null',
    () => '%7B%7D',
  ])();
}

const AS_OF = [
  '2023-01-24T12:00:00Z', '2023-01-24T12:00:00.123456Z', '2023-01-24T12:00:00.123456789Z', '2023-01-24T12:00:00+05:30',
  '2023-01-24T12:00:00-00:00', '0001-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z',
  '2023-02-29T00:00:00Z', '2024-02-29T00:00:00Z', '2023-02-30T00:00:00Z', '2023-01-24T24:00:00Z', '2023-01-24T23:59:60Z',
  '2023-13-01T00:00:00Z', '2023-00-10T00:00:00Z', '2023-01-24 12:00:00Z', '2023-01-24T12:00Z', '2023-01-24', 'T12:00:00Z',
  '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '2023-01-24T12:00:00+24:00', '2023-01-24T12:00:00+99:99',
  '2023-01-24T12:00:00+14:00', '2023-01-24T12:00:00-12:00', '2023-01-24t12:00:00z', '2023-W04-2T12:00:00Z', '20230124T120000Z',
  '2023-01-24T12:00:00.Z', '2023-01-24T12:00:00,5Z', ' 2023-01-24T12:00:00Z', '2023-01-24T12:00:00Z ', 'now', '', 'null',
];

function mutate(rng: SeededRandom, text: string): string {
  const chars = [...text];
  for (let i = rng.int(1, 3); i > 0 && chars.length > 0; i--) {
    const at = rng.int(0, chars.length - 1);
    const op = rng.int(0, 2);
    if (op === 0) chars.splice(at, 1);
    else if (op === 1) chars[at] = rng.string(1, '0123456789:-+TZ.x \u0000é');
    else chars.splice(at, 0, rng.string(1, '0123456789:-+TZ.'));
  }
  return chars.join('');
}

function fuzzValue(rng: SeededRandom, depth = 0): unknown {
  return rng.pick([
    () => null,
    () => rng.chance(0.5),
    () => rng.int(-1e6, 1e6),
    () => rng.next() * 1e308,
    () => rng.string(rng.int(0, 40), 'abc xyz0123456789-_:é\u0000"\\'),
    () => rng.pick(AS_OF),
    () => (depth > 3 ? [] : Array.from({ length: rng.int(0, 4) }, () => fuzzValue(rng, depth + 1))),
    () => (depth > 3 ? {} : fuzzObject(rng, depth + 1)),
  ])();
}

function fuzzObject(rng: SeededRandom, depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = rng.int(0, 3); i > 0; i--) object[rng.pick(['as_of', 'method', 'report_id', 'asOf', 'extra', '__proto__', 'constructor', ''])] = fuzzValue(rng, depth);
  return object;
}

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A JSON (or not) body for the trigger and the POST status route. */
function fuzzBody(rng: SeededRandom): string {
  return rng.pick([
    () => JSON.stringify({ as_of: rng.pick(AS_OF) }),
    () => JSON.stringify({ as_of: mutate(rng, rng.pick(AS_OF)), method: rng.pick(['hourly', 'step', 'Hourly', 'weekly', '', 1]) }),
    () => JSON.stringify({ method: rng.pick(['hourly', 'step', 'STEP', null, ['step'], { a: 1 }]) }),
    () => JSON.stringify({ report_id: rng.chance(0.5) ? rng.string(32, HEX) : fuzzValue(rng) }),
    () => JSON.stringify(fuzzObject(rng)),
    () => JSON.stringify(fuzzValue(rng)),
    () => '{"__proto__":{"method":"step"},"constructor":{"prototype":{"polluted":true}}}',
    () => nested(rng.pick([10, 500, 5_000])),
    () => JSON.stringify({ as_of: 'x'.repeat(rng.int(15_000, 17_000)) }),
    () => `{"as_of": "${rng.pick(AS_OF)}"`,
    () => rng.bytes(rng.int(1, 200)).toString('latin1'),
    () => '',
    () => 'null',
    () => '"just a string"',
    () => '[]',
    () => '\uFEFF{}',
    // Webhook registrations and callbacks: forms and targets that must all be refused (400), with
    // no DNS lookup (literal addresses only), so no delivery ever leaves the machine.
    () => JSON.stringify({ url: rng.pick(WEBHOOK_URLS), events: rng.pick([['report.completed'], ['report.started'], [], 'report.failed', ['report.failed', 'report.failed'], null]) }),
    () => JSON.stringify({ callback_url: rng.chance(0.5) ? rng.pick(WEBHOOK_URLS) : fuzzValue(rng) }),
    () => JSON.stringify({ url: fuzzValue(rng), events: fuzzValue(rng) }),
  ])();
}

const WEBHOOK_URLS = ['http://127.0.0.1:9/hook', 'http://[::1]/', 'http://169.254.169.254/latest', 'http://10.0.0.1/', 'ftp://192.0.2.1/', 'https://user:pw@192.0.2.1/', '/relative', '', 'http://', `http://192.0.2.1/${'a'.repeat(3_000)}`];

function fuzzPath(rng: SeededRandom): string {
  const id = fuzzId(rng);
  return rng.pick([
    () => '/trigger_report',
    () => `/get_report?report_id=${id}`,
    () => `/get_report?report_id=${id}&report_id=${rng.string(32, HEX)}`,
    () => `/get_report?report_id[]=${id}`,
    () => `/get_report?report_id[a]=${id}`,
    () => `/get_report?report_id=${id}&extra=${rng.string(5, 'abc')}`,
    () => `/get_report?${'x=1&'.repeat(rng.int(1, 1_500))}report_id=${id}`,
    () => '/get_report',
    () => '/get_report?',
    () => '/reports',
    () => `/reports?as_of=${encodeURIComponent(rng.pick(AS_OF))}`,
    () => `/reports/${id}`,
    () => `/reports/${id}/download`,
    () => `/reports/${id}/${rng.string(4, 'abc')}`,
    () => '/webhooks',
    () => `/webhooks/${id}`,
    () => `/webhooks/${id}/deliveries`,
    () => `/webhooks/${rng.string(32, HEX)}/deliveries?limit=${rng.int(-5, 500)}`,
    () => `/reports/${id}/stores?sort=${rng.pick(['store_id', 'uptime_last_week', 'rank', ''])}&order=${rng.pick(['asc', 'desc', 'up'])}&limit=${rng.pick(['1', '1000', '1001', '-1', 'x'])}`,
    () => `/reports/${id}/stores?min_downtime_last_week=${rng.pick(['1', '1e308', 'NaN', '', '-0'])}&store_id=${rng.string(3, 'abc')}&store_id[x]=1`,
    () => `/reports/${id}/stores?cursor=${rng.string(rng.int(0, 60), 'abcXYZ019-_=')}`,
    () => `/reports/${id}/download?format=${rng.pick(['jsonl', 'csv', 'xml', ''])}`,
    () => `/reports/${id}/view`,
    () => `/report-page/assets/${rng.pick(['report-page.js', 'uPlot.min.css', '..%2Fpackage.json', 'x'])}`,
    () => `/stores/${id}/uptime`,
    () => `/stores/${id}/timeline?as_of=${encodeURIComponent(rng.pick(AS_OF))}&method=${rng.pick(['hourly', 'step', 'Hourly', ''])}`,
    () => `/stores/${id}/uptime?as_of=${rng.pick(AS_OF)}&as_of=${rng.pick(AS_OF)}`,
    () => `/echo/${id}`,
    () => `/echo/${encodeURIComponent('<script>alert(1)</script>')}`,
    () => '/health/live',
    () => '/health/ready',
    () => '/docs-json',
    () => '/admin/queues',
    () => '/admin/queues/api/queues',
    () => `/${rng.string(rng.int(1, 20), 'abcxyz/._%-')}`,
    () => '//trigger_report',
    () => '/trigger_report/',
    () => '/TRIGGER_REPORT',
  ])();
}

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16',
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/xml', 'application/merge-patch+json',
  ';;;', 'application/json; charset="', undefined,
];

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function fuzzRequest(rng: SeededRandom): FuzzRequest {
  const method = rng.chance(0.6) ? rng.pick(['GET', 'POST'] as const) : rng.pick(METHODS);
  const path = fuzzPath(rng);
  const headers: Record<string, string> = {};
  let body: Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD' && rng.chance(0.85)) {
    body = Buffer.from(fuzzBody(rng), 'utf8');
    const type = rng.pick(CONTENT_TYPES);
    if (type !== undefined) headers['content-type'] = type;
    if (rng.chance(0.08)) {
      const encoding = rng.pick(['gzip', 'deflate', 'br', 'x-unknown', 'identity']);
      headers['content-encoding'] = encoding;
      if (encoding === 'gzip' && rng.chance(0.5)) body = gzipSync(body);
    }
    if (rng.chance(0.03)) body = Buffer.alloc(rng.pick([17 * 1024, 1024 * 1024]), '{');
  }
  if (rng.chance(0.05)) headers.accept = rng.pick(['text/html', 'application/xml', '*/*', 'application/problem+json']);
  return { method, path, headers, body };
}

function describeRequest(request: FuzzRequest, index: number): string {
  const body = request.body ? ` body(${request.body.length} B)=${JSON.stringify(request.body.subarray(0, 120).toString('latin1'))}` : '';
  return `FUZZ_SEED=${SEED} request #${index}: ${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers)}${body}`;
}

/**
 * Bad input: a seeded stream of malformed requests against the real API process (the
 * routes, ids, query strings, bodies, `as_of` forms, methods, content types and sizes a broken or
 * hostile client sends). Every answer must be 2xx/3xx or a 4xx application/problem+json — never a
 * 5xx — and every report the API accepted must end Complete or Failed (a worker runs them).
 * A failure names its seed and request number; `FUZZ_SEED=<n>` replays it.
 */
describe(`API fuzz (seed ${SEED})`, () => {
  let ns: Namespace;
  let api: RunningApi;
  let worker: RunningWorker;

  beforeAll(async () => {
    ensureBuilt();
    ns = await createNamespace({ label: 'fuzz-api' });
    const env = ns.env({ TRIGGER_RATE_LIMIT: '0', BULL_BOARD_USER: 'operator', BULL_BOARD_PASSWORD: 'fuzz-board-password', WORKER_CONCURRENCY: '2' });
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
  });

  afterAll(async () => {
    await Promise.all([worker?.process.stop('SIGKILL'), api?.process.stop('SIGKILL')]);
    await ns?.cleanup();
    killAllNow();
  });

  it(`answers ${REQUESTS} malformed requests with 2xx/3xx or 4xx problem+json, never a 5xx`, async () => {
    const rng = new SeededRandom(SEED);
    const failures: string[] = [];
    const statuses: Record<number, number> = {};
    for (let i = 0; i < REQUESTS && failures.length < 10; i++) {
      const request = fuzzRequest(rng);
      let answer;
      try {
        answer = await httpRequest(`${api.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body, timeoutMs: 10_000 });
      } catch (error) {
        // The server may close a connection on an oversized body; it must still be up (checked below).
        if (!/ECONNRESET|EPIPE|socket hang up/.test(String(error))) failures.push(`${describeRequest(request, i)} → ${String(error)}`);
        continue;
      }
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      const type = String(answer.headers['content-type'] ?? '');
      if (answer.status >= 500 || answer.status < 200) {
        failures.push(`${describeRequest(request, i)} → ${answer.status} ${answer.text.slice(0, 200)}`);
      } else if (answer.status >= 400) {
        if (!PROBLEM.test(type)) failures.push(`${describeRequest(request, i)} → ${answer.status} with content-type ${type}`);
        else if (request.method !== 'HEAD') {
          const problem = JSON.parse(answer.text) as Record<string, unknown>;
          if (problem.status !== answer.status || typeof problem.title !== 'string' || typeof problem.detail !== 'string' || typeof problem.type !== 'string') {
            failures.push(`${describeRequest(request, i)} → malformed problem ${answer.text.slice(0, 200)}`);
          }
        }
      }
    }
    if (process.env.FUZZ_DEBUG) console.log(JSON.stringify(statuses));
    expect(failures).toEqual([]);
    // The stream reached both sides of the API: accepted and refused requests.
    expect(Object.keys(statuses).some((s) => s.startsWith('2'))).toBe(true);
    expect(statuses[400]).toBeGreaterThan(20);
    expect(statuses[404]).toBeGreaterThan(20);
    expect((await httpRequest(`${api.url}/health/live`)).status).toBe(200);
    // No request made the API log a server error.
    expect(api.process.lines.filter((line) => /"level":50|"msg":"request failed"/.test(line))).toEqual([]);
  }, 120_000);

  it('answers HTTP the parser rejects (bad request lines, headers, framing, sizes) with a 4xx problem+json too', async () => {
    const raw: [string, string][] = [
      ['bad percent-encoding', 'GET /get_report?report_id=%ZZ HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['a method with a bad character', 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['a header without a colon', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n'],
      ['a 20 kB request line', `GET /get_report?report_id=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['a 20 kB header', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`],
      ['a negative Content-Length', 'POST /reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}'],
      ['a bad chunk size', 'POST /reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n'],
      ['Content-Length and chunked together (smuggling)', 'POST /reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
      ['an unknown HTTP version', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n'],
      ['binary junk', '\u0000\u0001\u0002\r\n\r\n'],
    ];
    const { port } = new URL(api.url);
    const answers: Record<string, string> = {};
    for (const [name, text] of raw) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        let received = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => (received += chunk));
        socket.on('error', () => resolve(received));
        socket.on('close', () => resolve(received));
        socket.setTimeout(3_000, () => socket.destroy());
        socket.write(text);
      });
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'none';
      const type = /\r\ncontent-type: *([^\r]*)/i.exec(answer)?.[1] ?? 'none';
      answers[name] = `${status} ${type.split(';')[0]}`;
    }
    expect(answers).toEqual(Object.fromEntries(raw.map(([name]) => [name, expect.stringMatching(/^4\d\d application\/problem\+json$/)])));
    expect((await httpRequest(`${api.url}/health/live`)).status).toBe(200);
  }, 60_000);

  it('ends every report the fuzzing got accepted as Complete or Failed with a reason', async () => {
    const rows = await eventually(
      () => reportRows(ns.database.url),
      (list) => list.every((r) => r.status === 'complete' || r.status === 'failed'),
      60_000,
      'every accepted report finished',
      500,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows.filter((r) => r.status === 'failed')) expect(row.error).toEqual(expect.any(String));
    expect(worker.process.running).toBe(true);
  }, 90_000);
});
