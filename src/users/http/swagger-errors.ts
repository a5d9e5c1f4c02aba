import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ProblemDto } from './dto/user-responses.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (unknown fields, wrong types); `errors[]` names each field',
  401: 'Missing, invalid or revoked access token',
  403: 'Not allowed (admin route, or re-authentication failed)',
  404: 'No such user, or one you may not see (indistinguishable)',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported content type',
  429: 'Too many attempts; see Retry-After',
  503: 'A part needed for the answer is unavailable; retry later',
};

/** Documents the problem+json answers of a route. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
        },
      }),
    ),
  );
}

export { ProblemDto };
