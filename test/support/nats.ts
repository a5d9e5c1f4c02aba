import { connect } from '@nats-io/transport-node';

/**
 * Waits until NATS itself knows nobody serves `subject` (its subscriber's connection closed),
 * so a test can tell "the part is gone" (503) from "NATS has not noticed yet" (the request is
 * routed to the dead subscriber and times out, 504).
 */
export async function waitForNoResponders(
  natsUrl: string,
  subject: string,
  timeoutMs = 15_000,
): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await nc.request(subject, '{}', { timeout: 500 });
      } catch (err) {
        if (/no responders/i.test(String((err as Error).message))) return;
      }
      if (Date.now() > deadline) throw new Error(`${subject} still has responders`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await nc.close();
  }
}
