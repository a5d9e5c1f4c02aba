import { HttpException } from '@nestjs/common';

/** One invalid field, as listed in a validation problem. */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error the platform returns. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  /** Extra members such as `retry_after` go here and are copied to the body. */
  [extension: string]: unknown;
}

export const PROBLEM_BASE = 'https://platform.dev/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Error');
}

/**
 * The one exception every part throws for an expected failure. It carries a full problem,
 * crosses the transport unchanged and becomes the HTTP answer at the gateway.
 */
export class ProblemException extends HttpException {
  readonly problem: Problem;
  /** Extra HTTP headers for the answer (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    slug: string,
    detail?: string,
    extra: Partial<Problem> & { headers?: Record<string, string> } = {},
  ) {
    const { headers, ...rest } = extra;
    const problem: Problem = {
      type: slug.startsWith('http') || slug === 'about:blank' ? slug : PROBLEM_BASE + slug,
      title: rest.title ?? titleFor(status),
      status,
      ...(detail !== undefined ? { detail } : {}),
      ...rest,
    };
    super(problem, status);
    this.problem = problem;
    this.headers = headers ?? {};
  }

  static fromWire(value: unknown): ProblemException | undefined {
    if (!value || typeof value !== 'object') return undefined;
    const v = value as Partial<Problem> & { headers?: Record<string, string> };
    if (typeof v.status !== 'number' || typeof v.type !== 'string') return undefined;
    const { type, status, detail, headers, ...rest } = v;
    return new ProblemException(status, type, detail, { ...rest, headers });
  }

  /** The form sent over the transport. */
  toWire(): Problem & { headers?: Record<string, string> } {
    return Object.keys(this.headers).length
      ? { ...this.problem, headers: this.headers }
      : { ...this.problem };
  }
}

export const notFound = (what = 'Resource', detail?: string) =>
  new ProblemException(404, 'not-found', detail ?? `${what} not found.`);

export const validationProblem = (errors: FieldError[], detail = 'The request is invalid.') =>
  new ProblemException(400, 'validation-error', detail, { title: 'Validation failed', errors });
