import type { K8sObject } from './kustomize';
import { validateObjects, validateReferences, validateSchemas } from './validate';

function deployment(): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:1',
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
              envFrom: [{ configMapRef: { name: 'web-config' } }],
              resources: { limits: { cpu: '1', memory: '1Gi' } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

const configMap: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { A: '1' } };

function scaledObject(): K8sObject {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { name: 'web' },
      minReplicaCount: 1,
      maxReplicaCount: 5,
      triggers: [{ type: 'redis', metadata: { listName: 'bull:reports:wait', listLength: '2' }, authenticationRef: { name: 'redis' } }],
    },
  };
}

const triggerAuthentication: K8sObject = {
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'TriggerAuthentication',
  metadata: { name: 'redis' },
  spec: { secretTargetRef: [{ parameter: 'address', name: 'secrets', key: 'REDIS_ADDRESS' }] },
};

describe('validateSchemas', () => {
  it('accepts valid Kubernetes and KEDA objects', () => {
    expect(validateObjects([deployment(), configMap, scaledObject(), triggerAuthentication])).toEqual([]);
  });

  it('reports unknown fields with their path, at any depth', () => {
    const object = deployment() as any;
    object.spec.replica = 2;
    object.spec.template.spec.containers[0].readinessprobe = { exec: { command: ['true'] } };
    object.spec.template.spec.containers[0].resources.limits.cpu = '1';
    object.metadata.label = { a: 'b' };
    const findings = validateSchemas([object]);
    expect(findings).toHaveLength(3);
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ object: 'Deployment/web', path: 'metadata.label', message: expect.stringMatching(/unknown field "label"/) }),
        expect.objectContaining({ path: 'spec.replica', message: expect.stringMatching(/unknown field "replica"/) }),
        expect.objectContaining({ path: 'spec.template.spec.containers[0].readinessprobe' }),
      ]),
    );
  });

  it('accepts free-form maps (labels, annotations, resource quantities, ConfigMap data)', () => {
    const object = deployment() as any;
    object.metadata.annotations = { 'example.com/anything': 'x' };
    object.spec.template.spec.containers[0].resources.requests = { cpu: '100m', memory: '1Gi', 'nvidia.com/gpu': '1' };
    expect(validateSchemas([object, { ...configMap, data: { ANY_KEY: 'v' } }])).toEqual([]);
  });

  it('reports wrong types and missing required fields from the bundled schemas', () => {
    const object = deployment() as any;
    object.spec.replicas = 'two';
    delete object.spec.template.spec.containers[0].name;
    const paths = validateSchemas([object]).map((finding) => finding.path);
    expect(paths).toEqual(expect.arrayContaining(['spec.replicas', 'spec.template.spec.containers.0']));
  });

  it('reports unknown fields and bad values in KEDA objects', () => {
    const object = scaledObject() as any;
    object.spec.maxReplicas = 5;
    delete object.spec.triggers[0].metadata.listName;
    object.spec.triggers[0].metadata.listname = 'typo';
    object.spec.triggers[0].metadata.listLength = 'five';
    const findings = validateSchemas([object]);
    expect(findings).toHaveLength(4);
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'spec', message: expect.stringMatching(/"maxReplicas"/) }),
        expect.objectContaining({ path: 'spec.triggers[0].metadata', message: expect.stringMatching(/"listname"/) }),
        expect.objectContaining({ path: 'spec.triggers[0].metadata.listName' }),
        expect.objectContaining({ path: 'spec.triggers[0].metadata.listLength' }),
      ]),
    );
  });

  it('reports a kind it has no schema for', () => {
    const findings = validateSchemas([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]);
    expect(findings).toEqual([expect.objectContaining({ object: 'Widget/w', message: expect.stringMatching(/unknown kind/) })]);
  });
});

describe('validateReferences', () => {
  it.each([
    [
      'a Service that selects no pods',
      [deployment(), configMap, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } }],
      /selects no workload/,
    ],
    [
      'a probe on a port name the container does not have',
      (() => {
        const object = deployment() as any;
        object.spec.template.spec.containers[0].readinessProbe.httpGet.port = 'health';
        return [object, configMap];
      })(),
      /no container port named "health"/,
    ],
    ['a missing ConfigMap', [deployment()], /no ConfigMap "web-config"/],
    ['a ScaledObject for a Deployment that is not there', [configMap, scaledObject(), triggerAuthentication], /no Deployment "web"/],
    [
      'a Secret key KEDA needs but the rendered Secret lacks',
      [deployment(), configMap, scaledObject(), triggerAuthentication, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'secrets' }, stringData: { OTHER: 'x' } }],
      /no Secret "secrets" with key "REDIS_ADDRESS"/,
    ],
    [
      'a Deployment selector that does not match its pods',
      (() => {
        const object = deployment() as any;
        object.spec.selector.matchLabels = { app: 'other' };
        return [object, configMap];
      })(),
      /does not match the pod template labels/,
    ],
  ])('reports %s', (_case, objects, message) => {
    const findings = validateReferences(objects as K8sObject[]);
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringMatching(message)]);
  });
});
