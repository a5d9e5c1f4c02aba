import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { validationProblem, type FieldError } from '../errors/problem.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith('property ') ? `unknown field "${e.property}"` : message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Deeper input is refused before class-transformer recurses into it (stack overflow). */
export const MAX_INPUT_DEPTH = 32;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a request value cannot be validated safely, or undefined: nesting deeper than
 * MAX_INPUT_DEPTH, a string (value or key) with an unpaired surrogate (validator.js throws
 * URIError on those) or a NUL character (PostgreSQL refuses it).
 */
export function unsafeInput(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return 'holds a NUL character';
    return LONE_SURROGATE.test(value) ? 'holds text that is not valid Unicode' : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_INPUT_DEPTH) return `nests deeper than ${MAX_INPUT_DEPTH} levels`;
  for (const [k, v] of Object.entries(value)) {
    const why = unsafeInput(k, depth) ?? unsafeInput(v, depth + 1);
    if (why) return why;
  }
  return undefined;
}

class SafeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const why = unsafeInput(value);
      if (why) {
        throw validationProblem([
          { field: metadata.data ?? metadata.type, message: `the ${metadata.type} ${why}` },
        ]);
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * Global validation: unknown fields are rejected (no mass assignment), types are checked,
 * and every error lists the offending field. Input too deep or not valid Unicode is a 400
 * before any of that runs.
 */
export function createValidationPipe(): ValidationPipe {
  return new SafeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flatten(errors)),
  });
}
