/**
 * docker/compose.yaml without a Docker engine: parsed (YAML merge keys as Compose reads
 * them), with ${VAR:-default} interpolation as Compose does it on a machine where none of
 * those variables is set, and checked against the chart and the platform's own
 * configuration: the same roles as the chart's Deployments, the variables the chart gives
 * each role, every variable known to the platform, and each service's environment (with
 * the image's ENV under it) accepted by the platform's configuration loader.
 */
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { envSchema } from '../../src/platform/config/env.schema.js';
import { PART_NAMES } from '../../src/platform/config/schema/core.env.js';
import { cleanupHelm, ROOT, template } from '../deploy/helm.js';
import { parseEnv, readDockerfile } from '../deploy/dockerfile.js';

// Each helm call takes a fraction of a second, but CI machines are shared.
jest.setTimeout(60_000);
const COMPOSE = join(ROOT, 'docker/compose.yaml');

/** Compose interpolation with an empty environment: ${A:-x} and ${A-x} give x, ${A} gives ''. */
function interpolate(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, _name, fallback) => fallback ?? '');
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  }
  return value;
}

type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  command?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
};

let services: Record<string, Service>;
let platformServices: [string, Service][];
let imageEnv: Record<string, string>;

beforeAll(() => {
  const doc = parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  services = interpolate(doc.services) as Record<string, Service>;
  platformServices = Object.entries(services).filter(
    ([, s]) => s.build?.dockerfile === 'docker/Dockerfile',
  );
  const df = readDockerfile(join(ROOT, 'docker/Dockerfile'));
  imageEnv = {};
  for (const ins of df.stages[df.stages.length - 1].instructions) {
    if (ins.keyword === 'ENV') Object.assign(imageEnv, parseEnv(ins.rest));
  }
});

const roleOf = (s: Service) => s.environment?.APP_ROLES;
const split = () =>
  platformServices.filter(([, s]) => s.profiles?.includes('split') && s.command === undefined);

describe('docker/compose.yaml', () => {
  it('builds every platform service from docker/Dockerfile, as one image', () => {
    expect(platformServices.length).toBe(PART_NAMES.length + 2); // monolith, migrate, five parts
    const images = new Set(platformServices.map(([, s]) => s.image));
    expect(images.size).toBe(1);
    for (const [, s] of platformServices) {
      expect(existsSync(join(resolve(ROOT, 'docker', s.build!.context), s.build!.dockerfile))).toBe(
        true,
      );
    }
  });

  it('runs PostgreSQL, Redis and NATS with health checks', () => {
    for (const name of ['postgres', 'redis', 'nats']) {
      expect(services[name]?.image).toBeTruthy();
      expect(services[name].healthcheck?.test?.length).toBeGreaterThan(0);
    }
  });

  it('runs every part in one container by default', () => {
    const defaults = platformServices.filter(([, s]) => !s.profiles);
    expect(defaults.map(([, s]) => roleOf(s))).toEqual(['all']);
    const [, mono] = defaults[0];
    expect(mono.ports).toEqual(['8000:8000']);
    expect(mono.depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('runs the same five roles as the chart in split mode, each as its own container', () => {
    const chartRoles = template(['--set', 'mode=split'])
      .filter((d) => d.kind === 'Deployment')
      .map(
        (d) =>
          d.spec.template.spec.containers[0].env.find((e: any) => e.name === 'APP_ROLES').value,
      );
    cleanupHelm();
    const composeRoles = split().map(([, s]) => roleOf(s));
    expect([...composeRoles].sort()).toEqual([...PART_NAMES].sort());
    expect([...composeRoles].sort()).toEqual([...chartRoles].sort());
  });

  it('gives each split role the variables the chart gives it', () => {
    const chart = template(['--set', 'mode=split', '--set', 'env.NATS_URL=nats://nats:4222']);
    cleanupHelm();
    for (const [name, s] of split()) {
      const d = chart.find(
        (x) => x.kind === 'Deployment' && x.metadata.name === `platform-${name}`,
      )!;
      const chartEnv = Object.fromEntries(
        d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]),
      ) as Record<string, string>;
      const composeEnv = { ...imageEnv, ...s.environment };
      for (const key of [
        'APP_ROLES',
        'NODE_ENV',
        'PORT',
        'HEALTH_PORT',
        'HOST',
        'MIGRATIONS_RUN',
      ]) {
        expect([name, key, composeEnv[key]]).toEqual([name, key, chartEnv[key]]);
      }
      // What the chart takes from its Secret (and NATS_URL from values) compose sets directly.
      for (const key of [
        'DATABASE_URL',
        'REDIS_URL',
        'JWT_SECRET',
        'MFA_ENCRYPTION_KEY',
        'NATS_URL',
      ]) {
        expect([name, key, Boolean(composeEnv[key])]).toEqual([name, key, true]);
      }
    }
  });

  it('migrates once before the split parts start, with the hook Job command', () => {
    const migrate = services.migrate;
    expect(migrate.command).toEqual(['node', 'dist/platform/cli/migrate.js']);
    expect(roleOf(migrate)).toBe('all');
    for (const [, s] of split()) {
      if (roleOf(s) === 'gateway') continue;
      expect(s.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
    const gateway = services.gateway;
    for (const part of PART_NAMES.filter((p) => p !== 'gateway')) {
      expect(gateway.depends_on?.[part]).toEqual({ condition: 'service_healthy' });
    }
    expect(gateway.ports?.[0]).toMatch(/:8000$/);
  });

  it('sets only variables the platform knows, and each service starts with its configuration', () => {
    const known = new Set(Object.keys(envSchema));
    for (const [name, s] of platformServices) {
      for (const key of Object.keys(s.environment ?? {})) {
        expect([name, key, known.has(key)]).toEqual([name, key, true]);
      }
      // The platform's own validation (production rules included) accepts it.
      expect(() => loadConfig({ ...imageEnv, ...s.environment })).not.toThrow();
    }
  });

  it('runs the platform read-only, without capabilities or privilege escalation', () => {
    for (const [, s] of platformServices) {
      expect(s.read_only).toBe(true);
      expect(s.tmpfs).toContain('/tmp');
      expect(s.cap_drop).toEqual(['ALL']);
      expect(s.security_opt).toContain('no-new-privileges:true');
    }
  });
});
