import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { applyJsonPatch, type K8sObject, KustomizeError, renderKustomization, strategicMerge } from './kustomize';

// The expected renders below are what `kubectl kustomize` (kustomize v5.5) gives for the same files
// (checked by hand; CI has no kubectl).

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kustomize-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: registry.local:5000/web:1.0
          env:
            - { name: A, value: "1" }
            - { name: B, value: "2" }
          ports:
            - { name: http, containerPort: 8080 }
        - name: sidecar
          image: busybox
          args: ["a", "b"]
`;

const find = (objects: K8sObject[], kind: string) => objects.find((o) => o.kind === kind)!;
const containers = (object: K8sObject) => (object.spec as any).template.spec.containers;

describe('renderKustomization', () => {
  it('reads file and directory resources and applies namespace, labels and images', () => {
    write({
      'base/kustomization.yaml': 'resources: [deployment.yaml, namespace.yaml]\n',
      'base/deployment.yaml': deployment,
      'base/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: team }\n',
      'overlay/kustomization.yaml': `
namespace: team
resources: [../base]
labels:
  - pairs: { tier: front }
    includeTemplates: true
  - pairs: { env: test }
images:
  - { name: registry.local:5000/web, newName: ghcr.io/acme/web, newTag: "2.0" }
  - { name: busybox, digest: "sha256:abc" }
`,
    });
    const objects = renderKustomization(join(root, 'overlay'));
    const web = find(objects, 'Deployment');
    expect(web.metadata).toEqual({ name: 'web', namespace: 'team', labels: { tier: 'front', env: 'test' } });
    expect((web.spec as any).template.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect((web.spec as any).selector.matchLabels).toEqual({ app: 'web' });
    expect(containers(web).map((c: { image: string }) => c.image)).toEqual(['ghcr.io/acme/web:2.0', 'busybox@sha256:abc']);
    // Cluster-scoped kinds get no namespace.
    expect(find(objects, 'Namespace').metadata).toEqual({ name: 'team', labels: { tier: 'front', env: 'test' } });
  });

  it('merges strategic patches by merge key (patch order first), replaces other lists and deletes on null', () => {
    write({
      'kustomization.yaml': 'resources: [deployment.yaml]\npatches:\n  - path: patch.yaml\n',
      'deployment.yaml': deployment,
      'patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - { name: B, value: "two" }
            - { name: C, value: "3" }
          ports: null
        - name: sidecar
          args: ["c"]
        - name: extra
          image: extra:1
`,
    });
    const web = find(renderKustomization(root), 'Deployment');
    expect(containers(web)).toEqual([
      // kustomize's order: the patch's elements first, then those it does not mention.
      { name: 'web', image: 'registry.local:5000/web:1.0', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }, { name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'busybox', args: ['c'] },
      { name: 'extra', image: 'extra:1' },
    ]);
  });

  it('applies JSON 6902 patches to every resource the target matches', () => {
    write({
      'kustomization.yaml': `resources: [deployment.yaml]
patches:
  - target: { kind: Deployment, name: "we.*" }
    patch: |-
      - { op: replace, path: /spec/template/spec/containers/0/image, value: "web:3" }
      - { op: add, path: /spec/template/spec/containers/0/env/-, value: { name: Z, value: "26" } }
      - { op: remove, path: /spec/template/spec/containers/1/args }
`,
      'deployment.yaml': deployment,
    });
    const [web] = containers(find(renderKustomization(root), 'Deployment'));
    expect(web.image).toBe('web:3');
    expect(web.env.at(-1)).toEqual({ name: 'Z', value: '26' });
    expect(containers(find(renderKustomization(root), 'Deployment'))[1].args).toBeUndefined();
  });

  it.each([
    ['a field it does not implement', { 'kustomization.yaml': 'resources: [d.yaml]\ncommonLabels: { a: b }\n', 'd.yaml': deployment }, /commonLabels.*not supported/],
    ['labels that would change selectors', { 'kustomization.yaml': 'resources: [d.yaml]\nlabels: [{ pairs: { a: b }, includeSelectors: true }]\n', 'd.yaml': deployment }, /includeSelectors/],
    ['a patch that matches nothing', { 'kustomization.yaml': 'resources: [d.yaml]\npatches: [{ path: p.yaml }]\n', 'd.yaml': deployment, 'p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\n' }, /matches no resource/],
    ['a file outside the kustomization root', { 'k/kustomization.yaml': 'resources: [../d.yaml]\n', 'd.yaml': deployment }, /inside the kustomization root/],
    ['a resource defined twice', { 'kustomization.yaml': 'resources: [d.yaml, e.yaml]\n', 'd.yaml': deployment, 'e.yaml': deployment }, /defined twice/],
    ['a missing resource', { 'kustomization.yaml': 'resources: [nope.yaml]\n' }, /no such file/],
  ])('refuses %s', (_case, files, message) => {
    write(files);
    const dir = 'k/kustomization.yaml' in files ? join(root, 'k') : root;
    expect(() => renderKustomization(dir)).toThrow(KustomizeError);
    expect(() => renderKustomization(dir)).toThrow(message);
  });
});

describe('strategicMerge', () => {
  it('deletes list elements marked $patch: delete and replaces maps marked $patch: replace', () => {
    const target = { spec: { volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', emptyDir: {} }], selector: { x: '1', y: '2' } } };
    const patch = { spec: { volumes: [{ name: 'a', $patch: 'delete' }], selector: { $patch: 'replace', z: '3' } } };
    expect(strategicMerge(target, patch as never, [])).toEqual({ spec: { volumes: [{ name: 'b', emptyDir: {} }], selector: { z: '3' } } });
  });

  it('merges a Service’s ports by port and a container’s by containerPort', () => {
    const service = { spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 443, targetPort: 'https' }] } };
    expect(strategicMerge(service, { spec: { ports: [{ port: 443, name: 'tls' }] } }, [])).toEqual({
      spec: { ports: [{ port: 443, targetPort: 'https', name: 'tls' }, { port: 80, targetPort: 'http' }] },
    });
    const pod = { containers: [{ name: 'c', ports: [{ containerPort: 1, name: 'a' }] }] };
    expect(strategicMerge(pod, { containers: [{ name: 'c', ports: [{ containerPort: 1, hostPort: 8 }] }] }, [])).toEqual({
      containers: [{ name: 'c', ports: [{ containerPort: 1, name: 'a', hostPort: 8 }] }],
    });
  });
});

describe('applyJsonPatch', () => {
  it('leaves its input untouched and fails on a path that does not exist', () => {
    const input = { a: { b: [1, 2] } };
    expect(applyJsonPatch(input, [{ op: 'add', path: '/a/b/1', value: 9 }])).toEqual({ a: { b: [1, 9, 2] } });
    expect(input).toEqual({ a: { b: [1, 2] } });
    expect(() => applyJsonPatch(input, [{ op: 'replace', path: '/a/c', value: 1 }])).toThrow(/no such path/);
    expect(() => applyJsonPatch(input, [{ op: 'move', path: '/a', from: '/b' }])).toThrow(/not supported/);
  });
});
