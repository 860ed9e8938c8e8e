import type { K8sObject } from './kustomize';
import { renderDifferences } from './kubectl-parity';

const object = (kind: string, name: string, extra: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'team' },
  ...extra,
});

describe('renderDifferences', () => {
  it('finds nothing between the same objects in another order', () => {
    expect(renderDifferences([object('Service', 'a'), object('ConfigMap', 'b')], [object('ConfigMap', 'b'), object('Service', 'a')])).toEqual([]);
  });

  it('names an object missing on either side, and one whose content differs', () => {
    const differences = renderDifferences(
      [object('Service', 'a'), object('ConfigMap', 'b', { data: { KEY: '1' } })],
      [object('ConfigMap', 'b', { data: { KEY: '2' } }), object('Secret', 'c')],
    );
    expect(differences).toEqual([
      'v1 Service team/a: rendered here, not by kubectl kustomize',
      "v1 ConfigMap team/b: differs from kubectl kustomize's",
      'v1 Secret team/c: rendered by kubectl kustomize, not here',
    ]);
  });
});
