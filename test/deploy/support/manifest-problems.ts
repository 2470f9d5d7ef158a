import type { IIngressSpec } from 'kubernetes-models/networking.k8s.io/v1/IngressSpec';
import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { DRAIN_DEFAULTS, PROCESSES } from './drain-settings';

/** The parts of a workload's, an Ingress's or a NetworkPolicy's spec these checks read (parsed YAML: any may be missing). */
type Spec = Partial<IPodSpec & INetworkPolicySpec & IIngressSpec> & {
  template?: { spec?: IPodSpec };
  jobTemplate?: { spec?: { template?: { spec?: IPodSpec } } };
};

/** A rendered object. Its spec is parsed YAML of any kind, which the tests read field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test's expect() checks the fields it reads; the checks below read it as a Spec
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any };
const specOf = (o: K8sObject) => o.spec as Spec | undefined;

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

function podSpecOf(o: K8sObject): Partial<IPodSpec> | undefined {
  const spec = specOf(o);
  if (o.kind === 'Pod') return spec;
  if (o.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  return spec?.template?.spec;
}

/** A tag other than `latest`, or a digest: the same name always means the same bytes. */
export const pinned = (image: string) => /@sha256:[0-9a-f]{64}$/.test(image) || (/:[\w][\w.-]{0,127}$/.test(image.slice(image.lastIndexOf('/') + 1)) && !/:latest$/.test(image));

/**
 * What every container of every workload must have: startup (for ours), readiness and liveness
 * probes (not a job's: it serves nothing), requests and limits, a non-root user, no capabilities
 * and a pinned image. Ours (part-of contract-bff) also: a read-only root filesystem, no capabilities, probes on /healthz and /readyz of the main
 * port, the admin port, and a termination grace longer than the drain.
 */
export function containerProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects.filter((x) => WORKLOADS.has(x.kind))) {
    const pod = podSpecOf(o) ?? {};
    const ours = o.metadata.labels?.['app.kubernetes.io/part-of'] === 'contract-bff';
    // A job serves nothing: no probes to ask (it has a deadline instead).
    const job = o.kind === 'Job' || o.kind === 'CronJob';
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const at = `${o.kind}/${o.metadata.name} container ${c.name}`;
      const say = (what: string) => problems.push(`${at}: ${what}`);
      if (!job && !c.readinessProbe) say('no readinessProbe');
      if (!job && !c.livenessProbe) say('no livenessProbe');
      if (!job && ours && !c.startupProbe) say('no startupProbe');
      for (const kind of ['requests', 'limits'] as const) for (const r of ['cpu', 'memory']) if (!c.resources?.[kind]?.[r]) say(`no ${kind}.${r}`);
      const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const user = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      if (nonRoot !== true || user === 0) say('may run as root (runAsNonRoot)');
      if (!c.image || !pinned(c.image)) say(`image ${c.image} is not pinned`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) say('allowPrivilegeEscalation is not false');
      if (!(c.securityContext?.capabilities?.drop ?? []).includes('ALL')) say('capabilities are not dropped');
      if (!ours) continue;
      if (c.securityContext?.readOnlyRootFilesystem !== true) say('root filesystem is writable');
      const mounts: string[] = (c.volumeMounts ?? []).map((m) => m.mountPath);
      if (!mounts.includes('/tmp')) say('no writable /tmp');
      if (job) {
        if (!/^dist\/scripts\/[\w-]+\.js$/.test(c.command?.[1] ?? '')) say('runs no compiled operator command (dist/scripts/)');
        continue;
      }
      const proc = PROCESSES.find((p) => c.command?.includes(p.script));
      if (!proc) {
        say('runs no known process');
        continue;
      }
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
      const main = (c.ports ?? []).find((p) => p.name === 'http');
      if (main?.containerPort !== proc.port || String(env[`${proc.prefix}PORT`]) !== String(proc.port)) say(`main port is not ${proc.port} (${proc.prefix}PORT)`);
      const admin = (c.ports ?? []).find((p) => p.name === 'admin');
      if (!admin || String(env[`${proc.prefix}ADMIN_PORT`]) !== String(admin.containerPort)) say(`the admin port does not match ${proc.prefix}ADMIN_PORT`);
      const probe = (p: IProbe | undefined, path: string) => p?.httpGet?.path === path && p?.httpGet?.port === 'http';
      if (c.startupProbe && !probe(c.startupProbe, '/healthz')) say('startupProbe is not /healthz on the main port');
      if (c.livenessProbe && !probe(c.livenessProbe, '/healthz')) say('livenessProbe is not /healthz on the main port');
      if (c.readinessProbe && !probe(c.readinessProbe, '/readyz')) say('readinessProbe is not /readyz on the main port');
      const drainMs = Number(env[`${proc.prefix}SHUTDOWN_DELAY_MS`] ?? DRAIN_DEFAULTS.delayMs) + Number(env[`${proc.prefix}SHUTDOWN_GRACE_MS`] ?? DRAIN_DEFAULTS.graceMs);
      if (!((pod.terminationGracePeriodSeconds ?? 30) * 1000 > drainMs)) say(`terminationGracePeriodSeconds must exceed ${proc.prefix}SHUTDOWN_DELAY_MS + ${proc.prefix}SHUTDOWN_GRACE_MS (${drainMs} ms)`);
      for (const p of [env.FILES_DIR, env[`${proc.prefix}SQLITE_FILE`]].filter(Boolean) as string[]) if (!mounts.some((m) => p.startsWith(`${m}/`))) say(`${p} is on no volume`);
      if (env[`${proc.prefix}DB_KIND`] !== 'mariadb' && proc.prefix) say(`${proc.prefix}DB_KIND is not mariadb (SQLite in a pod is lost with it)`);
    }
  }
  return problems;
}

/** Each process: its Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler. */
export function coverageProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const has = (kind: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.name === name);
  for (const p of PROCESSES) for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) if (!has(kind, p.name)) problems.push(`${p.name}: no ${kind}`);
  if (objects.some((o) => o.kind === 'Secret')) problems.push('a Secret is rendered (secrets are created by hand, never committed)');
  const ingresses = objects.filter((o) => o.kind === 'Ingress');
  if (ingresses.length !== 1) problems.push(`${ingresses.length} Ingresses (one for the two apps)`);
  const backends = ingresses.flatMap((i) => (specOf(i)?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend?.service?.name)));
  if ([...new Set(backends)].sort().join() !== 'bff-mobile,bff-pc') problems.push(`the Ingress reaches ${backends.join(', ')} (only the two BFFs)`);
  return problems;
}

/**
 * The network: everything denied by default; browsers (the ingress controller's namespace) reach
 * only the BFFs; the services are reached from pods of this namespace only.
 */
export function networkProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const denyAll = policies.map(specOf).some((spec) => Object.keys(spec?.podSelector ?? {}).length === 0 && (['Ingress', 'Egress'] as const).every((t) => spec?.policyTypes?.includes(t)) && !spec?.ingress && !spec?.egress);
  if (!denyAll) problems.push('no default-deny NetworkPolicy');
  for (const p of policies) {
    const spec = specOf(p);
    const fromOutside = (spec?.ingress ?? []).some((rule) => (rule.from ?? []).some((peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'ingress-nginx' || peer.ipBlock));
    const selects = spec?.podSelector?.matchLabels ?? {};
    if (fromOutside && selects['app.kubernetes.io/component'] !== 'bff') problems.push(`NetworkPolicy/${p.metadata.name} lets browsers reach pods other than the BFFs`);
  }
  return problems;
}
