import type { PlatformHandle } from '../../support/platform-process.js';
import type { MailSink } from '../../support/mailbox.js';

export default async function globalTeardown() {
  const g = globalThis as { __REL_PLATFORM__?: PlatformHandle; __REL_MAIL__?: MailSink };
  await g.__REL_PLATFORM__?.stop();
  await g.__REL_MAIL__?.close();
}
