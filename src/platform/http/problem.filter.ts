import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { throwError } from 'rxjs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { PROBLEM_BASE, titleFor, type FieldError, type Problem } from '../errors/problem.js';
import { PROBLEM_SCHEMA } from './api-problems.js';
import { toProblem } from './to-problem.js';

export const PROBLEM_JSON = 'application/problem+json';

const LIMITS = PROBLEM_SCHEMA.properties;
const ERROR_LIMITS = LIMITS.errors.items.properties;

/** `text` cut to `max` characters (code points), marked with an ellipsis when cut. */
function clip(text: unknown, max: number): unknown {
  if (typeof text !== 'string' || text.length <= max) return text;
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/**
 * The HTTP body of a problem, held to the limits the OpenAPI document states: a message
 * built from client input (an unknown field's name, a long path) never makes it longer.
 */
function problemBody(problem: Problem, req: FastifyRequest): Problem {
  const body: Problem = {
    ...problem,
    type: clip(problem.type, LIMITS.type.maxLength) as string,
    title: clip(problem.title, LIMITS.title.maxLength) as string,
    detail: clip(problem.detail, LIMITS.detail.maxLength) as string | undefined,
    instance: clip(req.url?.split('?')[0], LIMITS.instance.maxLength),
    request_id: req.id,
  };
  if (body.detail === undefined) delete body.detail;
  if (Array.isArray(problem.errors)) {
    body.errors = problem.errors
      .slice(0, LIMITS.errors.maxItems)
      .map((e: FieldError): FieldError => ({
        field: clip(e.field, ERROR_LIMITS.field.maxLength) as string,
        message: clip(e.message, ERROR_LIMITS.message.maxLength) as string,
      }));
  }
  return body;
}

/**
 * The single exception filter. Over HTTP it writes RFC 9457 problem+json; in a message handler
 * it turns the error into a plain problem object that crosses the transport unchanged.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost) {
    const { problem, headers, unexpected } = toProblem(exception);
    if (unexpected) {
      this.logger.error(
        {
          req: { id: requestIdOf(host) },
          err:
            exception instanceof Error
              ? { message: exception.message, stack: exception.stack }
              : exception,
        },
        'unexpected error',
      );
    }
    if (host.getType() === 'rpc') {
      return throwError(() => (Object.keys(headers).length ? { ...problem, headers } : problem));
    }
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent) return;
    reply
      .status(problem.status)
      .headers(headers)
      .header('content-type', PROBLEM_JSON)
      .send(problemBody(problem, req));
  }
}

/** The id of the request an error belongs to: the HTTP request's, or the one a message carries. */
function requestIdOf(host: ArgumentsHost): string | undefined {
  if (host.getType() === 'http') return String(host.switchToHttp().getRequest<FastifyRequest>().id);
  if (host.getType() !== 'rpc') return undefined;
  const data: unknown = host.switchToRpc().getData();
  const id = (data as { meta?: { requestId?: unknown } } | null)?.meta?.requestId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Fastify's `frameworkErrors`: errors raised while routing (bad percent-encoding, a path
 * parameter too long), before Nest and its filter see the request, as problem+json too.
 */
export function frameworkErrorProblem(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const { problem } = toProblem(err);
  void reply
    .status(problem.status)
    .header('content-type', PROBLEM_JSON)
    .send(problemBody(problem, req));
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses (headers too large,
 * malformed request line) get a problem+json answer too, then the connection closes.
 */
export function clientErrorProblem(err: Error & { code?: string }, socket: Socket) {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify({
    type: PROBLEM_BASE + (status === 431 ? 'headers-too-large' : 'bad-request'),
    title: titleFor(status),
    status,
    detail:
      status === 431 ? 'The request line or headers are too large.' : 'Malformed HTTP request.',
    request_id: randomUUID(),
  });
  socket.end(
    `HTTP/1.1 ${status} ${titleFor(status)}\r\nContent-Type: ${PROBLEM_JSON}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
