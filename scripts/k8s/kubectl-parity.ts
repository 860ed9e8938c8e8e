import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './kustomize';

/**
 * The project's renderer (kustomize.ts) against kustomize itself, as built into kubectl: the
 * renderer lets `npm run k8s:validate` and the deployment specs run where no kubectl is installed
 * (a fresh clone needs only Node), and this check keeps it honest wherever kubectl is.
 */

function idOf(object: K8sObject): string {
  return `${object.apiVersion} ${object.kind} ${object.metadata.namespace ?? '-'}/${object.metadata.name}`;
}

/** How two renders differ, object by object (kustomize's output order is its own; order is ignored). */
export function renderDifferences(ours: K8sObject[], theirs: K8sObject[]): string[] {
  const plain = (object: K8sObject): unknown => JSON.parse(JSON.stringify(object));
  const mine = new Map(ours.map((object) => [idOf(object), object]));
  const kubectl = new Map(theirs.map((object) => [idOf(object), object]));
  const differences: string[] = [];
  for (const [id, object] of mine) {
    const other = kubectl.get(id);
    if (!other) differences.push(`${id}: rendered here, not by kubectl kustomize`);
    else if (!isDeepStrictEqual(plain(object), plain(other))) differences.push(`${id}: differs from kubectl kustomize's`);
  }
  for (const id of kubectl.keys()) if (!mine.has(id)) differences.push(`${id}: rendered by kubectl kustomize, not here`);
  return differences;
}

/** `kubectl kustomize <dir>` as objects; throws when kubectl is missing or fails. */
export function kubectlKustomize(dir: string): K8sObject[] {
  const output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(output)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}
