import { validationProblem } from '../../platform/errors/index.js';
import {
  createValidationPipe,
  MAX_INPUT_DEPTH,
  unsafeInput,
} from '../../platform/http/validation.js';
import { IngestBatchDto } from './dto/ingest.dto.js';

export interface BodyRequest {
  body?: unknown;
  rawBody?: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

const pipe = createValidationPipe();
const BODY = { type: 'body', metatype: IngestBatchDto, data: undefined } as const;
const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when objects or arrays nest MAX_INPUT_DEPTH levels or more (as the pipe counts). */
function tooDeep(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= MAX_INPUT_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (tooDeep(v, depth + 1)) return true;
  } else {
    for (const k in value) {
      if (tooDeep((value as Record<string, unknown>)[k], depth + 1)) return true;
    }
  }
  return false;
}

/**
 * The route takes the body from the request, so the global validation pipe leaves it alone: that
 * pipe would copy and walk all 500 events (class-transformer, proto-key stripping, a string
 * scan) only to check the top level. This checks a batch request as the pipe would (the same
 * 400s, word for word):
 * input too deep, with a NUL character or a lone surrogate; then the top level against
 * IngestBatchDto. Events are left to the analytics part, which checks each on its own.
 *
 * JSON can only carry a NUL or a lone surrogate as a `\u` escape, so the string scan runs only
 * when the raw JSON holds one. The top level is validated with the events array stood in for
 * by one of the same length (its elements are not validated by the DTO) and other values by
 * null (only their names matter: they are unknown fields).
 */
export async function checkBatch(req: BodyRequest): Promise<unknown[]> {
  const body = req.body;
  const type = req.headers['content-type'];
  const json = typeof type === 'string' && JSON_TYPE.test(type) && req.rawBody !== undefined;
  const why =
    json && !req.rawBody!.includes('\\u')
      ? tooDeep(body, 0)
        ? `nests deeper than ${MAX_INPUT_DEPTH} levels`
        : undefined
      : unsafeInput(body);
  if (why) throw validationProblem([{ field: 'body', message: `the body ${why}` }]);
  if (!isPlainObject(body)) {
    await pipe.transform(body, BODY);
    return [];
  }
  const standIn: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    const v = body[key];
    standIn[key] =
      key !== 'events' ? null : Array.isArray(v) ? new Array<null>(v.length).fill(null) : v;
  }
  if (isPlainObject(standIn.events)) standIn.events = {};
  await pipe.transform(standIn, BODY);
  return body.events as unknown[];
}
