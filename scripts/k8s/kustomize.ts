import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A renderer for the subset of kustomize that k8s/ uses, so that `npm run k8s:validate` needs no
 * binary (none can be downloaded in CI here; `kubectl kustomize` gives the same output and is
 * what users apply with). Supported kustomization fields: `resources` (files and directories),
 * `patches` (strategic merge, or JSON 6902 with a `target`), `namespace`, `labels`
 * (`includeTemplates`, not `includeSelectors`) and `images`. Anything else is an error, so a
 * feature this renderer does not implement can never be skipped silently.
 */

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export class KustomizeError extends Error {}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'patches', 'namespace', 'labels', 'images']);

/** Kinds without a namespace (the namespace transformer leaves them alone). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ClusterTriggerAuthentication',
]);

/** Kinds whose `spec.template` is a pod template (labels with includeTemplates reach it). */
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/**
 * List fields that a strategic merge patch merges element by element, by this key (from the
 * Kubernetes API's `x-kubernetes-patch-merge-key`); every other list is replaced whole, as
 * kustomize does for lists without a merge key and for custom resources.
 */
function mergeKeyOf(field: string, parentPath: readonly string[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'ports':
      // Container ports merge by containerPort; a Service's by port.
      return parentPath.includes('containers') || parentPath.includes('initContainers') ? 'containerPort' : 'port';
    default:
      return undefined;
  }
}

/** A YAML scalar as text (a mapping or list as JSON), for names and messages. */
export function scalarText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function describe(object: K8sObject): string {
  return `${object.kind}/${object.metadata?.name ?? '?'}`;
}

/** `path` inside `root` (kustomize's default load restrictor: no files from outside the kustomization). */
function insideRoot(root: string, path: string): string {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) {
    throw new KustomizeError(`${join(root, path)}: files must be inside the kustomization root ${root} (use a directory with its own kustomization)`);
  }
  return full;
}

function readYamlDocuments(path: string): Json[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  return documents
    .map((document) => {
      if (document.errors.length > 0) throw new KustomizeError(`${path}: ${document.errors[0].message}`);
      return document.toJS({ maxAliasCount: -1 }) as Json;
    })
    .filter((document) => document !== null && document !== undefined);
}

function asObjects(documents: Json[], source: string): K8sObject[] {
  return documents.map((document) => {
    if (!isObject(document) || typeof document.kind !== 'string' || typeof document.apiVersion !== 'string') {
      throw new KustomizeError(`${source}: every document needs apiVersion and kind`);
    }
    if (!isObject(document.metadata) || typeof document.metadata.name !== 'string') {
      throw new KustomizeError(`${source}: ${document.kind} without metadata.name`);
    }
    return document as unknown as K8sObject;
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    throw new KustomizeError(`${path}: no such file or directory`);
  }
}

function readKustomization(dir: string): JsonObject {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const [document = {}] = readYamlDocuments(path);
    if (!isObject(document)) throw new KustomizeError(`${path}: not a mapping`);
    for (const key of Object.keys(document)) {
      if (!SUPPORTED_FIELDS.has(key)) throw new KustomizeError(`${path}: field "${key}" is not supported by this renderer (scripts/k8s/kustomize.ts)`);
    }
    return document;
  }
  throw new KustomizeError(`${dir}: no kustomization.yaml`);
}

/** Renders the kustomization in `dir` (recursively through directory resources). */
export function renderKustomization(dir: string): K8sObject[] {
  const root = resolve(dir);
  const kustomization = readKustomization(root);
  const stringList = (field: string): string[] => {
    const value = kustomization[field] ?? [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new KustomizeError(`${root}: ${field} must be a list of strings`);
    return value;
  };

  let objects: K8sObject[] = [];
  for (const resource of stringList('resources')) {
    const full = resolve(root, resource);
    if (isDirectory(full)) objects.push(...renderKustomization(full));
    else objects.push(...asObjects(readYamlDocuments(insideRoot(root, resource)), full));
  }
  const ids = new Set<string>();
  for (const object of objects) {
    const id = `${object.apiVersion}|${object.kind}|${object.metadata.namespace ?? ''}|${object.metadata.name}`;
    if (ids.has(id)) throw new KustomizeError(`${root}: ${describe(object)} is defined twice`);
    ids.add(id);
  }

  for (const patch of (kustomization.patches ?? []) as Json[]) objects = applyPatchEntry(objects, patch, root);
  if (kustomization.namespace !== undefined) setNamespace(objects, scalarText(kustomization.namespace));
  for (const entry of (kustomization.labels ?? []) as Json[]) addLabels(objects, entry, root);
  for (const entry of (kustomization.images ?? []) as Json[]) setImages(objects, entry, root);
  return objects;
}

// --- patches -------------------------------------------------------------------------------

interface Target {
  kind?: string;
  name?: string;
  group?: string;
  version?: string;
}

function matchesTarget(object: K8sObject, target: Target): boolean {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  // kustomize reads target names as anchored regular expressions.
  const nameMatches = target.name === undefined || new RegExp(`^(?:${target.name})$`).test(object.metadata.name);
  return (
    (target.kind === undefined || target.kind === object.kind) &&
    nameMatches &&
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version)
  );
}

