import type { FastifyInstance } from 'fastify';

/**
 * On shutdown, in-flight requests finish but keep-alive connections cannot hold the process
 * open: once closing, every response says `Connection: close`, and connections that fall idle
 * are closed (Fastify's `forceCloseConnections: 'idle'` only closes those idle at the start).
 */
export function closeConnectionsOnShutdown(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('preClose', (done) => {
    closing = true;
    const server = fastify.server;
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
    done();
  });
}
