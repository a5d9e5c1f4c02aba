/**
 * The platform's OpenAPI document (/docs-json) as test input: its operations, a JSON-schema
 * validator for documented responses (ajv), and example values built from the schemas.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { api } from '../../support/api.js';

const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (a: Ajv) => Ajv;

export type Schema = Record<string, any>;

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

export interface Operation {
  method: string;
  /** Path template, e.g. /api/v1/users/{user_id}. */
  path: string;
  summary: string;
  description: string;
  tags: string[];
  protected: boolean;
  params: Param[];
  /** Media type -> schema of the request body. */
  body?: { required: boolean; content: Record<string, Schema>; examples: unknown[] };
  responses: Record<string, { content?: Record<string, Schema> }>;
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, Schema> };
}

export async function loadDoc(): Promise<OpenApiDoc> {
  const res = await api('GET', '/docs-json');
  if (res.status !== 200) throw new Error(`/docs-json answered ${res.status}`);
  return (typeof res.body === 'string' ? JSON.parse(res.body) : res.body) as OpenApiDoc;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operations(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const o = item[method];
      if (!o) continue;
      const content: Record<string, Schema> = {};
      const examples: unknown[] = [];
      for (const [type, media] of Object.entries<any>(o.requestBody?.content ?? {})) {
        content[type] = media.schema ?? {};
        if (media.example !== undefined) examples.push(media.example);
        for (const ex of Object.values<any>(media.examples ?? {})) {
          if (ex && 'value' in ex) examples.push(ex.value);
        }
      }
      ops.push({
        method: method.toUpperCase(),
        path,
        summary: o.summary ?? '',
        description: o.description ?? '',
        tags: o.tags ?? [],
        protected: Array.isArray(o.security) && o.security.length > 0,
        params: [...(item.parameters ?? []), ...(o.parameters ?? [])],
        body: o.requestBody ? { required: !!o.requestBody.required, content, examples } : undefined,
        responses: Object.fromEntries(
          Object.entries<any>(o.responses ?? {}).map(([status, r]) => [
            status,
            {
              content: r.content
                ? Object.fromEntries(
                    Object.entries<any>(r.content).map(([t, m]) => [t, m.schema ?? {}]),
                  )
                : undefined,
            },
          ]),
        ),
      });
    }
  }
  return ops;
}

/** Resolves a local $ref (#/components/schemas/X). */
export function deref(doc: OpenApiDoc, schema: Schema | undefined, depth = 0): Schema {
  if (!schema) return {};
  if (schema.$ref && depth < 20) {
    const name = String(schema.$ref).split('/').pop()!;
    return deref(doc, doc.components?.schemas?.[name], depth + 1);
  }
  if (schema.allOf?.length === 1 && depth < 20) return deref(doc, schema.allOf[0], depth + 1);
  return schema;
}

/** A plausible valid value for a schema: its example, else the first enum, else by type. */
export function exampleOf(doc: OpenApiDoc, raw: Schema | undefined, depth = 0): unknown {
  const s = deref(doc, raw);
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (s.oneOf?.length || s.anyOf?.length) return exampleOf(doc, (s.oneOf ?? s.anyOf)[0], depth + 1);
  switch (s.type) {
    case 'string':
      return s.format === 'date-time' ? new Date().toISOString() : 'x'.repeat(s.minLength ?? 3);
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return depth > 4 ? [] : [exampleOf(doc, s.items, depth + 1)];
    default: {
      if (depth > 4 || !s.properties) return {};
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries<Schema>(s.properties)) {
        out[k] = exampleOf(doc, v, depth + 1);
      }
      return out;
    }
  }
}

/** The first example body an operation documents (or one built from its schema). */
export function exampleBody(doc: OpenApiDoc, op: Operation): unknown {
  if (!op.body) return undefined;
  if (op.body.examples.length) return op.body.examples[0];
  const schema = op.body.content['application/json'] ?? Object.values(op.body.content)[0];
  return exampleOf(doc, schema);
}

function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] =
        k === '$ref' && typeof x === 'string' && x.startsWith('#/') ? `doc${x}` : rewriteRefs(x);
    }
    return out;
  }
  return v;
}

/** Validators of documented JSON responses, by `METHOD path status`. */
export class ResponseValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor(private readonly doc: OpenApiDoc) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ components: doc.components ?? {} }, 'doc');
  }

  /**
   * undefined when the status is documented and the body matches; otherwise why not.
   * `noContent` statuses must have an empty body.
   */
  check(op: Operation, status: number, contentType: string, body: unknown, text: string) {
    const documented = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`];
    if (!documented) return `status ${status} is not documented`;
    if (status === 204) return text === '' ? undefined : '204 with a body';
    const content = documented.content;
    if (!content) return undefined; // documented without a schema
    const type = contentType.split(';')[0].trim();
    const schema =
      content[type] ?? (type.endsWith('json') ? content['application/json'] : undefined);
    if (!schema) return `content-type ${type} is not documented for ${status}`;
    const key = `${op.method} ${op.path} ${status} ${type}`;
    let validate = this.cache.get(key);
    if (validate === undefined) {
      validate = Object.keys(schema).length
        ? this.ajv.compile(rewriteRefs(schema) as Schema)
        : null;
      this.cache.set(key, validate);
    }
    if (!validate) return undefined;
    if (validate(body)) return undefined;
    return `body does not match the schema: ${this.ajv.errorsText(validate.errors)}`;
  }
}

/**
 * True when the operation documents this status with this media type: an error format an RFC
 * mandates instead of problem+json (OAuth's `{error, error_description}`, an HTML page).
 */
export function documentsMediaType(op: Operation, status: number, contentType: string): boolean {
  const type = contentType.split(';')[0].trim();
  return Boolean(type && op.responses[String(status)]?.content?.[type]);
}

/** Fills a path template. */
export function fillPath(op: Operation, values: Record<string, string>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? 'x');
}
