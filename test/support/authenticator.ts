/** A TOTP authenticator app for e2e tests (the platform's settings: SHA-1, 6 digits, 30 s). */
import { generate } from 'otplib';
import { api } from './api.js';

const PERIOD = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Codes of one authenticator. Each code is for a later time step than the previous one (the
 * platform accepts a step once), chosen inside the ±1 step window: the previous, current or
 * next step, through otplib's `epoch` option; it waits only when all three are used up.
 */
export class Authenticator {
  private last = -Infinity;
  constructor(readonly secret: string) {}

  private static now() {
    return Date.now() / 1000;
  }

  async code(): Promise<string> {
    for (;;) {
      const now = Authenticator.now();
      const cur = Math.floor(now / PERIOD);
      // Near the end of a step the previous one may leave the window before the request lands.
      const lowest = now % PERIOD < PERIOD - 8 ? cur - 1 : cur;
      const step = Math.max(lowest, this.last + 1);
      if (step <= cur + 1) {
        this.last = step;
        return generate({ secret: this.secret, epoch: step * PERIOD + 1 });
      }
      await sleep(((cur + 1) * PERIOD - now) * 1000 + 200);
    }
  }

  /** A code the platform accepted already (same step, same digits). */
  async lastCode(): Promise<string> {
    return generate({ secret: this.secret, epoch: this.last * PERIOD + 1 });
  }
}

/** Turns TOTP on for a signed-in user: the user's authenticator and recovery codes. */
export async function enrolTotp(
  token: string,
): Promise<{ auth: Authenticator; recovery: string[] }> {
  const setup = await api('POST', '/api/v1/auth/mfa/totp/setup', { token });
  if (setup.status !== 200) throw new Error(`TOTP setup failed: ${setup.status} ${setup.text}`);
  const auth = new Authenticator(setup.body.secret);
  const act = await api('POST', '/api/v1/auth/mfa/totp/activate', {
    token,
    body: { code: await auth.code() },
  });
  if (act.status !== 200) throw new Error(`TOTP activation failed: ${act.status} ${act.text}`);
  return { auth, recovery: act.body.recovery_codes };
}
