import type { RpcMeta } from '../transport/rpc-meta.js';

/** W3C trace context (`traceparent`, `tracestate`) as it travels or is stored. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/**
 * What the transport, the outbox and the HTTP edge ask of tracing. It is provided only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (the OpenTelemetry implementation is loaded then and
 * only then); everywhere else its absence means no tracing work at all.
 *
 * The trace context crosses the transport in the message metadata (`meta.traceparent`,
 * `meta.tracestate`), so the in-process bus and NATS carry it the same way.
 */
export abstract class RpcTracing {
  /** Runs a call in a client span of `pattern`; `call` gets the metadata carrying its context. */
  abstract send<T>(pattern: string, meta: RpcMeta, call: (meta: RpcMeta) => Promise<T>): Promise<T>;

  /** Metadata for a fire-and-forget event, carrying the context of a producer span. */
  abstract emit(pattern: string, meta: RpcMeta): RpcMeta;

  /**
   * Runs a message handler in a server (request) or consumer (event) span whose parent is the
   * context the sender put in `meta` (without a context, without a span).
   */
  abstract handle<T>(
    pattern: string,
    kind: 'request' | 'event',
    meta: RpcMeta | undefined,
    run: () => Promise<T>,
  ): Promise<T>;

  /** The active trace context, to store with work done later (an outbox row). */
  abstract current(): TraceCarrier | undefined;

  /** Runs later work in a span that continues a stored context (or starts a trace without). */
  abstract resume<T>(name: string, stored: TraceCarrier | null, run: () => Promise<T>): Promise<T>;

  /** Names the active HTTP server span after the route that matched. */
  abstract nameHttpRoute(method: string, route: string): void;
}
