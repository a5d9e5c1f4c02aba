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
  if (code === 'CONNECTION_CLOSED' || code === 'DISCONNECT' || code === '503') {
    return ProblemException.fromWire(noHandlerProblem(pattern))!;
  }
  return new ProblemException(502, 'part-error', `The part answering "${pattern}" failed.`);
}
