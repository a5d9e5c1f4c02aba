import type { PlatformHandle } from './platform-process.js';

export default async function globalTeardown() {
  const platform = (globalThis as { __PLATFORM__?: PlatformHandle }).__PLATFORM__;
  await platform?.stop();
}
