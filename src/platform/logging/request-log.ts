import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { scrubSecrets } from './redaction.js';

/**
 * One line per answered request, written when the response is done: request id (the one the
 * client sees in X-Request-Id), method, URL (secret query parameters and card numbers
 * masked), status and duration. No headers and no bodies, so nothing else needs redacting.
 */
export function installRequestLog(fastify: FastifyInstance, log: Logger): void {
  if (!log.isLevelEnabled('info')) return;
  fastify.addHook('onResponse', (req, reply, done) => {
    log.info(
      {
        req: { id: req.id, method: req.method, url: scrubSecrets(req.url) },
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime * 1000) / 1000,
      },
      'request completed',
    );
    done();
  });
}
