/**
 * Trace context across the transport (in-process, and NATS when NATS_URL is set): with
 * tracing on, a call and an event carry the sender's span context in the message metadata
 * and the handlers run in child spans; spans are collected in memory.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller } from '@nestjs/common';
import { context, SpanKind, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OnEvent, Rpc } from '../../src/platform/transport/decorators.js';
import { RpcClient } from '../../src/platform/transport/rpc-client.js';
import type { RpcEnvelope } from '../../src/platform/transport/rpc-meta.js';
import { createTestApp, type TestApp } from '../support/test-module.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

let eventSeen: (meta: unknown) => void = () => undefined;

@Controller()
class TracedController {
  @Rpc('users.trace.who')
  who(env: RpcEnvelope) {
    return { span: trace.getActiveSpan()?.spanContext().spanId, meta: env.meta };
  }

  @OnEvent('users.trace.happened.v1', 'analytics')
  happened(env: Partial<RpcEnvelope>) {
    eventSeen({ span: trace.getActiveSpan()?.spanContext().spanId, meta: env.meta });
  }
}

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

async function spanNamed(name: string, kind: SpanKind): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const found = exporter.getFinishedSpans().find((s) => s.name === name && s.kind === kind);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${name} span`);
}

const modes: ('in-process' | 'nats')[] = process.env.NATS_URL
  ? ['in-process', 'nats']
  : ['in-process'];

describe.each(modes)('trace context across the transport (%s)', (transport) => {
  let t: TestApp;
  let rpc: RpcClient;

  beforeAll(async () => {
    t = await createTestApp({
      controllers: [TracedController],
      transport,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        ...(transport === 'nats'
          ? { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }
          : {}),
      },
    });
    rpc = t.get(RpcClient);
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    exporter.reset();
  });

  it('runs the handler of a call in a server span, child of the client span', async () => {
    exporter.reset();
    const outer = trace.getTracer('test').startSpan('request');
    const answer = await context.with(trace.setSpan(context.active(), outer), () =>
      rpc.send<{ span: string; meta: Record<string, string> }>(
        'users.trace.who',
        {},
        {
          requestId: 'r-1',
        },
      ),
    );
    outer.end();
    const client = await spanNamed('users.trace.who', SpanKind.CLIENT);
    const server = await spanNamed('users.trace.who', SpanKind.SERVER);
    expect(parentOf(client)).toBe(outer.spanContext().spanId);
    expect(parentOf(server)).toBe(client.spanContext().spanId);
    expect(server.spanContext().traceId).toBe(outer.spanContext().traceId);
    expect(answer.span).toBe(server.spanContext().spanId);
    expect(answer.meta.requestId).toBe('r-1');
    expect(answer.meta.traceparent).toBe(
      `00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`,
    );
    expect(client.attributes['rpc.system']).toBe(transport === 'nats' ? 'nats' : 'in-process');
  });

  it('runs an event handler in a consumer span, child of the producer span', async () => {
    exporter.reset();
    const seen = new Promise<{ span: string }>((resolve) => {
      eventSeen = (v) => resolve(v as { span: string });
    });
    const outer = trace.getTracer('test').startSpan('job');
    context.with(trace.setSpan(context.active(), outer), () =>
      rpc.emit('users.trace.happened.v1', { n: 1 }),
    );
    outer.end();
    const got = await seen;
    const producer = await spanNamed('users.trace.happened.v1', SpanKind.PRODUCER);
    const consumer = await spanNamed('users.trace.happened.v1', SpanKind.CONSUMER);
    expect(parentOf(producer)).toBe(outer.spanContext().spanId);
    expect(parentOf(consumer)).toBe(producer.spanContext().spanId);
    expect(got.span).toBe(consumer.spanContext().spanId);
  });

  it('marks a call that fails at the part as an error of the client span', async () => {
    exporter.reset();
    await expect(rpc.send('users.trace.nobody', {}, {}, { timeoutMs: 2000 })).rejects.toMatchObject(
      { problem: { status: 503 } },
    );
    const client = await spanNamed('users.trace.nobody', SpanKind.CLIENT);
    expect(client.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(client.attributes['rpc.response.status_code']).toBe(503);
  });
});
