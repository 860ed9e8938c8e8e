import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { kubectlKustomize, renderDifferences } from './k8s/kubectl-parity';
import { type K8sObject, KustomizeError, renderKustomization } from './k8s/kustomize';
import { type Finding, validateObjects } from './k8s/validate';

/**
 * `npm run k8s:validate [-- --kubectl]`: renders every kustomization under k8s/ (each overlay,
 * the base, the example Secret, and the base with the plain-HPA alternative in place of KEDA) and
 * validates every object (scripts/k8s/validate.ts). Needs no cluster and no kustomize binary.
 * With --kubectl it also renders each kustomization with `kubectl kustomize` and requires the
 * same objects (CI does this where kubectl is installed). Prints one line per render and every
 * finding; exit code 1 when there is any.
 */

export interface RenderCheck {
  name: string;
  objects: K8sObject[];
  findings: Finding[];
}

/** The renders that k8s/ offers, by name; `dir` when the render is a kustomization directory as it stands. */
export function deploymentRenders(k8sDir: string): { name: string; dir?: string; render: () => K8sObject[] }[] {
  const overlays = join(k8sDir, 'overlays');
  const kustomizations = [
    ...readdirSync(overlays)
      .filter((entry) => statSync(join(overlays, entry)).isDirectory())
      .sort()
      .map((entry) => `overlays/${entry}`),
    'base',
    'secret-example',
  ];
  const renders: { name: string; dir?: string; render: () => K8sObject[] }[] = kustomizations.map((name) => {
    const dir = join(k8sDir, name);
    return { name, dir, render: () => renderKustomization(dir) };
  });
  renders.push(
    {
      name: 'base with worker-hpa.alternative.yaml instead of KEDA',
      render: () => {
        const alternative = parseAllDocuments(readFileSync(join(k8sDir, 'base', 'worker-hpa.alternative.yaml'), 'utf8')).map((d) => d.toJS() as K8sObject);
        const keda = (o: K8sObject) => o.apiVersion.startsWith('keda.sh/');
        return [...renderKustomization(join(k8sDir, 'base')).filter((o) => !keda(o)), ...alternative];
      },
    },
  );
  return renders;
}

export function checkDeployment(k8sDir: string, options: { kubectl?: boolean } = {}): RenderCheck[] {
  return deploymentRenders(k8sDir).map(({ name, dir, render }) => {
    try {
      const objects = render();
      const findings = validateObjects(objects);
      if (options.kubectl && dir) {
        for (const message of renderDifferences(objects, kubectlKustomize(dir))) findings.push({ object: '(kubectl kustomize)', path: '', message });
      }
      return { name, objects, findings };
    } catch (error) {
      if (!(error instanceof KustomizeError)) throw error;
      return { name, objects: [], findings: [{ object: '(render)', path: '', message: error.message }] };
    }
  });
}

function main(): void {
  const started = process.hrtime.bigint();
  const { values } = parseArgs({ options: { kubectl: { type: 'boolean', default: false } } });
  const k8sDir = join(process.cwd(), 'k8s');
  const checks = checkDeployment(k8sDir, { kubectl: values.kubectl });
  let failed = 0;
  for (const { name, objects, findings } of checks) {
    const kinds = [...new Set(objects.map((o) => o.kind))].join(', ');
    console.log(`${findings.length === 0 ? 'ok  ' : 'FAIL'} ${relative(process.cwd(), join(k8sDir, name.split(' ')[0]))}${name.includes(' ') ? name.slice(name.indexOf(' ')) : ''}: ${objects.length} objects (${kinds})`);
    for (const finding of findings) console.log(`     ${finding.object}${finding.path ? ` ${finding.path}` : ''}: ${finding.message}`);
    failed += findings.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const compared = values.kubectl ? ', each kustomization compared with kubectl kustomize' : '';
  console.log(`k8s:validate: ${checks.length} renders${compared}, ${failed} findings, ${seconds.toFixed(2)} s`);
  process.exitCode = failed === 0 ? 0 : 1;
}

if (require.main === module) main();
