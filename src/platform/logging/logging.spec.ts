import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/config.js';
import { loadConfig } from '../config/load-config.js';
import { createLoggers, PlatformLogger } from './platform-logger.js';
import { scrubSecrets } from './redaction.js';
import { installRequestLog } from './request-log.js';

/** Loggers writing into an array of parsed lines. */
function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const config = new AppConfig(loadConfig({ LOG_LEVEL: level }), ['gateway']);
  return { lines, loggers: createLoggers(config, sink) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('scrubSecrets', () => {
  it('masks secret query parameters and card numbers, and leaves the rest alone', () => {
    expect(scrubSecrets('/x?token=abc&next=/y&code=1')).toBe(
      '/x?token=[redacted]&next=/y&code=[redacted]',
    );
    expect(scrubSecrets('/payments?note=4111 1111 1111 1111')).toBe(
      '/payments?note=[card redacted]',
    );
    expect(scrubSecrets('pan 4242-4242-4242-4242')).toBe('pan [card redacted]');
    for (const plain of ['/health/live', '/api/v1/users/usr_0mhx3k2a1b9q3x7c2v8k4p1z5n']) {
      expect(scrubSecrets(plain)).toBe(plain);
    }
    // Thirteen digits that fail Luhn are not a card.
    expect(scrubSecrets('order 1234567890123')).toBe('order 1234567890123');
  });
});

describe('PlatformLogger', () => {
  it("writes Nest's calls as pino lines: context, fields, the (message, stack) form", async () => {
    const { lines, loggers } = capture();
    const log = new PlatformLogger(loggers.root);
    log.log('started', 'NestApplication');
    log.warn({ url: '/x?token=secret' }, 'slow', 'Edge');
    log.error('boom', 'Error: boom\n    at f (file.js:1:1)', 'ExceptionsHandler');
    log.error({ password: 'hunter2', nested: { refresh_token: 'rt_x' } }, 'failed', 'Auth');
    log.debug('hidden', 'X');
    await flush();
    expect(lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      [30, 'NestApplication', 'started'],
      [40, 'Edge', 'slow'],
      [50, 'ExceptionsHandler', 'boom'],
      [50, 'Auth', 'failed'],
    ]);
    expect((lines[2].err as { stack: string }).stack).toMatch(/^Error: boom\n\s+at f/);
    expect(lines[3]).toMatchObject({
      password: '[redacted]',
      nested: { refresh_token: '[redacted]' },
    });
    expect(lines[0]).toMatchObject({ roles: 'gateway', pid: process.pid });
  });
});

describe('request lines', () => {
  function hookOf(requests: Parameters<typeof installRequestLog>[1]) {
    let hook: ((req: unknown, reply: unknown, done: () => void) => void) | undefined;
    const fastify = { addHook: (_: string, fn: typeof hook) => (hook = fn) };
    installRequestLog(fastify as unknown as FastifyInstance, requests);
    return hook;
  }

  it('hold id, method, masked URL, status and duration, never headers', async () => {
    const { lines, loggers } = capture();
    const hook = hookOf(loggers.requests)!;
    const req = {
      id: 'req-1',
      method: 'GET',
      url: '/api/v1/payments?note=4111111111111111&token=t0k',
      headers: { authorization: 'Bearer secret', cookie: 'sid=1' },
    };
    hook(req, { statusCode: 400, elapsedTime: 1.23456 }, () => undefined);
    await flush();
    expect(lines).toHaveLength(1);
    const { level, req: r, res, responseTime, msg } = lines[0];
    expect({ level, req: r, res, responseTime, msg }).toEqual({
      level: 30,
      req: {
        id: 'req-1',
        method: 'GET',
        url: '/api/v1/payments?note=[card redacted]&token=[redacted]',
      },
      res: { statusCode: 400 },
      responseTime: 1.235,
      msg: 'request completed',
    });
    expect(JSON.stringify(lines[0])).not.toMatch(/secret|sid=1|headers/);
  });

  it('are not written (nor hooked) below LOG_LEVEL info', () => {
    const { loggers } = capture('warn');
    expect(hookOf(loggers.requests)).toBeUndefined();
  });
});
