// Jest loads global setup as CommonJS without the module name mapper, hence no extension.
// @ts-ignore TS2835
import { startPlatform, type Mode } from './platform-process';

/** Starts the platform once for the e2e suite; E2E_MODE=all (default) or split. */
export default async function globalSetup() {
  const mode = (process.env.E2E_MODE ?? 'all') as Mode;
  const platform = await startPlatform({ mode });
  (globalThis as { __PLATFORM__?: unknown }).__PLATFORM__ = platform;
  process.env.E2E_URL = platform.url;
  process.env.E2E_MODE = mode;
  process.env.E2E_LOG_DIR = platform.logDir;
}
