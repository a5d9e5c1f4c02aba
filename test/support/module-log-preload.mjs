// Preload for platform processes under test (node --import): appends every module specifier
// the process resolves whose name mentions OpenTelemetry (or our OTel code) to the file named
// by MODULE_LOG, so a test can tell whether any tracing code was loaded.
import { register } from 'node:module';

if (process.env.MODULE_LOG) {
  const hooks = `
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      if (/@opentelemetry|\\/tracing\\/otel-/.test(specifier)) {
        appendFileSync(${JSON.stringify(process.env.MODULE_LOG)}, specifier + '\\n');
      }
      return next(specifier, context);
    }`;
  register('data:text/javascript,' + encodeURIComponent(hooks));
}
