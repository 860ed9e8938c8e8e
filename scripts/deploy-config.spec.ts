import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { apiEnvSchema, workerEnvSchema } from '@store-uptime/config';
import { checkDeployment } from './k8s-validate';
import type { K8sObject } from './k8s/kustomize';

/**
 * The deployment configuration's contract, on what is committed: every kustomize render valid
 * against the Kubernetes and KEDA schemas, the properties a deployment needs, and the Docker Compose
 * file wired to the apps' real settings. No Docker, no cluster. The Dockerfile's properties are
 * checked on the built image (test/deploy/compose.compose-spec.ts).
 */

const repo = join(__dirname, '..');
const checks = checkDeployment(join(repo, 'k8s'));
const render = (name: string) => checks.find((check) => check.name === name)!.objects;
const overlays = ['overlays/dev', 'overlays/prod'];

type Json = any;
const one = (objects: K8sObject[], kind: string, name: string): Json => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};
const podSpecs = (objects: K8sObject[]): [string, Json][] =>
  objects
    .filter((o) => ['Deployment', 'Job', 'CronJob'].includes(o.kind))
    .map((o) => [`${o.kind}/${o.metadata.name}`, o.kind === 'CronJob' ? (o.spec as Json).jobTemplate.spec.template.spec : (o.spec as Json).template.spec]);

