import { TimeoutError } from 'rxjs';
import { EmptyResponseException } from '@nestjs/microservices/errors/empty-response.exception.js';
import { ProblemException, type Problem } from '../errors/problem.js';

export function noHandlerProblem(pattern: string): Problem {
  return {
    type: 'https://platform.dev/problems/part-unavailable',
    title: 'Service Unavailable',
    status: 503,
    detail: `No part is answering "${pattern}" right now.`,
  };
}

/** Errors of the NATS client (@nats-io) when the broker cannot be reached, by name. */
const UNAVAILABLE_ERRORS = new Set([
  'ClosedConnectionError',
  'ConnectionError',
  'DrainingConnectionError',
  'NoResponders',
  'RequestError',
]);
/**
 * Nest's ClientNats rejects calls with a bare string while it reconnects ("Error: Connection
 * lost. Trying to reconnect...") and with Error("Connection closed") for calls pending when
 * it closes.
 */
const CONNECTION_LOST = /^(Error: )?Connection (lost|closed)\b/;

/** The broker is unreachable: the part is unavailable (503), not failing (502). */
function brokerUnreachable(err: unknown): boolean {
  if (typeof err === 'string') return CONNECTION_LOST.test(err);
  const { code, name, message } = (err ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  return (
    code === 'CONNECTION_CLOSED' ||
    code === 'DISCONNECT' ||
    code === 'ECONNREFUSED' ||
    code === '503' ||
    (typeof name === 'string' && UNAVAILABLE_ERRORS.has(name)) ||
    (typeof message === 'string' && CONNECTION_LOST.test(message))
  );
}

/** Turns whatever a call between parts failed with into the problem the caller should see. */
export function toProblemException(err: unknown, pattern: string): ProblemException {
  if (err instanceof ProblemException) return err;
  const fromWire = ProblemException.fromWire(err);
  if (fromWire) return fromWire;
  if (err instanceof TimeoutError) {
    return new ProblemException(504, 'part-timeout', `The part answering "${pattern}" timed out.`);
  }
  if (err instanceof EmptyResponseException) {
    return ProblemException.fromWire(noHandlerProblem(pattern))!;
  }
  if (brokerUnreachable(err)) return ProblemException.fromWire(noHandlerProblem(pattern))!;
  return new ProblemException(502, 'part-error', `The part answering "${pattern}" failed.`);
}
