import { describe, expect, it } from '@jest/globals';
import { api, expectProblem } from '../support/api.js';
import { startPlatform } from '../support/platform-process.js';
import { login, register } from '../support/session.js';

describe('process lifecycle', () => {
  it('drains in-flight requests on SIGTERM, refuses new ones and exits cleanly', async () => {
    const platform = await startPlatform({ mode: 'all' });
    try {
      const proc = platform.procs.get('all')!;
      // Several requests in flight (readiness pings every part through the transport) while the
      // signal arrives: each must get a complete answer.
      const inFlight = Array.from({ length: 10 }, () =>
        fetch(`${platform.url}/health/ready`).then((r) => r.status),
      );
      const exited = new Promise<string>((r) =>
        proc.child.once('exit', (code, signal) => r(`${code ?? signal}`)),
      );
      proc.child.kill('SIGTERM');
      const statuses = await Promise.allSettled(inFlight);
      for (const s of statuses) {
        if (s.status === 'fulfilled') expect([200, 503]).toContain(s.value);
      }
      // Nest re-raises the signal once closed, so a clean stop ends by SIGTERM (or code 0).
      expect(['0', 'SIGTERM']).toContain(await exited);
      await expect(fetch(`${platform.url}/health/live`)).rejects.toThrow();
    } finally {
      await platform.stop();
    }
  }, 90_000);
});

describe('data durability', () => {
  it('keeps accounts across a restart of the platform', async () => {
    const platform = await startPlatform({ mode: 'all' });
    const previous = process.env.E2E_URL;
    process.env.E2E_URL = platform.url;
    try {
      const user = await register({ tag: 'durable' });
      await platform.kill('all', 'SIGTERM');
      await platform.restart('all');
      const tokens = await login(user.email, user.password);
      expect(tokens.access_token).toEqual(expect.any(String));
      const again = await api('POST', '/api/v1/auth/register', {
        body: { email: user.email, password: user.password, name: 'Twice' },
      });
      expectProblem(again, 409);
    } finally {
      process.env.E2E_URL = previous;
      await platform.stop();
    }
  }, 120_000);
});
