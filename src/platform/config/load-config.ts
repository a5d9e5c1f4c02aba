import { EnvError, EnvErrors, type EnvVar } from './env-var.js';
import { PART_NAMES } from './schema/core.env.js';
import { envSchema, type Env } from './env.schema.js';

export type PartName = (typeof PART_NAMES)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DEV_SECRET = 'dev-only-insecure-secret-change-me-0000';

/** Parses and checks every variable at once, so one message names every bad one. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Env {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(envSchema) as [string, EnvVar<unknown>][]) {
    try {
      out[name] = spec.parse(source[name], source);
    } catch (err) {
      const found = err instanceof EnvErrors ? err.errors : [err];
      for (const e of found) {
        const why = e instanceof Error ? e.message : String(e);
        problems.push(`${(e instanceof EnvError && e.variable) || name}: ${why}`);
      }
    }
  }
  const env = out as Env;
  if (problems.length === 0) problems.push(...crossChecks(env));
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(env);
}

function crossChecks(env: Env): string[] {
  const problems: string[] = [];
  const roles = env.APP_ROLES;
  if (roles.includes('all') && roles.length > 1) {
    problems.push('APP_ROLES: "all" cannot be combined with other roles');
  }
  if (!roles.includes('all') && !env.NATS_URL) {
    problems.push('NATS_URL: required when APP_ROLES is not "all" (parts talk over NATS)');
  }
  if (!roles.includes('all') && !env.REDIS_URL) {
    problems.push(
      'REDIS_URL: required when APP_ROLES is not "all" (sessions and limits are shared)',
    );
  }
  if (env.OAUTH_PROVIDERS.length && !env.FRONTEND_URL) {
    problems.push('FRONTEND_URL: required when OAUTH_PROVIDERS is set (social sign-in ends there)');
  }
  if (env.NODE_ENV === 'production') {
    if (!env.DATABASE_URL) problems.push('DATABASE_URL: required in production');
    if (!env.REDIS_URL) problems.push('REDIS_URL: required in production');
    if (env.JWT_SECRET === DEV_SECRET || Buffer.byteLength(env.JWT_SECRET) < 32) {
      problems.push('JWT_SECRET: must be set to a random value of at least 32 bytes in production');
    }
    // Without it no second factor could be stored or checked: refuse rather than run half-secure.
    if (!env.MFA_ENCRYPTION_KEY) {
      problems.push('MFA_ENCRYPTION_KEY: required in production (openssl rand -hex 32)');
    }
    // The private signing keys are sealed with it: no plain private key in the database.
    if (env.JWT_ALGORITHM !== 'HS256' && !env.JWT_KEY_ENCRYPTION_KEY) {
      problems.push(
        `JWT_KEY_ENCRYPTION_KEY: required in production with JWT_ALGORITHM=${env.JWT_ALGORITHM} ` +
          '(openssl rand -hex 32)',
      );
    }
  }
  return problems;
}

export function rolesOf(env: Env): PartName[] {
  return env.APP_ROLES.includes('all') ? [...PART_NAMES] : (env.APP_ROLES as PartName[]);
}

export function isSplit(env: Env): boolean {
  return !env.APP_ROLES.includes('all');
}
