/**
 * `npm run keys:rotate`: publishes a new token signing key (JWT_ALGORITHM ES256 or EdDSA) that
 * starts signing after JWT_KEY_PUBLISH_DELAY_S, when the current key retires; the same as
 * `POST /api/v1/auth/keys/rotate`. Running platforms pick it up on their own. Prints the new
 * key as JSON; exits 1 when a rotation is already pending or the platform signs with HS256.
 */
import { Logger } from '@nestjs/common';
import { AuthSettings } from '../../auth/application/auth-settings.js';
import { AuditLog } from '../../auth/application/audit-log.js';
import { SigningKeys } from '../../auth/application/keys/signing-keys.service.js';
import { authSchema } from '../../auth/persistence/auth.schema.js';
import { AppConfig } from '../config/config.js';
import { ConfigError, loadConfig, rolesOf } from '../config/load-config.js';
import { openDatabase } from '../database/data-source.factory.js';
import { ProblemException } from '../errors/problem.js';

// stdout carries only the JSON answer; failures go to stderr below.
Logger.overrideLogger(false);
try {
  const env = loadConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
  const config = new AppConfig(env, rolesOf(env));
  const db = await openDatabase(config, [authSchema]);
  try {
    const keys = new SigningKeys(db.dataSource, new AuthSettings(config), new AuditLog());
    const rotation = await keys.rotate(undefined, 'cli');
    process.stdout.write(`${JSON.stringify(rotation, null, 2)}\n`);
  } finally {
    await db.close();
  }
} catch (err) {
  const message =
    err instanceof ConfigError
      ? err.message
      : err instanceof ProblemException
        ? `${err.problem.detail}`
        : (err as Error).message;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
