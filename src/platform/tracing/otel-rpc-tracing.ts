/**
 * RpcTracing with the OpenTelemetry API: client and producer spans around calls and events,
 * server and consumer spans around handlers, linked through the W3C trace context that the
 * message metadata carries. Loaded only when tracing is on.
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { RpcMeta } from '../transport/rpc-meta.js';
import { partOf } from '../transport/rpc-meta.js';
import { stopTracing } from './otel-sdk.js';
import { RpcTracing, type TraceCarrier } from './rpc-tracing.js';

function carrierOf(ctx: Context): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The metadata without a context it may have been given by an earlier hop. */
function withoutContext(meta: RpcMeta): RpcMeta {
  const { traceparent: _p, tracestate: _s, ...rest } = meta;
  return rest;
}

/** Marks 5xx answers as errors; a part's 4xx is an answer, not a failure of the call. */
function recordFailure(span: Span, err: unknown): void {
  const status = (err as { getStatus?: () => number })?.getStatus?.();
  if (status !== undefined) span.setAttribute('rpc.response.status_code', status);
  if (status === undefined || status >= 500) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
  }
}

export class OtelRpcTracing extends RpcTracing implements OnApplicationShutdown {
  private readonly tracer = trace.getTracer('platform');

  /** `nats` or `in-process`: the rpc.system of every transport span. */
  constructor(private readonly system: string) {
    super();
  }

  /** Sends the spans still buffered before the process exits. */
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }

  private attributes(pattern: string): Attributes {
    return { 'rpc.system': this.system, 'rpc.service': partOf(pattern), 'rpc.method': pattern };
  }

  private async within<T>(span: Span, ctx: Context, run: () => Promise<T>): Promise<T> {
    try {
      return await context.with(ctx, run);
    } catch (err) {
      recordFailure(span, err);
      throw err;
    } finally {
      span.end();
    }
  }

  send<T>(pattern: string, meta: RpcMeta, call: (meta: RpcMeta) => Promise<T>): Promise<T> {
    const span = this.tracer.startSpan(pattern, {
      kind: SpanKind.CLIENT,
      attributes: this.attributes(pattern),
    });
    const ctx = trace.setSpan(context.active(), span);
    const carried = { ...withoutContext(meta), ...carrierOf(ctx) };
    return this.within(span, ctx, () => call(carried));
  }

  emit(pattern: string, meta: RpcMeta): RpcMeta {
    const span = this.tracer.startSpan(pattern, {
      kind: SpanKind.PRODUCER,
      attributes: this.attributes(pattern),
    });
    span.end();
    return { ...withoutContext(meta), ...carrierOf(trace.setSpan(context.active(), span)) };
  }

  handle<T>(
    pattern: string,
    kind: 'request' | 'event',
    meta: RpcMeta | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    // A sender that traces nothing (tracing suppressed, e.g. a readiness probe) sends no
    // context: its message is handled without a span rather than as a trace of its own.
    if (!meta?.traceparent) return run();
    const parent = propagation.extract(ROOT_CONTEXT, meta);
    const span = this.tracer.startSpan(
      pattern,
      {
        kind: kind === 'request' ? SpanKind.SERVER : SpanKind.CONSUMER,
        attributes: this.attributes(pattern),
      },
      parent,
    );
    return this.within(span, trace.setSpan(parent, span), run);
  }

  current(): TraceCarrier | undefined {
    const carrier = carrierOf(context.active());
    return carrier.traceparent ? carrier : undefined;
  }

  resume<T>(name: string, stored: TraceCarrier | null, run: () => Promise<T>): Promise<T> {
    const parent = stored ? propagation.extract(ROOT_CONTEXT, stored) : ROOT_CONTEXT;
    const span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL }, parent);
    return this.within(span, trace.setSpan(parent, span), run);
  }

  nameHttpRoute(method: string, route: string): void {
    // The HTTP instrumentation names its server span `<method> <route>` from this at the end.
    const rpc = getRPCMetadata(context.active());
    if (rpc?.type === RPCType.HTTP) rpc.route = route;
    else trace.getActiveSpan()?.updateName(`${method} ${route}`);
  }
}