function applyPatchEntry(objects: K8sObject[], entry: Json, root: string): K8sObject[] {
  if (!isObject(entry)) throw new KustomizeError(`${root}: a patches entry must be a mapping`);
  for (const key of Object.keys(entry)) {
    if (!['path', 'patch', 'target'].includes(key)) throw new KustomizeError(`${root}: patches.${key} is not supported by this renderer`);
  }
  const source = typeof entry.path === 'string' ? insideRoot(root, entry.path) : `${root} (inline patch)`;
  const text = typeof entry.path === 'string' ? readFileSync(source, 'utf8') : typeof entry.patch === 'string' ? entry.patch : undefined;
  if (text === undefined) throw new KustomizeError(`${root}: a patches entry needs path or patch`);
  const documents = parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new KustomizeError(`${source}: ${document.errors[0].message}`);
    return document.toJS() as Json;
  });
  const target = isObject(entry.target) ? (entry.target as Target) : undefined;

  if (documents.length === 1 && Array.isArray(documents[0])) {
    if (!target) throw new KustomizeError(`${source}: a JSON 6902 patch needs a target`);
    const matched = objects.filter((object) => matchesTarget(object, target));
    if (matched.length === 0) throw new KustomizeError(`${source}: the target ${JSON.stringify(target)} matches no resource`);
    return objects.map((object) => (matched.includes(object) ? (applyJsonPatch(object, documents[0] as Json[], source) as K8sObject) : object));
  }

  for (const patch of documents.filter((document) => document !== null)) {
    if (!isObject(patch)) throw new KustomizeError(`${source}: a strategic merge patch must be a mapping`);
    const metadata = isObject(patch.metadata) ? patch.metadata : {};
    const selector: Target = target ?? { kind: scalarText(patch.kind), name: scalarText(metadata.name) };
    const matched = objects.filter((object) => matchesTarget(object, target ? selector : { ...selector, name: escapeRegExp(selector.name!) }));
    if (matched.length === 0) throw new KustomizeError(`${source}: ${selector.kind}/${selector.name} matches no resource`);
    objects = objects.map((object) => (matched.includes(object) ? (strategicMerge(object as unknown as JsonObject, patch, []) as unknown as K8sObject) : object));
  }
  return objects;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Strategic merge: maps merge key by key (`null` deletes), keyed lists merge element by element. */
export function strategicMerge(target: JsonObject, patch: JsonObject, path: readonly string[]): JsonObject {
  const result = clone(target);
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    const mergeKey = mergeKeyOf(key, path);
    if (isObject(value) && value.$patch === 'replace') {
      const { $patch: _, ...rest } = value;
      result[key] = rest;
    } else if (isObject(value) && isObject(current)) {
      result[key] = strategicMerge(current, value, [...path, key]);
    } else if (Array.isArray(value) && Array.isArray(current) && mergeKey) {
      result[key] = mergeList(current, value, mergeKey, [...path, key]);
    } else {
      result[key] = clone(value);
    }
  }
  return result;
}

/**
 * Keyed list merge in kustomize's (kyaml's) order: the patch's elements first, in patch order
 * (merged into the matching element), then the elements the patch does not mention.
 */
function mergeList(current: Json[], patch: Json[], mergeKey: string, path: readonly string[]): Json[] {
  const keyOf = (item: Json): Json | undefined => (isObject(item) ? item[mergeKey] : undefined);
  const result: Json[] = [];
  const mentioned = new Set<Json>();
  for (const item of patch) {
    if (!isObject(item) || item[mergeKey] === undefined) throw new KustomizeError(`patch: elements of ${path.join('.')} need "${mergeKey}"`);
    mentioned.add(item[mergeKey]);
    if (item.$patch === 'delete') continue;
    const existing = current.find((candidate) => keyOf(candidate) === item[mergeKey]);
    result.push(existing === undefined ? clone(item) : strategicMerge(existing as JsonObject, item, path));
  }
  for (const item of current) if (!mentioned.has(keyOf(item) ?? null)) result.push(clone(item));
  return result;
}

