/**
 * The OpenTelemetry SDK of one process, started by main.ts before anything else is loaded
 * (the HTTP instrumentation must patch node:http before Fastify requires it) and only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. Spans go in batches to `<endpoint>/v1/traces` as OTLP
 * over HTTP with JSON bodies; the exporter reads the other standard OTEL_EXPORTER_OTLP_*
 * variables (headers, timeout) and the batch processor the OTEL_BSP_* ones.
 */
import { hostname } from 'node:os';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Probes and scrapes would drown the traces of real requests. */
const UNTRACED_PATHS = /^\/(health\/|metrics(\?|$))/;

let provider: NodeTracerProvider | undefined;

/** `platform-<roles>` (`platform` for all parts in one process), unless OTEL_SERVICE_NAME says. */
export function serviceNameOf(env: NodeJS.ProcessEnv): string {
  if (env.OTEL_SERVICE_NAME) return env.OTEL_SERVICE_NAME;
  const roles = (env.APP_ROLES ?? 'all').replace(/\s+/g, '').replace(/,/g, '-');
  return !roles || roles === 'all' ? 'platform' : `platform-${roles}`;
}

export function startTracing(env: NodeJS.ProcessEnv): void {
  if (provider) return;
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        'service.name': serviceNameOf(env),
        'service.instance.id': `${hostname()}:${process.pid}`,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
  provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Sets the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? ''),
      }),
    ],
  });
}

/** Sends the spans still buffered (on shutdown). */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}
