import { applyDecorators } from '@nestjs/common';
import {
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  type ApiPropertyOptions,
} from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export interface TextFieldOptions {
  /** Longest accepted value, in characters (documented as `maxLength`, enforced as such). */
  max: number;
  /** Shortest accepted value (default: no lower bound). */
  min?: number;
  /** Documented as `pattern`, enforced with `Matches`. */
  pattern?: RegExp;
  /** The validation message when `pattern` does not match. */
  patternMessage?: string;
  /** The validation message when the length is out of bounds. */
  lengthMessage?: string;
  /** The field may be left out (and, with `nullable`, be null). */
  optional?: boolean;
}

type Doc = Omit<ApiPropertyOptions, 'type' | 'required' | 'maxLength' | 'minLength' | 'pattern'>;

/**
 * A string field of a request DTO whose OpenAPI limits are the enforced ones: one place sets
 * `maxLength`/`minLength`/`pattern` in the document and the class-validator rules that check
 * them, so the two cannot drift apart. Other validators (`IsEmail`, transforms) stack on top.
 */
export function TextField(options: TextFieldOptions & Doc): PropertyDecorator {
  const { max, min, pattern, patternMessage, lengthMessage, optional, ...doc } = options;
  const documented = {
    type: String,
    ...doc,
    maxLength: max,
    ...(min !== undefined ? { minLength: min } : {}),
    ...(pattern ? { pattern: pattern.source } : {}),
  } as ApiPropertyOptions;
  return applyDecorators(
    optional ? ApiPropertyOptional(documented) : ApiProperty(documented),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Length(min ?? 0, max, lengthMessage ? { message: lengthMessage } : {}),
    ...(pattern ? [Matches(pattern, patternMessage ? { message: patternMessage } : {})] : []),
  );
}

/** Ids the platform makes (`newId`): a lower-case prefix, `_`, then 10 to 40 of [0-9a-z]. */
export const ID_MAX_LENGTH = 48;
export const idPattern = (prefix: string) => `^${prefix}_[0-9a-z]{10,40}$`;

/** Documentation of an id field in a response (`usr_…`, `pay_…`). */
export const apiId = (prefix: string, example: string): ApiPropertyOptions => ({
  type: String,
  example,
  maxLength: ID_MAX_LENGTH,
  pattern: idPattern(prefix),
});

/** Documentation of an RFC 3339 timestamp in a response. */
export const apiDateTime = (example: string): ApiPropertyOptions => ({
  type: String,
  format: 'date-time',
  maxLength: 40,
  example,
});

/** Documentation of an ISO 4217 currency code in a response. */
export const apiCurrency = (example = 'EUR'): ApiPropertyOptions => ({
  type: String,
  pattern: '^[A-Z]{3}$',
  minLength: 3,
  maxLength: 3,
  example,
});

/**
 * A path parameter holding an id of the platform. An id that does not match is not found
 * (404), exactly as an unknown one: ids are opaque to callers.
 */
export function ApiIdParam(name: string, prefix: string, example: string, description?: string) {
  return ApiParam({
    name,
    example,
    description: description ?? `An id (${prefix}_…)`,
    schema: { type: 'string', maxLength: ID_MAX_LENGTH, pattern: idPattern(prefix) },
  });
}
