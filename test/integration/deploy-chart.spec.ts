/**
 * The Helm chart (helm/platform), rendered by the real Helm 4 binary in the three shapes
 * the issue names (monolith, split, split with Ingress and TLS) and checked as a cluster
 * would: schema validation of every manifest, the restricted security profile, probes,
 * resources, per-part autoscaling and disruption budgets, NetworkPolicy, and the wiring
 * between Ingress, Service and the gateway's port 8000.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PART_NAMES } from '../../src/platform/config/schema/core.env.js';
import { envSchema } from '../../src/platform/config/env.schema.js';
import { CHART, cleanupHelm, helm, helmBinary, template, type Manifest } from '../deploy/helm.js';
import {
  ingressAllowed,
  podTemplates,
  resolvePort,
  restrictedProblems,
  selects,
  validateAgainstSchema,
} from '../deploy/k8s.js';

// Each helm call takes a fraction of a second, but CI machines are shared.
jest.setTimeout(60_000);
const SPLIT_INGRESS = ['-f', join(CHART, 'ci/split-ingress-values.yaml')];
const CHART_SECRETS = ['-f', join(CHART, 'ci/chart-secrets-values.yaml')];
const EVERYTHING = ['-f', join(CHART, 'ci/everything-values.yaml')];

const byKind = (docs: Manifest[], kind: string) => docs.filter((d) => d.kind === kind);
const envOf = (container: any): Record<string, string> =>
  Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value]));
const deployments = (docs: Manifest[]) => byKind(docs, 'Deployment');

beforeAll(() => {
  helmBinary();
});
afterAll(() => cleanupHelm());

describe('helm lint', () => {
  it.each([
    ['defaults', []],
    ['split with ingress and TLS', SPLIT_INGRESS],
    ['chart-managed secrets', CHART_SECRETS],
    ['every optional setting', EVERYTHING],
  ])('passes --strict with %s', (_name, args) => {
    const r = helm(['lint', CHART, '--strict', ...(args as string[])]);
    expect(r.stderr + r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.status).toBe(0);
  });
});

const scenarios: [string, string[]][] = [
  ['monolith (the seed command)', ['--set', 'image.tag=1.4.2']],
  ['split', ['--set', 'mode=split', '--set', 'image.tag=1.4.2']],
  ['split with ingress, TLS and monitoring', SPLIT_INGRESS],
  ['chart-managed secrets', CHART_SECRETS],
  ['monolith with every optional setting', EVERYTHING],
];

describe.each(scenarios)('helm template: %s', (_name, args) => {
  let docs: Manifest[];
  beforeAll(() => {
    docs = template(args);
  });

  it('renders only manifests that are valid against the Kubernetes schemas', async () => {
    expect(docs.length).toBeGreaterThan(3);
    for (const doc of docs) {
      const dashboard = doc.kind === 'ConfigMap' && doc.metadata.name.endsWith('-dashboard');
      if (!dashboard) expect(doc.metadata.namespace).toBe('production');
      await validateAgainstSchema(doc);
    }
  });

  it('runs every container non-root, read-only, without capabilities, with resources', () => {
    const pods = podTemplates(docs);
    expect(pods.length).toBeGreaterThan(0);
    expect(pods.flatMap(restrictedProblems)).toEqual([]);
    for (const pod of pods) {
      expect(pod.spec.automountServiceAccountToken).toBe(false);
      expect(pod.spec.securityContext.seccompProfile.type).toBe('RuntimeDefault');
    }
  });

  it('gives every server container startup, liveness and readiness probes on its own port', () => {
    for (const d of deployments(docs)) {
      const [c] = d.spec.template.spec.containers;
      const env = envOf(c);
      const gateway = env.APP_ROLES === 'all' || env.APP_ROLES === 'gateway';
      const expectedPort = gateway ? Number(env.PORT) : Number(env.HEALTH_PORT);
      expect(expectedPort).toBe(gateway ? 8000 : 8081);
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(c.startupProbe.httpGet.path).toBe('/health/live');
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
        expect(resolvePort([c], probe.httpGet.port)).toBe(expectedPort);
      }
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(10);
    }
  });

  it('runs migrations in a pre-install/pre-upgrade hook Job and not in the servers', () => {
    const [job] = byKind(docs, 'Job');
    expect(job.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['node', 'dist/platform/cli/migrate.js']);
    expect(envOf(c).APP_ROLES).toBe('all');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(c.image).toBe(deployments(docs)[0].spec.template.spec.containers[0].image);
    for (const d of deployments(docs)) {
      expect(envOf(d.spec.template.spec.containers[0]).MIGRATIONS_RUN).toBe('false');
    }
  });

  it('sets only variables the platform knows', () => {
    const known = new Set(Object.keys(envSchema));
    // Variables other parts add in parallel, passed through from values by the test scenarios.
    const fromValues = new Set(['TRUSTED_PROXIES']);
    for (const pod of podTemplates(docs)) {
      for (const e of pod.spec.containers[0].env ?? []) {
        if (!fromValues.has(e.name)) expect([e.name, known.has(e.name)]).toEqual([e.name, true]);
      }
    }
  });

  it('takes its secrets from the Secret(s) through envFrom, never as plain values', () => {
    for (const pod of podTemplates(docs)) {
      const c = pod.spec.containers[0];
      const plain = (c.env ?? []).map((e: any) => e.name);
      expect(plain).not.toContain('JWT_SECRET');
      expect(plain).not.toContain('DATABASE_URL');
      expect((c.envFrom ?? []).filter((f: any) => f.secretRef?.name).length).toBeGreaterThan(0);
    }
  });

  it('exposes only the gateway to outside traffic (NetworkPolicy)', () => {
    for (const pod of podTemplates(docs)) {
      const { isolated, ports } = ingressAllowed(docs, pod.labels);
      expect([pod.owner.metadata.name, isolated]).toEqual([pod.owner.metadata.name, true]);
      expect(ports.has('*')).toBe(false);
      const roles = envOf(pod.spec.containers[0]).APP_ROLES;
      const isServerGateway = pod.owner.kind === 'Deployment' && ['all', 'gateway'].includes(roles);
      if (isServerGateway) {
        expect(ports.get(8000)).toBeDefined();
        expect(ports.has(8081)).toBe(false);
      } else {
        expect(ports.has(8000)).toBe(false);
        // At most: the monitoring peers listed in values, on the health/metrics port.
        for (const [port, peer] of ports) expect([port, peer]).toEqual([8081, 'listed']);
      }
    }
  });

  it('points the gateway Service at the gateway pods on port 8000', () => {
    const svc = byKind(docs, 'Service').find((s) => s.metadata.name === 'platform')!;
    expect(svc).toBeDefined();
    const targets = deployments(docs).filter((d) =>
      selects(svc.spec.selector, d.spec.template.metadata.labels),
    );
    expect(targets).toHaveLength(1);
    const containers = targets[0].spec.template.spec.containers;
    expect(['all', 'gateway']).toContain(envOf(containers[0]).APP_ROLES);
    const port = svc.spec.ports.find((p: any) => p.name === 'http');
    expect(resolvePort(containers, port.targetPort)).toBe(8000);
  });

  it('has a PodDisruptionBudget matching each Deployment, and an HPA when it autoscales', () => {
    for (const d of deployments(docs)) {
      const labels = d.spec.template.metadata.labels;
      const pdbs = byKind(docs, 'PodDisruptionBudget').filter((p) =>
        selects(p.spec.selector.matchLabels, labels),
      );
      expect([d.metadata.name, pdbs.length]).toEqual([d.metadata.name, 1]);
      const hpa = byKind(docs, 'HorizontalPodAutoscaler').find(
        (h) => h.spec.scaleTargetRef.name === d.metadata.name,
      );
      if (hpa) {
        expect(hpa.spec.scaleTargetRef.kind).toBe('Deployment');
        expect(d.spec.replicas).toBeUndefined(); // the HPA owns the replica count
      } else {
        expect(d.spec.replicas).toBeGreaterThan(0);
      }
    }
  });
});

describe('schema validation', () => {
  it('rejects a broken manifest (so the checks above are not vacuous)', async () => {
    const [d] = deployments(template(['--set', 'mode=split']));
    const broken = structuredClone(d);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    await expect(validateAgainstSchema(broken)).rejects.toThrow(/containerPort/);
    const sm = byKind(template(SPLIT_INGRESS), 'ServiceMonitor')[0];
    const badSm = structuredClone(sm);
    badSm.spec.endpoints = 'http';
    await expect(validateAgainstSchema(badSm)).rejects.toThrow(/endpoints/);
  });
});

describe('monolith', () => {
  it('is one Deployment running every part, from the tagged image', () => {
    const docs = template(['--set', 'image.tag=1.4.2']);
    const ds = deployments(docs);
    expect(ds).toHaveLength(1);
    const c = ds[0].spec.template.spec.containers[0];
    expect(envOf(c).APP_ROLES).toBe('all');
    expect(c.image).toBe('platform:1.4.2');
    expect(envOf(c).NODE_ENV).toBe('production');
    expect(c.envFrom).toEqual([{ secretRef: { name: 'platform-env' } }]);
  });
});

describe('split', () => {
  it('is one Deployment per part, each with its HPA and PDB', () => {
    const docs = template(['--set', 'mode=split']);
    const roles = deployments(docs).map((d) => envOf(d.spec.template.spec.containers[0]).APP_ROLES);
    expect(roles.sort()).toEqual([...PART_NAMES].sort());
    expect(byKind(docs, 'HorizontalPodAutoscaler')).toHaveLength(PART_NAMES.length);
    expect(byKind(docs, 'PodDisruptionBudget')).toHaveLength(PART_NAMES.length);
    for (const d of deployments(docs)) {
      expect(d.metadata.name).toBe(
        `platform-${envOf(d.spec.template.spec.containers[0]).APP_ROLES}`,
      );
    }
  });

  it('passes per-part settings through (replicas, resources, env)', () => {
    const docs = template([
      '--set', 'mode=split',
      '--set', 'parts.payments.autoscaling.enabled=false',
      '--set', 'parts.payments.replicaCount=4',
      '--set', 'parts.payments.resources.limits.memory=2Gi',
      '--set', 'parts.payments.env.RPC_TIMEOUT_MS=8000',
    ]); // prettier-ignore
    const payments = deployments(docs).find((d) => d.metadata.name === 'platform-payments')!;
    expect(payments.spec.replicas).toBe(4);
    const c = payments.spec.template.spec.containers[0];
    expect(c.resources.limits.memory).toBe('2Gi');
    expect(envOf(c).RPC_TIMEOUT_MS).toBe('8000');
    const auth = deployments(docs).find((d) => d.metadata.name === 'platform-auth')!;
    expect(envOf(auth.spec.template.spec.containers[0]).RPC_TIMEOUT_MS).toBeUndefined();
    expect(byKind(docs, 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).not.toContain(
      'platform-payments',
    );
  });
});

describe('monolith with every optional setting', () => {
  it('pins the image by digest, autoscales on CPU and memory, keeps two pods through disruptions', () => {
    const docs = template(EVERYTHING);
    const [d] = deployments(docs);
    const pod = d.spec.template.spec;
    expect(pod.containers[0].image).toBe(
      'registry.example.com/platform@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    );
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(pod.containers[0].envFrom).toEqual([
      { secretRef: { name: 'platform-env' } },
      { secretRef: { name: 'platform-chart-env' } },
      { configMapRef: { name: 'platform-extra' } },
    ]);
    expect(envOf(pod.containers[0])).toMatchObject({
      DATABASE_POOL_SIZE: '20',
      PUBLIC_URL: 'https://platform.example.com',
      LOG_LEVEL: 'warn',
    });
    const [hpa] = byKind(docs, 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics.map((m: any) => m.resource.name)).toEqual(['cpu', 'memory']);
    expect(byKind(docs, 'PodDisruptionBudget')[0].spec).toMatchObject({ minAvailable: 2 });
    expect(pod.containers[0].lifecycle).toBeUndefined();
    const deny = byKind(docs, 'NetworkPolicy').find((n) =>
      n.metadata.name.endsWith('default-deny'),
    )!;
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec.egress[0].ports.map((p: any) => p.port)).toEqual([53, 53]);
    const dash = byKind(docs, 'ConfigMap').find((c) => c.metadata.name.endsWith('dashboard'))!;
    expect(dash.metadata.namespace).toBe('monitoring');
  });
});

describe('split with Ingress and TLS', () => {
  let docs: Manifest[];
  beforeAll(() => {
    docs = template(SPLIT_INGRESS);
  });

  it('terminates TLS for the host and routes to the gateway Service, port 8000', () => {
    const [ing] = byKind(docs, 'Ingress');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ hosts: ['api.example.com'], secretName: 'platform-tls' }]);
    const rule = ing.spec.rules[0];
    expect(rule.host).toBe('api.example.com');
    const backend = rule.http.paths[0].backend.service;
    const svc = byKind(docs, 'Service').find((s) => s.metadata.name === backend.name)!;
    const port = svc.spec.ports.find((p: any) => p.name === backend.port.name);
    const gw = deployments(docs).find((d) =>
      selects(svc.spec.selector, d.spec.template.metadata.labels),
    )!;
    expect(gw.metadata.name).toBe('platform-gateway');
    expect(resolvePort(gw.spec.template.spec.containers, port.targetPort)).toBe(8000);
    expect(envOf(gw.spec.template.spec.containers[0]).PUBLIC_URL).toBe('https://api.example.com');
  });

  it('lets the ingress controller reach the gateway and Prometheus scrape every part', () => {
    for (const d of deployments(docs)) {
      const { ports } = ingressAllowed(docs, d.spec.template.metadata.labels);
      const role = envOf(d.spec.template.spec.containers[0]).APP_ROLES;
      if (role === 'gateway') expect(ports.get(8000)).toBe('listed');
      else expect([...ports.entries()]).toEqual([[8081, 'listed']]);
    }
  });

  it('scrapes every process with a ServiceMonitor on the ports its Services expose', () => {
    const [sm] = byKind(docs, 'ServiceMonitor');
    expect(sm.metadata.labels!.release).toBe('kube-prometheus-stack');
    const endpoints = sm.spec.endpoints.map((e: any) => e.port).sort();
    expect(endpoints).toEqual(['health', 'http']);
    const services = byKind(docs, 'Service').filter((s) =>
      selects(sm.spec.selector.matchLabels, s.metadata.labels ?? {}),
    );
    expect(services).toHaveLength(PART_NAMES.length);
    for (const s of services) {
      expect(s.spec.ports.some((p: any) => endpoints.includes(p.name))).toBe(true);
      expect(sm.spec.endpoints.every((e: any) => e.path === '/metrics')).toBe(true);
    }
  });

  it('ships a Grafana dashboard on request latency, transport latency and process metrics', () => {
    const [cm] = byKind(docs, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard);
    const dashboard = JSON.parse(cm.data['platform.json']);
    const exprs = JSON.stringify(dashboard.panels);
    for (const metric of [
      'http_request_duration_seconds_bucket',
      'rpc_call_duration_seconds_bucket',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(exprs).toContain(metric);
    }
    expect(dashboard.panels.filter((p: any) => p.type === 'timeseries').length).toBeGreaterThan(5);
  });
});

describe('configuration from an existing Secret or from values', () => {
  it('reads the default existing Secret "platform-env" in every container and the Job', () => {
    const docs = template(['--set', 'mode=split']);
    expect(byKind(docs, 'Secret')).toHaveLength(0);
    for (const pod of podTemplates(docs)) {
      expect(pod.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'platform-env' } }]);
    }
  });

  it('creates a Secret from secretEnv, and a hook copy the migration Job can use before it', () => {
    const docs = template(CHART_SECRETS);
    const secrets = byKind(docs, 'Secret');
    const main = secrets.find((s) => !s.metadata.annotations?.['helm.sh/hook'])!;
    const hook = secrets.find((s) => s.metadata.annotations?.['helm.sh/hook'])!;
    expect(main.stringData.STRIPE_SECRET_KEY).toBe('sk_test_example');
    expect(hook.stringData).toEqual(main.stringData);
    expect(Number(hook.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(
      Number(byKind(docs, 'Job')[0].metadata.annotations!['helm.sh/hook-weight']),
    );
    const [d] = deployments(docs);
    expect(d.spec.template.spec.containers[0].envFrom).toEqual([
      { secretRef: { name: main.metadata.name } },
    ]);
    const [job] = byKind(docs, 'Job');
    expect(job.spec.template.spec.containers[0].envFrom).toEqual([
      { secretRef: { name: hook.metadata.name } },
    ]);
  });

  it('refuses to render without the required settings, naming them', () => {
    const r = helm([
      'template',
      'platform',
      CHART,
      '--set',
      'existingSecret=',
      '--set',
      'mode=split',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('DATABASE_URL, REDIS_URL, JWT_SECRET, MFA_ENCRYPTION_KEY, NATS_URL');
  });

  it('refuses a short JWT_SECRET and a JWT_SECRET in plain env', () => {
    const short = helm(['template', 'platform', CHART, '--set', 'secretEnv.JWT_SECRET=short']);
    expect(short.status).not.toBe(0);
    expect(short.stderr).toContain('at least 32 bytes');
    const plain = helm([
      'template',
      'platform',
      CHART,
      '--set',
      'env.JWT_SECRET=x'.padEnd(50, 'x'),
    ]);
    expect(plain.status).not.toBe(0);
    expect(plain.stderr).toContain('not in env');
  });

  it('rejects values that do not match values.schema.json', () => {
    const mode = helm(['template', 'platform', CHART, '--set', 'mode=cluster']);
    expect(mode.status).not.toBe(0);
    expect(mode.stderr).toContain('/mode');
    const typo = helm(['template', 'platform', CHART, '--set', 'replicaCount=3']);
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toContain('replicaCount');
    const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8'));
    expect(schema.properties.mode.enum).toEqual(['monolith', 'split']);
  });

  it('prints how to reach the API and check readiness (NOTES.txt)', () => {
    const r = helm([
      'install',
      'platform',
      CHART,
      '--namespace',
      'production',
      '--dry-run=client',
      ...SPLIT_INGRESS,
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('https://api.example.com/api/v1');
    expect(r.stdout).toContain('/health/ready');
  });
});
