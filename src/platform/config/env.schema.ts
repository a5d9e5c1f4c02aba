import { analyticsEnv } from './schema/analytics.env.js';
import { authEnv } from './schema/auth.env.js';
import { coreEnv } from './schema/core.env.js';
import { gatewayEnv } from './schema/gateway.env.js';
import { paymentsEnv } from './schema/payments.env.js';
import { usersEnv } from './schema/users.env.js';
import type { EnvVar } from './env-var.js';

/** Every variable the platform reads, grouped by the part that owns it. */
export const envSections = {
  core: coreEnv,
  gateway: gatewayEnv,
  auth: authEnv,
  users: usersEnv,
  payments: paymentsEnv,
  analytics: analyticsEnv,
} as const;

export const envSchema = {
  ...coreEnv,
  ...gatewayEnv,
  ...authEnv,
  ...usersEnv,
  ...paymentsEnv,
  ...analyticsEnv,
};

type Schema = typeof envSchema;
export type Env = {
  readonly [K in keyof Schema]: Schema[K] extends EnvVar<infer T> ? T : never;
};
