import type { FastifyInstance } from 'fastify';

/**
 * Work the gateway part adds to the HTTP server before any route runs (rate limits). The
 * gateway module provides it; the bootstrap installs it on gateway processes only.
 */
export abstract class HttpEdgeHook {
  abstract install(fastify: FastifyInstance): void;
}
