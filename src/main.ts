// Tracing starts before anything else is loaded (its HTTP instrumentation must patch node:http
// before Fastify requires it), and only with a collector configured: otherwise no
// OpenTelemetry code is loaded at all.
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  const { startTracing } = await import('./platform/tracing/otel-sdk.js');
  startTracing(process.env);
}
const { ConfigError } = await import('./platform/config/load-config.js');
const { startApp } = await import('./platform/bootstrap/create-app.js');
const { PARTS } = await import('./parts.js');

try {
  const { config, url } = await startApp(PARTS);
  const what = config.runs('gateway')
    ? `API on ${url}/api/v1, docs on ${url}/docs`
    : `health on ${url}`;
  process.stdout.write(
    JSON.stringify({
      level: 30,
      time: Date.now(),
      msg: `platform ready (${config.roles.join(',')}): ${what}`,
    }) + '\n',
  );
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`platform failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
}