function pointerTokens(pointer: string, source: string): string[] {
  if (!pointer.startsWith('/')) throw new KustomizeError(`${source}: JSON pointer "${pointer}" must start with /`);
  return pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902 add / remove / replace / test, the operations kustomize patches use. */
export function applyJsonPatch(document: object, operations: Json[], source = 'patch'): object {
  const result = clone(document) as Json;
  for (const operation of operations) {
    if (!isObject(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') {
      throw new KustomizeError(`${source}: every operation needs op and path`);
    }
    const tokens = pointerTokens(operation.path, source);
    const last = tokens.pop()!;
    let parent: Json = result;
    for (const token of tokens) {
      const next: Json | undefined = Array.isArray(parent) ? parent[Number(token)] : isObject(parent) ? parent[token] : undefined;
      if (next === undefined) throw new KustomizeError(`${source}: ${operation.path}: no such path`);
      parent = next;
    }
    const exists = Array.isArray(parent) ? Number(last) < parent.length : isObject(parent) && last in parent;
    switch (operation.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, clone(operation.value ?? null));
        else if (isObject(parent)) parent[last] = clone(operation.value ?? null);
        break;
      case 'replace':
      case 'remove':
      case 'test':
        if (!exists) throw new KustomizeError(`${source}: ${operation.op} ${operation.path}: no such path`);
        if (operation.op === 'test') {
          const actual = Array.isArray(parent) ? parent[Number(last)] : (parent as JsonObject)[last];
          if (JSON.stringify(actual) !== JSON.stringify(operation.value)) throw new KustomizeError(`${source}: test ${operation.path} failed`);
        } else if (operation.op === 'remove') {
          if (Array.isArray(parent)) parent.splice(Number(last), 1);
          else delete (parent as JsonObject)[last];
        } else if (Array.isArray(parent)) parent[Number(last)] = clone(operation.value ?? null);
        else (parent as JsonObject)[last] = clone(operation.value ?? null);
        break;
      default:
        throw new KustomizeError(`${source}: operation "${operation.op}" is not supported by this renderer`);
    }
  }
  return result as object;
}

// --- transformers ----------------------------------------------------------------------------

function setNamespace(objects: K8sObject[], namespace: string): void {
  for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = namespace;
}

function podTemplatesOf(object: K8sObject): JsonObject[] {
  const spec = object.spec as JsonObject | undefined;
  if (!isObject(spec)) return [];
  if (POD_TEMPLATE_KINDS.has(object.kind) && isObject(spec.template)) return [spec.template];
  // kustomize labels a CronJob's job template as well as the pod template inside it.
  if (object.kind === 'CronJob' && isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) && isObject(spec.jobTemplate.spec.template)) {
    return [spec.jobTemplate, spec.jobTemplate.spec.template];
  }
  return [];
}

function addLabels(objects: K8sObject[], entry: Json, root: string): void {
  if (!isObject(entry) || !isObject(entry.pairs)) throw new KustomizeError(`${root}: labels entries need pairs`);
  for (const key of Object.keys(entry)) {
    if (!['pairs', 'includeTemplates', 'includeSelectors'].includes(key)) throw new KustomizeError(`${root}: labels.${key} is not supported by this renderer`);
  }
  // Selectors are immutable on a Deployment: changing them would force deleting it.
  if (entry.includeSelectors === true) throw new KustomizeError(`${root}: labels.includeSelectors is not supported by this renderer`);
  const pairs = Object.fromEntries(Object.entries(entry.pairs).map(([key, value]) => [key, scalarText(value)]));
  for (const object of objects) {
    object.metadata.labels = { ...(object.metadata.labels ?? {}), ...pairs };
    if (entry.includeTemplates !== true) continue;
    for (const template of podTemplatesOf(object)) {
      const metadata = (template.metadata = isObject(template.metadata) ? template.metadata : {});
      metadata.labels = { ...(isObject(metadata.labels) ? metadata.labels : {}), ...pairs };
    }
  }
}

/** `registry:5000/name:tag@sha256:…` → `registry:5000/name`. */
function imageName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(colon) : '';
}

function setImages(objects: K8sObject[], entry: Json, root: string): void {
  if (!isObject(entry) || typeof entry.name !== 'string') throw new KustomizeError(`${root}: images entries need a name`);
  for (const key of Object.keys(entry)) {
    if (!['name', 'newName', 'newTag', 'digest'].includes(key)) throw new KustomizeError(`${root}: images.${key} is not supported by this renderer`);
  }
  const { name, newName, newTag, digest } = entry;
  const visit = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
        for (const container of value) {
          if (!isObject(container) || typeof container.image !== 'string' || imageName(container.image) !== name) continue;
          const base = typeof newName === 'string' ? newName : name;
          const suffix = digest !== undefined ? `@${scalarText(digest)}` : newTag !== undefined ? `:${scalarText(newTag)}` : imageTag(container.image);
          container.image = base + suffix;
        }
      }
      visit(value);
    }
  };
  for (const object of objects) visit(object as unknown as Json);
}
