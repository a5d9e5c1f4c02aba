import type { PlatformHandle } from './platform-process.js';
import type { MailSink } from './mailbox.js';

export default async function globalTeardown() {
  const platform = (globalThis as { __PLATFORM__?: PlatformHandle }).__PLATFORM__;
  await platform?.stop();
  const mail = (globalThis as { __MAIL__?: MailSink }).__MAIL__;
  await mail?.close();
  const fakes = (globalThis as { __FAKE_PROVIDERS__?: { close(): Promise<void> }[] })
    .__FAKE_PROVIDERS__;
  await Promise.all((fakes ?? []).map((f) => f.close()));
}
