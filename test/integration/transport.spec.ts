import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, NotFoundException } from '@nestjs/common';
import { ProblemException } from '../../src/platform/errors/problem.js';
import { Rpc } from '../../src/platform/transport/decorators.js';
import { RpcClient } from '../../src/platform/transport/rpc-client.js';
import type { RpcEnvelope } from '../../src/platform/transport/rpc-meta.js';
import { existsSync } from 'node:fs';
import { startNats, type PrivateService } from '../reliability/support/private-services.js';
import { createTestApp, type TestApp } from '../support/test-module.js';

@Controller()
class ProbeController {
  @Rpc('users.probe.echo')
  echo(env: RpcEnvelope<{ when: Date; n: number }>) {
    return {
      got: env.data,
      meta: env.meta,
      at: new Date(0),
      isDate: env.data.when instanceof Date,
    };
  }

  @Rpc('users.probe.conflict')
  conflict() {
    throw new ProblemException(409, 'email-taken', 'That email is registered.', {
      errors: [{ field: 'email', message: 'taken' }],
      headers: { 'retry-after': '3' },
    });
  }

  @Rpc('users.probe.not-found')
  missing() {
    throw new NotFoundException('no such user');
  }

  @Rpc('users.probe.crash')
  crash() {
    throw new Error('relation "users.secret_table" does not exist: SELECT password FROM …');
  }

  @Rpc('users.probe.slow')
  async slow() {
    await new Promise((r) => setTimeout(r, 1000));
    return 'late';
  }

  @Rpc('users.probe.void')
  nothing() {
    return undefined;
  }
}

async function failure(call: Promise<unknown>): Promise<ProblemException> {
  try {
    await call;
  } catch (err) {
    return err as ProblemException;
  }
  throw new Error('the call was expected to fail');
}

const modes: ('in-process' | 'nats')[] = process.env.NATS_URL
  ? ['in-process', 'nats']
  : ['in-process'];

describe.each(modes)('transport between parts (%s)', (transport) => {
  let t: TestApp;
  let rpc: RpcClient;

  beforeAll(async () => {
    t = await createTestApp({
      controllers: [ProbeController],
      transport,
      env:
        transport === 'nats'
          ? { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }
          : {},
    });
    rpc = t.get(RpcClient);
  }, 30_000);

  afterAll(async () => {
    await t?.close();
  });

  it('delivers payload and metadata as JSON, like a wire would', async () => {
    const res = await rpc.send<any>(
      'users.probe.echo',
      { when: new Date('2026-01-02T03:04:05Z'), n: 7 },
      { requestId: 'req-1', actor: { id: 'usr_x', role: 'member' } },
    );
    expect(res.got).toEqual({ when: '2026-01-02T03:04:05.000Z', n: 7 });
    expect(res.isDate).toBe(false);
    expect(res.at).toBe('1970-01-01T00:00:00.000Z');
    expect(res.meta).toEqual({ requestId: 'req-1', actor: { id: 'usr_x', role: 'member' } });
  });

  it('carries a part error with its status, type, details and headers', async () => {
    const err = await failure(rpc.send('users.probe.conflict', {}));
    expect(err).toBeInstanceOf(ProblemException);
    expect(err.getStatus()).toBe(409);
    expect(err.problem).toMatchObject({
      type: 'https://platform.dev/problems/email-taken',
      detail: 'That email is registered.',
      errors: [{ field: 'email', message: 'taken' }],
    });
    expect(err.headers).toEqual({ 'retry-after': '3' });
  });

  it('maps Nest HTTP exceptions thrown in a part to their status', async () => {
    const err = await failure(rpc.send('users.probe.not-found', {}));
    expect(err.getStatus()).toBe(404);
    expect(err.problem.detail).toBe('no such user');
  });

  it('turns an unexpected failure into a 500 that leaks nothing', async () => {
    const err = await failure(rpc.send('users.probe.crash', {}));
    expect(err.getStatus()).toBe(500);
    expect(JSON.stringify(err.problem)).not.toMatch(/secret_table|SELECT|password/);
  });

  it('times out a slow part with 504 instead of hanging', async () => {
    const err = await failure(rpc.send('users.probe.slow', {}, {}, { timeoutMs: 150 }));
    expect(err.getStatus()).toBe(504);
  });

  it('answers 503 when no part handles the pattern', async () => {
    const err = await failure(rpc.send('payments.nobody.home', {}, {}, { timeoutMs: 3000 }));
    expect(err.getStatus()).toBe(503);
  });

  it('resolves a handler that returns nothing', async () => {
    await expect(rpc.send('users.probe.void', {})).resolves.toBeUndefined();
  });
});

/** A status, or what the call answered instead of failing. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (err) {
    return err instanceof ProblemException ? err.getStatus() : -1;
  }
}

// A private nats-server (never the shared one) is stopped hard under a running client.
const natsServer = existsSync('/usr/sbin/nats-server') || !!process.env.NATS_URL;

(natsServer ? describe : describe.skip)('transport over NATS while NATS is down', () => {
  let nats: PrivateService;
  let t: TestApp;
  let rpc: RpcClient;

  beforeAll(async () => {
    nats = await startNats();
    t = await createTestApp({
      controllers: [ProbeController],
      transport: 'nats',
      env: { NATS_URL: nats.url, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    });
    rpc = t.get(RpcClient);
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await nats?.destroy();
  });

  it('answers 503 part-unavailable (never 502) while NATS is down, and recovers', async () => {
    expect(await statusOf(rpc.send('users.probe.void', {}))).toBe(200);
    await nats.stop();
    // A call already on its way when the connection dropped may time out (504); once the
    // client knows, every call is refused at once with 503 problem+json.
    const seen: number[] = [];
    for (let i = 0; i < 50 && seen.at(-1) !== 503; i++) {
      seen.push(await statusOf(rpc.send('users.probe.void', {}, {}, { timeoutMs: 500 })));
    }
    expect(seen.at(-1)).toBe(503);
    expect(seen.filter((s) => s !== 503 && s !== 504)).toEqual([]);
    const err = await failure(rpc.send('users.probe.echo', { n: 1 }, {}, { timeoutMs: 2000 }));
    expect(err.problem).toMatchObject({
      status: 503,
      type: 'https://platform.dev/problems/part-unavailable',
    });

    await nats.start();
    let back = 0;
    for (let i = 0; i < 120 && back !== 200; i++) {
      back = await statusOf(rpc.send('users.probe.void', {}, {}, { timeoutMs: 500 }));
      if (back !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(back).toBe(200);
  }, 90_000);
});
