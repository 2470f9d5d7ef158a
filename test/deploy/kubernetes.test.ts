import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { containerProblems, coverageProblems, networkProblems, type K8sObject } from './support/manifest-problems';

const root = path.join(__dirname, '..', '..');
const OVERLAYS = ['dev', 'prod'];

/** `kubectl kustomize` of an overlay (config/ is outside deploy/, hence the load restrictor). */
function render(overlay: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', '--load-restrictor=LoadRestrictionsNone', path.join(root, 'deploy', 'overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJSON() as K8sObject);
}

/** Schema problems of each object (kubernetes-models is ESM-only: its own node process). */
function schemaProblems(objects: unknown[]): { kind: string; name: string; error: string }[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'validate-k8s.mjs')], { input: JSON.stringify(objects), encoding: 'utf8' });
  return JSON.parse(out);
}

const clone = <T>(v: T): T => structuredClone(v);
const deployment = (objects: K8sObject[], name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;

describe('deploy/: the Kubernetes manifests', () => {
  const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, render(o)]));

  it.each(OVERLAYS)('%s: every object validates against the Kubernetes schemas', (overlay) => {
    expect(rendered[overlay].length).toBeGreaterThan(30);
    expect(schemaProblems(rendered[overlay])).toEqual([]);
  });

  it.each(OVERLAYS)('%s: every container has probes, requests and limits, a non-root user, no capabilities and a pinned image; ours drain within their grace', (overlay) => {
    expect(containerProblems(rendered[overlay])).toEqual([]);
  });

  it.each(OVERLAYS)('%s: every process has its Deployment, Service, PDB and HPA; one Ingress for the two apps; no Secret; the network denied by default', (overlay) => {
    expect(coverageProblems(rendered[overlay])).toEqual([]);
    expect(networkProblems(rendered[overlay])).toEqual([]);
  });

  it.each(OVERLAYS)('%s: menus and routing tables are ConfigMaps made from config/, mounted where the BFFs read them', (overlay) => {
    const objects = rendered[overlay];
    for (const [map, folder] of [['menus', 'menus'], ['legacy-routes', 'routes']]) {
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${map}-`)) as K8sObject & { data: Record<string, string> };
      for (const app of ['pc', 'mobile']) expect(cm.data[`${app}.json`]).toBe(fs.readFileSync(path.join(root, 'config', folder, `${app}.json`), 'utf8'));
      const pc = deployment(objects, 'bff-pc').spec.template.spec;
      expect(pc.volumes.find((v: { configMap?: { name: string } }) => v.configMap?.name === cm.metadata.name)).toBeDefined();
    }
  });

  it.each(OVERLAYS)('%s: every Secret the manifests reference is one docs/deployment.md tells how to create', (overlay) => {
    const doc = fs.readFileSync(path.join(root, 'docs', 'deployment.md'), 'utf8');
    const text = JSON.stringify(rendered[overlay]);
    const names = new Set([...text.matchAll(/"secretRef":\{"name":"([^"]+)"\}/g), ...text.matchAll(/"secretName":"([^"]+)"/g)].map((m) => m[1]));
    expect(names.size).toBeGreaterThanOrEqual(6);
    for (const name of names) expect(doc).toMatch(new RegExp(`create secret (generic|tls) ${name} `));
  });

  it('prod: external dependencies are settings, the image a release of the registry', () => {
    const prod = rendered.prod;
    expect(prod.some((o) => ['redis', 'mariadb', 'kafka', 'keycloak'].includes(o.metadata.name))).toBe(false);
    expect(deployment(prod, 'ppon').spec.template.spec.containers[0].image).toBe('registry.example.com/contract-bff/contract-bff:0.1.0');
  });

  it('the checks fail on a container without probes, limits or non-root, an unpinned image, a short grace, and a schema error', () => {
    const bad = clone(rendered.prod);
    const ppon = deployment(bad, 'ppon').spec.template.spec;
    delete ppon.containers[0].readinessProbe;
    delete ppon.containers[0].resources.limits;
    const pc = deployment(bad, 'bff-pc').spec.template.spec;
    pc.securityContext.runAsNonRoot = false;
    pc.containers[0].image = 'contract-bff:latest';
    const view = deployment(bad, 'contract-view').spec.template.spec;
    view.containers[0].image = 'registry.example.com/contract-bff';
    view.terminationGracePeriodSeconds = 20;
    view.containers[0].readinessProbe.httpGet.path = '/healthz';
    expect(containerProblems(bad).sort()).toEqual(
      [
        'Deployment/ppon container ppon: no readinessProbe',
        'Deployment/ppon container ppon: no limits.cpu',
        'Deployment/ppon container ppon: no limits.memory',
        'Deployment/bff-pc container bff-pc: may run as root (runAsNonRoot)',
        'Deployment/bff-pc container bff-pc: image contract-bff:latest is not pinned',
        'Deployment/contract-view container contract-view: image registry.example.com/contract-bff is not pinned',
        'Deployment/contract-view container contract-view: readinessProbe is not /readyz on the main port',
        'Deployment/contract-view container contract-view: terminationGracePeriodSeconds must exceed CONTRACT_VIEW_SHUTDOWN_DELAY_MS + CONTRACT_VIEW_SHUTDOWN_GRACE_MS (25000 ms)',
      ].sort(),
    );
    const noPdb = bad.filter((o) => !(o.kind === 'PodDisruptionBudget' && o.metadata.name === 'intelnet'));
    noPdb.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oops' } });
    expect(coverageProblems(noPdb).sort()).toEqual(['a Secret is rendered (secrets are created by hand, never committed)', 'intelnet: no PodDisruptionBudget']);
    const openToAll = bad.map((o) => (o.kind === 'NetworkPolicy' && o.metadata.name === 'bff-from-ingress' ? { ...o, spec: { ...o.spec, podSelector: {} } } : o));
    expect(networkProblems(openToAll)).toEqual(['NetworkPolicy/bff-from-ingress lets browsers reach pods other than the BFFs']);
    deployment(bad, 'intelnet').spec.replicas = 'two';
    expect(schemaProblems(bad)).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'intelnet', error: expect.stringMatching(/replicas must be integer/) })]);
  });
});
