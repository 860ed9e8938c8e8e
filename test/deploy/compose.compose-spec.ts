import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpGet, pollUntil } from '../e2e/support/test-services';

/**
 * The Docker path, run for real (`npm run test:compose`, scripts/docker/compose-test.sh, which
 * provides the engine and the base images first): the Dockerfile built by Compose, the whole
 * docker-compose.yml up, every service healthy, a report through the published API port, its CSV
 * downloaded from the host through the presigned URL and equal to `report:csv --sample` computed on
 * the host (the compose loader generates the same sample week), and the image's properties checked
 * on the built image itself. A project name and host ports of this run's own, removed afterwards.
 */

const REPO = join(__dirname, '..', '..');
const project = `su-compose-${randomBytes(3).toString('hex')}`;
const API_IMAGE = 'store-uptime-api:local';
const WORKER_IMAGE = 'store-uptime-worker:local';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let env: NodeJS.ProcessEnv;
let apiUrl: string;
let apiKey: string;

function run(command: string, args: string[], timeoutMs = 120_000): string {
  const result = spawnSync(command, args, { cwd: REPO, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${(result.stderr || result.stdout || '').slice(-4000)}`);
  }
  return result.stdout;
}

// Compose 1.29 needs --compatibility for deploy.replicas (two workers); Compose v2 ignores it.
const compose = (args: string[], timeoutMs?: number) => run('docker-compose', ['-f', 'docker-compose.yml', '-p', project, '--compatibility', ...args], timeoutMs);
const inspect = (ref: string) => JSON.parse(run('docker', ['inspect', ref]))[0];
const containers = (service: string) => compose(['ps', '-q', service]).split('\n').filter(Boolean);
/**
 * JSON from the published API port, one connection per request (no keep-alive: a pooled socket
 * the API closed while the host computed its own CSV would fail the next request).
 */
function apiJson<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${apiUrl}${path}`, { method, agent: false, headers: { authorization: `Bearer ${apiKey}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs a node script in a fresh container of `image`, as its own user. */
const nodeIn = (image: string, script: string) => run('docker', ['run', '--rm', '--entrypoint', 'node', image, '-e', script]);

beforeAll(async () => {
  const [api, s3, console] = [await freePort(), await freePort(), await freePort()];
  env = { ...process.env, STORE_UPTIME_API_PORT: String(api), STORE_UPTIME_S3_PORT: String(s3), STORE_UPTIME_S3_CONSOLE_PORT: String(console) };
  apiUrl = `http://127.0.0.1:${api}`;
  // The classic builder: BuildKit would fetch its frontend from a registry.
  env.DOCKER_BUILDKIT = '0';
  env.COMPOSE_DOCKER_CLI_BUILD = '0';
  compose(['build'], 15 * 60_000);
  // Returns once the one-off jobs have completed and the apps have started (depends_on conditions).
  compose(['up', '-d'], 10 * 60_000);
  // The first key, as docs/deploy.md tells an operator to make it: the CLI in a one-off container.
  const created = compose(['run', '--rm', '--no-deps', '--entrypoint', 'node', 'migrate', 'dist/apps/cli/src/keys.js', 'create', '--name', 'compose-spec', '--owner', 'ops', '--scopes', 'admin']);
  apiKey = /su_live_[0-9a-f]{8}_[\w-]{43}/.exec(created)?.[0] ?? '';
  if (!apiKey) throw new Error(`keys create printed no key: ${created}`);
}, 30 * 60_000);

afterAll(() => {
  if (!env) return;
  const logs = spawnSync('docker-compose', ['-f', 'docker-compose.yml', '-p', project, 'logs', '--no-color', '--tail=30'], { cwd: REPO, env, encoding: 'utf8' });
  if (process.env.COMPOSE_TEST_LOGS) process.stdout.write(logs.stdout);
  spawnSync('docker-compose', ['-f', 'docker-compose.yml', '-p', project, '--compatibility', 'down', '-v', '--remove-orphans', '-t', '10'], { cwd: REPO, env, timeout: 180_000 });
}, 200_000);

describe('docker-compose.yml, up', () => {
  it('runs the one-off jobs to success and every long-running service healthy, with two workers', async () => {
    for (const job of ['minio-bucket', 'migrate', 'sample-data', 'maintain']) {
      const [id] = containers(job);
      expect({ job, state: inspect(id).State.Status, exitCode: inspect(id).State.ExitCode }).toEqual({ job, state: 'exited', exitCode: 0 });
    }
    const services = ['postgres', 'redis', 'minio', 'api', 'worker'];
    const health = () => services.flatMap((service) => containers(service).map((id) => `${service}:${inspect(id).State.Health?.Status ?? 'none'}`)).sort();
    const final = await pollUntil(async () => health(), (states) => states.every((state) => state.endsWith(':healthy')), 120_000, 2_000);
    expect(final).toEqual(['api:healthy', 'minio:healthy', 'postgres:healthy', 'redis:healthy', 'worker:healthy', 'worker:healthy']);
  }, 180_000);

  it('completes a report through the published API port, and its presigned CSV equals report:csv --sample on the host', async () => {
    const { report_id: id } = await apiJson<{ report_id: string }>('POST', '/trigger_report');
    const final = await pollUntil(
      () => apiJson<{ status: string; url?: string; error?: string }>('GET', `/get_report?report_id=${id}`),
      (body) => body.status !== 'Running',
      300_000,
      1_000,
    );
    expect(final).toEqual({ status: 'Complete', url: expect.stringMatching(new RegExp(`^http://localhost:${env.STORE_UPTIME_S3_PORT}/reports/reports/${id}\\.csv\\?`)) });
    const download = await httpGet(final.url!);
    expect(download.status).toBe(200);

    const scratch = mkdtempSync(join(tmpdir(), 'compose-spec-'));
    try {
      run('node', ['dist/apps/cli/src/report-csv.js', '--sample', '--out', join(scratch, 'expected.csv')]);
      const expected = readFileSync(join(scratch, 'expected.csv'), 'utf8');
      expect(download.text.length).toBe(expected.length);
      expect(download.text === expected).toBe(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const details = await apiJson<{ counts: { stores: number }; warnings: unknown[] }>('GET', `/reports/${id}`);
    expect(details.counts.stores).toBe(download.text.trim().split('\n').length - 1);
    expect(details.warnings).toEqual([{ code: 'stores_without_zone', count: expect.any(Number) }]);
  }, 400_000);
});

describe.each([
  ['api', API_IMAGE],
  ['worker', WORKER_IMAGE],
])('the %s image', (service, image) => {
  it('runs node itself as PID 1 (exec form), as the non-root user 1000', () => {
    const [id] = containers(service);
    expect(inspect(image).Config.User).toBe('1000:1000');
    expect(inspect(image).Config.Cmd).toEqual(['node', 'dist/main.js']);
    expect(run('docker', ['exec', id, 'cat', '/proc/1/cmdline']).split('\0').filter(Boolean)).toEqual(['node', 'dist/main.js']);
    expect(run('docker', ['exec', id, 'id', '-u']).trim()).toBe('1000');
  });

  it('holds production dependencies only: no typescript, ts-node or other dev dependency, no tests or test helpers', () => {
    const devDependencies = Object.keys(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).devDependencies);
    const found = JSON.parse(
      nodeIn(
        image,
        `const fs=require('node:fs'),path=require('node:path');
         const modules=fs.readdirSync('node_modules').flatMap((n)=>n.startsWith('@')?fs.readdirSync('node_modules/'+n).map((m)=>n+'/'+m):[n]);
         const files=[];const walk=(d)=>{for(const e of fs.readdirSync(d,{withFileTypes:true})){const p=path.join(d,e.name);e.isDirectory()?walk(p):files.push(p)}};walk('dist');
         console.log(JSON.stringify({modules,files}))`,
      ),
    ) as { modules: string[]; files: string[] };
    expect(found.modules.filter((name) => devDependencies.includes(name))).toEqual([]);
    expect(found.modules).toEqual(expect.arrayContaining(['@nestjs/core', 'bullmq', 'arquero']));
    expect(found.modules).not.toEqual(expect.arrayContaining(['typescript']));
    expect(found.modules).not.toEqual(expect.arrayContaining(['ts-node']));
    expect(found.files.filter((file) => /(spec|test)[^/]*\.js$|\/testing\/|^dist\/(test|bench|scripts)\//.test(file))).toEqual([]);
    expect(found.files).toContain('dist/main.js');
  });

  it('reports healthy through its own HEALTHCHECK, which calls /health/ready', () => {
    const [id] = containers(service);
    const config = inspect(image).Config.Healthcheck;
    expect(config.Test.join(' ')).toContain('/health/ready');
    const state = inspect(id).State.Health;
    expect(state.Status).toBe('healthy');
    expect(state.Log.at(-1).ExitCode).toBe(0);
  });
});
