import { isKedaKind, validateKeda } from './keda-schema';
import { type K8sObject, scalarText } from './kustomize';
import { isKnownKubernetesKind, StrictFieldChecker, validateWithModel } from './kubernetes-schema';

/**
 * Every rendered object against its schema (Kubernetes kinds: kubernetes-models' validator plus
 * the unknown-field check; KEDA kinds: keda-schema.ts), then the references between objects that
 * the API server does not check at apply time but that break a deploy later: selectors that
 * select nothing, scale targets, ConfigMaps, Secrets and their keys, named probe ports, volumes.
 */

export interface Finding {
  object: string;
  path: string;
  message: string;
}

type Json = Record<string, unknown>;

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

let strictChecker: StrictFieldChecker | undefined;

function idOf(object: K8sObject): string {
  return `${object.kind}/${object.metadata?.name ?? '?'}`;
}

function get(value: unknown, ...path: (string | number)[]): unknown {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function asArray<T = Json>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function labelsMatch(selector: unknown, labels: unknown): boolean {
  if (selector === null || typeof selector !== 'object') return false;
  const wanted = Object.entries(selector as Record<string, string>);
  const have = (labels ?? {}) as Record<string, string>;
  return wanted.every(([key, value]) => have[key] === value);
}

export function validateSchemas(objects: K8sObject[]): Finding[] {
  const findings: Finding[] = [];
  strictChecker ??= new StrictFieldChecker();
  strictChecker.prepare(objects.filter((o) => isKnownKubernetesKind(o.apiVersion, o.kind)));
  for (const object of objects) {
    const id = idOf(object);
    if (isKedaKind(object.apiVersion, object.kind)) {
      findings.push(...validateKeda(object).map((issue) => ({ object: id, ...issue })));
    } else if (isKnownKubernetesKind(object.apiVersion, object.kind)) {
      findings.push(...validateWithModel(object).map((issue) => ({ object: id, ...issue })));
      findings.push(...strictChecker.check(object).map((issue) => ({ object: id, ...issue })));
    } else {
      findings.push({ object: id, path: 'apiVersion', message: `unknown kind ${object.apiVersion} ${object.kind}: no schema to validate it against` });
    }
  }
  return findings;
}

export function validateReferences(objects: K8sObject[]): Finding[] {
  const findings: Finding[] = [];
  const named = (kind: string, name: unknown) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const secrets = objects.filter((o) => o.kind === 'Secret');
  // An overlay that renders no Secret expects them to be created outside it (production).
  const secretsExternal = secrets.length === 0;
  const secretHasKey = (name: unknown, key: string) => {
    const secret = named('Secret', name);
    return secret !== undefined && (key in ((secret.data as Json) ?? {}) || key in ((secret.stringData as Json) ?? {}));
  };
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const podLabels = (o: K8sObject) => get(o, 'spec', 'template', 'metadata', 'labels');
  const selecting = (selector: unknown) => workloads.filter((w) => labelsMatch(selector, podLabels(w)));

  const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace).map((o) => o.metadata.namespace));
  if (namespaces.size > 1) findings.push({ object: '*', path: 'metadata.namespace', message: `objects in several namespaces: ${[...namespaces].join(', ')}` });

  for (const object of objects) {
    const id = idOf(object);
    const add = (path: string, message: string) => findings.push({ object: id, path, message });

    if (WORKLOAD_KINDS.has(object.kind)) {
      const matchLabels = get(object, 'spec', 'selector', 'matchLabels');
      if (object.kind !== 'Job' && !labelsMatch(matchLabels, podLabels(object))) add('spec.selector.matchLabels', 'does not match the pod template labels');
      const pod = get(object, 'spec', 'template', 'spec') as Json;
      const volumes = new Set(asArray(pod?.volumes).map((v) => v.name));
      const containers = [...asArray(pod?.initContainers), ...asArray(pod?.containers)];
      containers.forEach((container, index) => {
        const at = `spec.template.spec.containers[${index}]`;
        const ports = new Set(asArray(container.ports).map((p) => p.name));
        for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
          const port = get(container, probe, 'httpGet', 'port');
          if (typeof port === 'string' && !ports.has(port)) add(`${at}.${probe}.httpGet.port`, `no container port named "${port}"`);
        }
        for (const mount of asArray(container.volumeMounts)) {
          if (!volumes.has(mount.name)) add(`${at}.volumeMounts`, `no volume named "${String(mount.name)}"`);
        }
        for (const source of asArray(container.envFrom)) {
          const configMap = get(source, 'configMapRef', 'name');
          if (configMap !== undefined && !get(source, 'configMapRef', 'optional') && !named('ConfigMap', configMap)) add(`${at}.envFrom`, `no ConfigMap "${scalarText(configMap)}"`);
          const secret = get(source, 'secretRef', 'name');
          if (secret !== undefined && !secretsExternal && !get(source, 'secretRef', 'optional') && !named('Secret', secret)) add(`${at}.envFrom`, `no Secret "${scalarText(secret)}"`);
        }
      });
    }

    switch (object.kind) {
      case 'Service': {
        const selector = get(object, 'spec', 'selector');
        const pods = selecting(selector);
        if (pods.length === 0) add('spec.selector', 'selects no workload of this render');
        for (const port of asArray(get(object, 'spec', 'ports'))) {
          const target = port.targetPort;
          const named = pods.some((w) => asArray(get(w, 'spec', 'template', 'spec', 'containers')).some((c) => asArray(c.ports).some((p) => p.name === target)));
          if (typeof target === 'string' && !named) add('spec.ports', `targetPort "${target}" is no container port name of the selected pods`);
        }
        break;
      }
      case 'PodDisruptionBudget':
        if (selecting(get(object, 'spec', 'selector', 'matchLabels')).length === 0) add('spec.selector', 'selects no workload of this render');
        break;
      case 'NetworkPolicy': {
        const matchLabels = get(object, 'spec', 'podSelector', 'matchLabels');
        if (matchLabels !== undefined && selecting(matchLabels).length === 0) add('spec.podSelector', 'selects no workload of this render');
        break;
      }
      case 'HorizontalPodAutoscaler': {
        const ref = get(object, 'spec', 'scaleTargetRef') as Json;
        if (!named(String(ref?.kind), ref?.name)) add('spec.scaleTargetRef', `no ${String(ref?.kind)} "${String(ref?.name)}"`);
        break;
      }
      case 'ScaledObject': {
        const ref = get(object, 'spec', 'scaleTargetRef') as Json;
        if (!named(scalarText(ref?.kind ?? 'Deployment'), ref?.name)) add('spec.scaleTargetRef', `no ${scalarText(ref?.kind ?? 'Deployment')} "${scalarText(ref?.name)}"`);
        asArray(get(object, 'spec', 'triggers')).forEach((trigger, index) => {
          const auth = get(trigger, 'authenticationRef', 'name');
          if (auth !== undefined && (get(trigger, 'authenticationRef', 'kind') ?? 'TriggerAuthentication') === 'TriggerAuthentication' && !named('TriggerAuthentication', auth)) {
            add(`spec.triggers[${index}].authenticationRef`, `no TriggerAuthentication "${scalarText(auth)}"`);
          }
        });
        if (objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && get(o, 'spec', 'scaleTargetRef', 'name') === ref?.name)) {
          add('spec.scaleTargetRef', 'the target also has a HorizontalPodAutoscaler: KEDA and that HPA would fight');
        }
        break;
      }
      case 'TriggerAuthentication':
        if (!secretsExternal) {
          asArray(get(object, 'spec', 'secretTargetRef')).forEach((ref, index) => {
            if (!secretHasKey(ref.name, String(ref.key))) add(`spec.secretTargetRef[${index}]`, `no Secret "${String(ref.name)}" with key "${String(ref.key)}"`);
          });
        }
        break;
    }
  }
  return findings;
}

export function validateObjects(objects: K8sObject[]): Finding[] {
  return [...validateSchemas(objects), ...validateReferences(objects)];
}
