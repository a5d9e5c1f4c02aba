// Container HEALTHCHECK (the slim image has no curl): GET /health/live on the port this
// process serves: PORT when it runs the gateway (APP_ROLES=all or gateway), HEALTH_PORT
// otherwise. Exit code 0 on HTTP 200, 1 otherwise.
//
// `node docker/healthcheck.mjs /health/ready` checks another path and prints the body, e.g.
// the readiness details naming the dependency that is down (database, kv, part:<name>).
import http from 'node:http';

const roles = (process.env.APP_ROLES || 'all').split(',').map((r) => r.trim());
const servesGateway = roles.includes('all') || roles.includes('gateway');
const port = Number(servesGateway ? process.env.PORT || 8000 : process.env.HEALTH_PORT || 8081);
const path = process.argv[2] || '/health/live';
const verbose = process.argv.length > 2;

const req = http.get({ host: '127.0.0.1', port, path, timeout: 4000 }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    if (verbose) process.stdout.write(`${res.statusCode} ${Buffer.concat(chunks).toString()}\n`);
    process.exit(res.statusCode === 200 ? 0 : 1);
  });
});
req.on('timeout', () => {
  process.stderr.write(`healthcheck: ${path} on port ${port} timed out\n`);
  req.destroy();
  process.exit(1);
});
req.on('error', (err) => {
  process.stderr.write(`healthcheck: ${path} on port ${port}: ${err.message}\n`);
  process.exit(1);
});
