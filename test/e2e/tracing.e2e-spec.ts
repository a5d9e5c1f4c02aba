/**
 * OpenTelemetry traces across the transport, on platforms of this file's own: with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at a tiny OTLP/HTTP receiver, one request to the
 * gateway and the handlers it reaches in the parts' processes (split mode: other processes,
 * over NATS) form one trace with the right parent links, and outbox deliveries continue it.
 * Without the variable, no OpenTelemetry code is loaded at all.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan } from '../support/otlp-receiver.js';
import { startPlatform, type Mode, type PlatformHandle } from '../support/platform-process.js';

const mode = (process.env.E2E_MODE ?? 'all') as Mode;
const split = mode === 'split';
const PRELOAD = resolve('test/support/module-log-preload.mjs');
/** service.name of the process running a role: one process in all mode, one per role split. */
const service = (role: string) => (split ? `platform-${role}` : 'platform');

async function register(base: string) {
  const email = `trace.${randomBytes(4).toString('hex')}@example.com`;
  const res = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: `Tr-${randomBytes(8).toString('hex')}-9`, name: 'T' }),
  });
  expect(res.status).toBe(201);
}

const one = (spans: ReceivedSpan[], test: (s: ReceivedSpan) => boolean) => spans.find(test);

describe(`OpenTelemetry traces (${mode} mode)`, () => {
  const receiver = new OtlpReceiver();
  const logs = mkdtempSync(join(tmpdir(), 'otel-modules-'));
  let traced: PlatformHandle;

  beforeAll(async () => {
    await receiver.start();
    traced = await startPlatform({
      mode,
      nodeArgs: ['--import', PRELOAD],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        MODULE_LOG: join(logs, 'traced.log'),
      },
    });
  }, 240_000);

  afterAll(async () => {
    await traced?.stop();
    await receiver.stop();
  }, 60_000);

  it('joins the gateway and the part into one trace with parent links', async () => {
    await register(traced.url);
    const [http, client, server] = await receiver.waitFor((spans) => {
      const h = one(spans, (s) => s.name === 'POST /api/v1/auth/register');
      const c =
        h && one(spans, (s) => s.name === 'auth.user.register' && s.parentSpanId === h.spanId);
      const sv = c && one(spans, (s) => s.parentSpanId === c.spanId);
      return sv ? [h, c, sv] : undefined;
    });
    expect(http).toMatchObject({ kind: SPAN_KIND.server, service: service('gateway') });
    expect(http.attributes['http.route']).toBe('/api/v1/auth/register');
    expect(http.parentSpanId).toBeUndefined();
    expect(client).toMatchObject({
      kind: SPAN_KIND.client,
      service: service('gateway'),
      traceId: http.traceId,
    });
    expect(server).toMatchObject({
      name: 'auth.user.register',
      kind: SPAN_KIND.server,
      service: service('auth'),
      traceId: http.traceId,
    });
    expect(client.attributes['rpc.system']).toBe(split ? 'nats' : 'in-process');
    if (split) expect(server.service).not.toBe(http.service);

    // auth asks users to create the profile: the next hop continues the same trace.
    const profile = await receiver.waitFor((spans) =>
      one(
        spans,
        (s) =>
          s.name === 'users.user.create' &&
          s.kind === SPAN_KIND.server &&
          s.traceId === http.traceId,
      ),
    );
    expect(profile.service).toBe(service('users'));
    const profileClient = one(receiver.spans, (s) => s.spanId === profile.parentSpanId);
    expect(profileClient).toMatchObject({ kind: SPAN_KIND.client, service: service('auth') });
    expect(profileClient!.parentSpanId).toBe(server.spanId);
  }, 90_000);

  it('continues the trace of the request through the outbox delivery', async () => {
    const isRegister = (s: ReceivedSpan) => s.name === 'POST /api/v1/auth/register';
    const before = new Set(receiver.spans.filter(isRegister).map((s) => s.traceId));
    await register(traced.url);
    const http = await receiver.waitFor((spans) =>
      one(spans, (s) => isRegister(s) && !before.has(s.traceId)),
    );
    const [origin, relay, delivered] = await receiver.waitFor((spans) => {
      const ours = spans.filter((s) => s.traceId === http.traceId);
      for (const r of ours.filter((s) => s.name.startsWith('outbox deliver '))) {
        const o = one(ours, (s) => s.spanId === r.parentSpanId);
        const call = o && one(ours, (s) => s.parentSpanId === r.spanId);
        const d = call && one(ours, (s) => s.parentSpanId === call.spanId);
        if (o && d) return [o, r, d];
      }
      return undefined;
    });
    // The relay runs later, in the process that wrote the event, under the writing handler.
    expect(relay.service).toBe(origin.service);
    expect(origin.kind).toBe(SPAN_KIND.server);
    expect(delivered.kind).toBe(SPAN_KIND.server);
    expect(delivered.name).toMatch(/^\w+\.deliver\./);
    expect(delivered.service).toBe(service(delivered.name.split('.')[0]));
  }, 90_000);

  it('does not trace readiness probes', async () => {
    const isRegister = (s: ReceivedSpan) => s.name === 'POST /api/v1/auth/register';
    const before = receiver.spans.filter(isRegister).length;
    expect((await fetch(`${traced.url}/health/ready`)).status).toBe(200);
    // A traced request after the probe: once its spans are in, the probe's would be too.
    await register(traced.url);
    await receiver.waitFor((spans) =>
      spans.filter(isRegister).length > before ? true : undefined,
    );
    expect(receiver.spans.filter((s) => /health/.test(s.name))).toEqual([]);
  }, 90_000);

  it('loads no OpenTelemetry code when OTEL_EXPORTER_OTLP_ENDPOINT is unset', async () => {
    const plain = await startPlatform({
      mode,
      nodeArgs: ['--import', PRELOAD],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: '', MODULE_LOG: join(logs, 'plain.log') },
    });
    try {
      await register(plain.url);
    } finally {
      await plain.stop();
    }
    // The same detector saw the traced platform load its tracing code.
    expect(readFileSync(join(logs, 'traced.log'), 'utf8')).toMatch(/@opentelemetry\/api/);
    expect(existsSync(join(logs, 'plain.log'))).toBe(false);
  }, 240_000);
});