describe('k8s/', () => {
  it('has the dev and prod overlays and the plain-HPA alternative among its renders', () => {
    expect(checks.map((check) => check.name)).toEqual(expect.arrayContaining([...overlays, 'base', 'secret-example', 'base with worker-hpa.alternative.yaml instead of KEDA']));
  });

  it.each(checks.map((check) => [check.name, check] as const))('renders %s with every object valid and every reference resolved', (_name, check) => {
    expect(check.objects.length).toBeGreaterThan(0);
    expect(check.findings).toEqual([]);
  });

  describe.each(overlays)('%s', (overlay) => {
    const objects = render(overlay);
    const config = one(objects, 'ConfigMap', 'store-uptime-config').data;

    it('deploys the API with a Service and an HPA, and the worker scaled by KEDA on the BullMQ waiting list', () => {
      const api = one(objects, 'Deployment', 'store-uptime-api');
      const worker = one(objects, 'Deployment', 'store-uptime-worker');
      // Autoscalers own the replica counts.
      expect(api.spec.replicas).toBeUndefined();
      expect(worker.spec.replicas).toBeUndefined();
      expect(one(objects, 'Service', 'store-uptime-api').spec.ports).toEqual([expect.objectContaining({ targetPort: 'http' })]);
      expect(one(objects, 'HorizontalPodAutoscaler', 'store-uptime-api').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'store-uptime-api' });
      const scaled = one(objects, 'ScaledObject', 'store-uptime-worker');
      expect(scaled.spec.scaleTargetRef.name).toBe('store-uptime-worker');
      expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(scaled.spec.triggers).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'redis', metadata: expect.objectContaining({ listName: 'bull:reports:wait' }) })]));
    });

    it('gives the worker a termination grace period longer than its drain deadline', () => {
      const worker = one(objects, 'Deployment', 'store-uptime-worker');
      const drain = Number(config.WORKER_DRAIN_SECONDS);
      expect(drain).toBeGreaterThan(0);
      expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(drain + 15);
    });

    it('runs every container as non-root on a read-only root filesystem with a writable /tmp, with requests and limits', () => {
      for (const [, pod] of podSpecs(objects)) {
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(pod.automountServiceAccountToken).toBe(false);
        const tmpVolumes = new Set(pod.volumes.filter((v: Json) => v.emptyDir).map((v: Json) => v.name));
        for (const container of pod.containers) {
          expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
          expect(container.volumeMounts).toEqual(expect.arrayContaining([expect.objectContaining({ mountPath: '/tmp' })]));
          const tmp = container.volumeMounts.find((m: Json) => m.mountPath === '/tmp');
          expect(tmpVolumes.has(tmp.name)).toBe(true);
          for (const bound of ['requests', 'limits']) expect(Object.keys(container.resources[bound]).sort()).toEqual(['cpu', 'memory']);
        }
      }
    });

    it('probes the apps’ health endpoints on their ports', () => {
      const probes = (name: string) => one(objects, 'Deployment', name).spec.template.spec.containers[0];
      const api = probes('store-uptime-api');
      expect(api.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: Number(config.PORT) })]);
      expect(api.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(api.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      const worker = probes('store-uptime-worker');
      expect(worker.ports).toEqual([expect.objectContaining({ name: 'health', containerPort: Number(config.WORKER_PORT) })]);
      expect(worker.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'health' });
      expect(worker.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'health' });
    });

    it('has PodDisruptionBudgets for the API and the workers, and the migration Job', () => {
      expect(one(objects, 'PodDisruptionBudget', 'store-uptime-api').spec.selector.matchLabels).toMatchObject({ 'app.kubernetes.io/component': 'api' });
      expect(one(objects, 'PodDisruptionBudget', 'store-uptime-worker').spec.selector.matchLabels).toMatchObject({ 'app.kubernetes.io/component': 'worker' });
      const job = one(objects, 'Job', 'store-uptime-migrate');
      expect(job.spec.template.spec.containers[0].command).toEqual(['node', 'dist/apps/cli/src/db-migrate.js']);
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
    });

    it('runs the poll history housekeeping daily, one run at a time', () => {
      const cron = one(objects, 'CronJob', 'store-uptime-maintain');
      expect(cron.spec).toMatchObject({ schedule: '17 3 * * *', concurrencyPolicy: 'Forbid' });
      const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
      expect(container.command).toEqual(['node', 'dist/apps/cli/src/db-maintain.js']);
      expect(container.env).toContainEqual({ name: 'POLL_RETENTION_DAYS', value: '35' });
    });

    it('lets traffic in to the API port only', () => {
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.spec as Json);
      // Default deny: every pod selected, Ingress policy type, no rule.
      expect(policies).toContainEqual({ podSelector: {}, policyTypes: ['Ingress'] });
      const openToAnyone = policies.filter((p) => (p.ingress ?? []).some((rule: Json) => rule.from === undefined));
      expect(openToAnyone).toEqual([
        expect.objectContaining({
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'store-uptime', 'app.kubernetes.io/component': 'api' } },
          ingress: [{ ports: [{ protocol: 'TCP', port: Number(config.PORT) }] }],
        }),
      ]);
      expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['store-uptime-api']);
    });

    it('configures only settings the apps accept, and the apps accept them', () => {
      const secret = objects.find((o) => o.kind === 'Secret') ?? render('secret-example')[0];
      const env = { ...config, ...(secret.stringData as Json) };
      const api = apiEnvSchema.safeParse(env);
      const worker = workerEnvSchema.safeParse(env);
      expect(api.error?.issues).toBeUndefined();
      expect(worker.error?.issues).toBeUndefined();
      // The schemas drop keys they do not know: a key neither app kept is a typo or a leftover.
      const known = new Set([...Object.keys(api.data!), ...Object.keys(worker.data!), 'KEDA_REDIS_ADDRESS', 'KEDA_REDIS_PASSWORD']);
      expect(Object.keys(env).filter((key) => !known.has(key))).toEqual([]);
    });
  });

  it('uses released images in prod and locally built ones in dev', () => {
    const images = (overlay: string) => podSpecs(render(overlay)).flatMap(([, pod]) => pod.containers.map((c: Json) => c.image));
    expect(new Set(images('overlays/prod'))).toEqual(new Set(['ghcr.io/example/store-uptime-api:0.1.0', 'ghcr.io/example/store-uptime-worker:0.1.0']));
    expect(new Set(images('overlays/dev'))).toEqual(new Set(['store-uptime-api:dev', 'store-uptime-worker:dev']));
  });

  it('ships an example Secret with placeholder values only, and prod renders no Secret', () => {
    const [secret] = render('secret-example');
    for (const value of Object.values(secret.stringData as Record<string, string>)) {
      expect(value).toMatch(/CHANGE-ME|\.example\.internal|^admin$/);
    }
    expect(render('overlays/prod').filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  // What the stack does when it runs (services healthy, jobs, ports, a report end to end) is checked
  // by running it (test/deploy/compose.compose-spec.ts), its settings against the apps' schemas as
  // Compose resolves them (test/deploy/docker-compose.int-spec.ts). Here, what neither shows.
  const compose = parse(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'), { merge: true, maxAliasCount: -1 });
  const services = compose.services as Record<string, Json>;

  it('gives the workers a stop grace period longer than their drain deadline', () => {
    expect(parseInt(services.worker.stop_grace_period, 10)).toBeGreaterThan(Number(services.worker.environment.WORKER_DRAIN_SECONDS));
  });
});
