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

const UNAVAILABLE_ERRORS = new Set([
  'ClosedConnectionError',
  'ConnectionError',
  'DrainingConnectionError',
  'NoResponders',
  'RequestError',
]);

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
  const code = (err as { code?: string })?.code;
  const name = (err as { name?: string })?.name ?? '';
  // The NATS client's own errors while the broker is unreachable: the part is unavailable,
  // not failing (503, not 502).
  if (
    code === 'CONNECTION_CLOSED' ||
    code === 'DISCONNECT' ||
    code === '503' ||
    UNAVAILABLE_ERRORS.has(name)
  ) {
    return ProblemException.fromWire(noHandlerProblem(pattern))!;
  }
  return new ProblemException(502, 'part-error', `The part answering "${pattern}" failed.`);
}
