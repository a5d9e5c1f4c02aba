import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** RFC 9457 problem details, the body of every error (`components.schemas.Problem`). */
export const PROBLEM_SCHEMA = {
  type: 'object',
  description:
    'RFC 9457 problem details (`application/problem+json`). Some problems add members, ' +
    'such as `retry_after` or `attempts_remaining`.',
  required: ['type', 'title', 'status', 'request_id'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      maxLength: 200,
      example: 'https://platform.dev/problems/rate-limited',
    },
    title: { type: 'string', maxLength: 100, example: 'Too Many Requests' },
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 429 },
    detail: { type: 'string', maxLength: 1000, example: 'Too many requests. Retry in 12 s.' },
    instance: { type: 'string', maxLength: 2048, example: '/api/v1/auth/login' },
    request_id: {
      type: 'string',
      maxLength: 128,
      example: '0b8f5e8e-4f0e-4a57-9a43-3f1c2d1e9b10',
    },
    retry_after: {
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 172800,
      description: 'With 429 and some 503: seconds to wait (as `Retry-After`).',
      example: 12,
    },
    errors: {
      type: 'array',
      maxItems: 100,
      description: 'Validation errors, one per offending field.',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', maxLength: 200, example: 'email' },
          message: { type: 'string', maxLength: 500, example: 'email must be an email' },
        },
      },
    },
  },
};

export const PROBLEM_REF = '#/components/schemas/Problem';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `errors[]` names each offending field',
  401: 'Missing, invalid, expired or revoked credentials',
  402: 'The payment provider refused',
  403: 'Not allowed (a role or a re-authentication is missing)',
  404: 'Not found, or not yours to see (indistinguishable)',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Understood but not processable',
  429: 'Too many requests or attempts (see `Retry-After`)',
  502: 'An upstream provider or a part failed',
  503: 'A part needed for the answer is unavailable; retry later',
};

/** Documents one problem+json answer of a route, with a description of its own. */
export function ApiProblem(status: number, description?: string) {
  return ApiResponse({
    status,
    description: description ?? DESCRIPTIONS[status] ?? 'Error',
    content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
  });
}

/** Documents the problem+json answers of a route (the gateway adds its own: 429, 500, ...). */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(...statuses.map((status) => ApiProblem(status)));
}
