import { ConfigError } from './platform/config/load-config.js';
import { startApp } from './platform/bootstrap/create-app.js';
import { PARTS } from './parts.js';

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
