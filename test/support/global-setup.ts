// Jest loads global setup as CommonJS without the module name mapper, hence no extension.
// @ts-ignore TS2835
import { startPlatform, type Mode } from './platform-process';
// @ts-ignore TS2835
import { startMailSink } from './mailbox';
import { join } from 'node:path';

/** Starts the platform once for the e2e suite; E2E_MODE=all (default) or split. */
export default async function globalSetup() {
  const mode = (process.env.E2E_MODE ?? 'all') as Mode;
  // A real SMTP server on 127.0.0.1; received mail lands as files that tests read.
  const mailDir = join(
    process.cwd(),
    '.test-data',
    'mail',
    `${mode}_${Date.now().toString(36)}_${process.pid}`,
  );
  const mail = await startMailSink(mailDir);
  (globalThis as { __MAIL__?: unknown }).__MAIL__ = mail;
  process.env.E2E_MAIL_DIR = mail.dir;
  const platform = await startPlatform({ mode, env: { SMTP_URL: mail.url } });
  (globalThis as { __PLATFORM__?: unknown }).__PLATFORM__ = platform;
  process.env.E2E_URL = platform.url;
  process.env.E2E_MODE = mode;
  process.env.E2E_LOG_DIR = platform.logDir;
}
