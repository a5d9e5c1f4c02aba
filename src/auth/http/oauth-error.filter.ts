import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { oauthErrorOf } from '../../contracts/auth/oauth-errors.js';
import { ProblemFilter } from '../../platform/http/problem.filter.js';
import { toProblem } from '../../platform/http/to-problem.js';

/** The headers every answer of the token, revocation and introspection endpoints carries. */
export function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/**
 * Errors of the OAuth endpoints in RFC 6749 §5.2 form: `{error, error_description}` as
 * application/json, with the status and headers the error carries (401 + WWW-Authenticate for
 * invalid_client). Bad input the platform refuses before the handler (a 400 validation
 * problem) is `invalid_request`. Failures of the platform itself (429, 5xx) stay problem+json.
 */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  private readonly problems = new ProblemFilter();

  catch(exception: unknown, host: ArgumentsHost) {
    const { problem, headers } = toProblem(exception);
    const code = oauthErrorOf(problem) ?? (problem.status === 400 ? 'invalid_request' : undefined);
    if (!code) return this.problems.catch(exception, host);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    const field = problem.errors?.[0];
    const description = field ? `${field.field}: ${field.message}` : (problem.detail ?? code);
    noStore(reply);
    reply
      .status(problem.status)
      .headers(headers)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: code, error_description: asciiDescription(description) });
  }
}

/** RFC 6749 §5.2: error_description holds only %x20-21 / %x23-5B / %x5D-7E. */
export function asciiDescription(text: string): string {
  return text
    .replace(/["\\]/g, "'")
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 500);
}
