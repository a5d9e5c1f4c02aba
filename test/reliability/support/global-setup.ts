// Jest loads global setup as CommonJS without the module name mapper, hence no extensions.
import { join } from 'node:path';
// @ts-ignore TS2835
import { E2E_ADMIN, type Mode } from '../../support/platform-process';
// @ts-ignore TS2835
import { startMailSink } from '../../support/mailbox';
// @ts-ignore TS2835
import { RELIABILITY_JWT_SECRET, recordSecrets, startReliabilityPlatform } from './run';

/**
 * One shared platform (E2E_MODE=all by default, or split) for the token, fuzzing and
 * access-control specs; the fault and crash specs start their own. Every platform of the run
 * logs under .test-data/logs/ and is listed in the run directory for the log scan.
 */
export default async function globalSetup() {
  const mode = (process.env.E2E_MODE ?? 'all') as Mode;
  const tag = `${mode}_${Date.now().toString(36)}_${process.pid}`;
  process.env.RELIABILITY_RUN_DIR = join(process.cwd(), '.test-data', 'reliability', tag);
  const mail = await startMailSink(join(process.env.RELIABILITY_RUN_DIR, 'mail'));
  (globalThis as { __REL_MAIL__?: unknown }).__REL_MAIL__ = mail;
  process.env.E2E_MAIL_DIR = mail.dir;
  recordSecrets('secret', [RELIABILITY_JWT_SECRET]);
  recordSecrets('password', [E2E_ADMIN.password]);
  const platform = await startReliabilityPlatform({ mode, env: { SMTP_URL: mail.url } });
  (globalThis as { __REL_PLATFORM__?: unknown }).__REL_PLATFORM__ = platform;
  process.env.E2E_URL = platform.url;
  process.env.E2E_MODE = mode;
  process.env.E2E_LOG_DIR = platform.logDir;
}
