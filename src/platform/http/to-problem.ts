import { HttpException } from '@nestjs/common';
import { ProblemException, titleFor, PROBLEM_BASE, type Problem } from '../errors/problem.js';

// Fastify's own errors for bad input, mapped to what a client should see.
const FASTIFY_CODES: Record<string, { status: number; slug: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    slug: 'body-too-large',
    detail: 'The request body is too large.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    slug: 'unsupported-media-type',
    detail: 'This content type is not accepted here.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    slug: 'invalid-json',
    detail: 'The JSON body is empty.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    slug: 'invalid-json',
    detail: 'The body is not valid JSON.',
  },
  FST_ERR_BAD_URL: {
    status: 400,
    slug: 'bad-request',
    detail: 'The URL is not valid (bad percent-encoding).',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    slug: 'uri-too-long',
    detail: 'A path segment of the URL is too long.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    slug: 'bad-request',
    detail: 'Content-Length does not match the body.',
  },
};

export interface MappedError {
  problem: Problem;
  headers: Record<string, string>;
  /** True for failures that are ours (5xx not caused by a dependency): logged with stack. */
  unexpected: boolean;
}

/** Any thrown value to a problem. Never leaks a message, stack or SQL of an unexpected error. */
export function toProblem(err: unknown): MappedError {
  if (err instanceof ProblemException) {
    return { problem: { ...err.problem }, headers: err.headers, unexpected: false };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const message =
      typeof body === 'string'
        ? body
        : Array.isArray((body as { message?: unknown }).message)
          ? (body as { message: string[] }).message.join('; ')
          : ((body as { message?: string }).message ?? titleFor(status));
    return {
      problem: {
        type: status === 404 ? PROBLEM_BASE + 'not-found' : PROBLEM_BASE + slugOf(status),
        title: titleFor(status),
        status,
        detail: status >= 500 ? 'The server could not complete the request.' : message,
      },
      headers: {},
      unexpected: status >= 500,
    };
  }
  const e = err as { code?: string; statusCode?: number; message?: string };
  const known = e?.code ? FASTIFY_CODES[e.code] : undefined;
  if (known) {
    return {
      problem: {
        type: PROBLEM_BASE + known.slug,
        title: titleFor(known.status),
        status: known.status,
        detail: known.detail,
      },
      headers: {},
      unexpected: false,
    };
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      problem: {
        type: PROBLEM_BASE + slugOf(e.statusCode),
        title: titleFor(e.statusCode),
        status: e.statusCode,
        detail: titleFor(e.statusCode),
      },
      headers: {},
      unexpected: false,
    };
  }
  if (isConnectionFailure(err)) {
    return {
      problem: {
        type: PROBLEM_BASE + 'dependency-unavailable',
        title: titleFor(503),
        status: 503,
        detail: 'A service the platform depends on is unavailable. Retry later.',
      },
      headers: { 'Retry-After': '5' },
      unexpected: false,
    };
  }
  return {
    problem: {
      type: PROBLEM_BASE + 'internal-error',
      title: titleFor(500),
      status: 500,
      detail: 'The server could not complete the request.',
    },
    headers: {},
    unexpected: true,
  };
}

function slugOf(status: number): string {
  return titleFor(status)
    .toLowerCase()
    .replace(/[^a-z]+/g, '-');
}

// Network errors and PostgreSQL's connection / shutdown SQLSTATEs (class 08, 57P01-57P03).
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);
const CONNECTION_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i;

/** A dependency (database) cannot be reached: 503, not a 500 of ours. */
function isConnectionFailure(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown };
  const candidates = [e, e?.driverError as typeof e].filter(Boolean);
  return candidates.some((c) => {
    const code = typeof c.code === 'string' ? c.code : '';
    return (
      CONNECTION_CODES.has(code) ||
      /^08|^57P0[123]$/.test(code) ||
      (typeof c.message === 'string' && CONNECTION_MESSAGE.test(c.message))
    );
  });
}
