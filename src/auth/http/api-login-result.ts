import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { TokenPairResponse } from './dto/auth-responses.dto.js';
import { MfaChallengeResponse } from './dto/mfa.dto.js';

/** Documents a sign-in answer: the token pair, or the second-factor challenge. */
export function ApiLoginResult() {
  return applyDecorators(
    ApiExtraModels(TokenPairResponse, MfaChallengeResponse),
    ApiOkResponse({
      description: 'Tokens, or a second-factor challenge',
      schema: {
        oneOf: [
          { $ref: getSchemaPath(TokenPairResponse) },
          { $ref: getSchemaPath(MfaChallengeResponse) },
        ],
      },
    }),
  );
}
