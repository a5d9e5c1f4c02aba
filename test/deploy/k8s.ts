/**
 * Checks on rendered manifests: Kubernetes schema validation (kubernetes-models, and the
 * Prometheus Operator models for ServiceMonitor), the restricted security profile, and a
 * small NetworkPolicy evaluator ("who may open a connection to this pod on this port").
 */
import type { Manifest } from './helm.js';

type Validatable = new (data: unknown) => { validate(): void };

/** Throws with the schema errors when the manifest is not a valid object of its kind. */
export async function validateAgainstSchema(doc: Manifest): Promise<void> {
  const [group, version] = doc.apiVersion.includes('/')
    ? doc.apiVersion.split('/')
    : [undefined, doc.apiVersion];
  const spec =
    group === 'monitoring.coreos.com'
      ? `@kubernetes-models/prometheus-operator/${group}/${version}/${doc.kind}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}/${doc.kind}`;
  const mod = (await import(spec)) as Record<string, Validatable>;
  const Model = mod[doc.kind];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  try {
    new Model(doc).validate();
  } catch (err) {
    throw new Error(`${doc.kind}/${doc.metadata.name}: ${(err as Error).message}`);
  }
}

export interface PodTemplateRef {
  owner: Manifest;
  labels: Record<string, string>;
  spec: any;
}

export function podTemplates(docs: Manifest[]): PodTemplateRef[] {
  return docs
    .filter((d) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(d.kind))
    .map((d) => ({
      owner: d,
      labels: d.spec.template.metadata?.labels ?? {},
      spec: d.spec.template.spec,
    }));
}

/** Problems of one pod against the restricted Pod Security Standard (plus read-only root). */
export function restrictedProblems(pod: PodTemplateRef): string[] {
  const where = `${pod.owner.kind}/${pod.owner.metadata.name}`;
  const problems: string[] = [];
  const psc = pod.spec.securityContext ?? {};
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod.spec[flag]) problems.push(`${where}: ${flag}`);
  }
  for (const v of pod.spec.volumes ?? []) {
    if (v.hostPath) problems.push(`${where}: hostPath volume ${v.name}`);
  }
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const at = `${where} container ${c.name}`;
    const sc = c.securityContext ?? {};
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    const uid = sc.runAsUser ?? psc.runAsUser;
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (nonRoot !== true) problems.push(`${at}: runAsNonRoot is not true`);
    if (uid === 0) problems.push(`${at}: runAsUser 0`);
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem is writable`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation`);
    if (sc.privileged) problems.push(`${at}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL'))
      problems.push(`${at}: capabilities not dropped`);
    if ((sc.capabilities?.add ?? []).length) problems.push(`${at}: adds capabilities`);
    if (!['RuntimeDefault', 'Localhost'].includes(seccomp))
      problems.push(`${at}: no seccomp profile`);
    const r = c.resources ?? {};
    for (const kind of ['requests', 'limits'] as const) {
      for (const res of ['cpu', 'memory'] as const) {
        if (r[kind]?.[res] === undefined) problems.push(`${at}: no ${res} ${kind}`);
      }
    }
    const tmp = (c.volumeMounts ?? []).find((m: any) => m.mountPath === '/tmp');
    const tmpVol = tmp && (pod.spec.volumes ?? []).find((v: any) => v.name === tmp.name);
    if (!tmpVol?.emptyDir) problems.push(`${at}: /tmp is not a writable emptyDir`);
  }
  return problems;
}

export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** The container port number a probe or Service targets (by name or number). */
export function resolvePort(containers: any[], port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  for (const c of containers) {
    const p = (c.ports ?? []).find((x: any) => x.name === port);
    if (p) return p.containerPort;
  }
  return undefined;
}

export type Peer = 'anywhere' | 'listed';

/**
 * Which ports of a pod accept connections, and from whom, under the NetworkPolicies in docs:
 * a pod no policy selects for Ingress is open to all; otherwise the union of the rules.
 * Returns port -> 'anywhere' | 'listed' (only from specific peers), and '*' for rules
 * without ports.
 */
export function ingressAllowed(
  docs: Manifest[],
  labels: Record<string, string>,
): { isolated: boolean; ports: Map<number | '*', Peer> } {
  const policies = docs.filter(
    (d) =>
      d.kind === 'NetworkPolicy' &&
      (d.spec.policyTypes ?? ['Ingress']).includes('Ingress') &&
      selects(d.spec.podSelector?.matchLabels, labels) &&
      !d.spec.podSelector?.matchExpressions,
  );
  const ports = new Map<number | '*', Peer>();
  for (const p of policies) {
    for (const rule of p.spec.ingress ?? []) {
      const peer: Peer = !rule.from || rule.from.length === 0 ? 'anywhere' : 'listed';
      const list: (number | '*')[] = rule.ports?.length
        ? rule.ports.map((x: any) => x.port)
        : ['*'];
      for (const port of list) {
        if (ports.get(port) !== 'anywhere') ports.set(port, peer);
      }
    }
  }
  return { isolated: policies.length > 0, ports };
}
