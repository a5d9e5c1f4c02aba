/**
 * The OpenAPI document at /docs-json, linted with Spectral's OpenAPI rules and the OWASP API
 * Security Top 10 ruleset (.spectral.mjs, both from node_modules) with zero errors, and the
 * facts every operation must document: request and response schemas, problem+json errors,
 * the bearer scheme.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { api } from '../support/api.js';

const ROOT = resolve(process.cwd());

interface Finding {
  code: string;
  message: string;
  path: (string | number)[];
  severity: number;
}

function lint(doc: unknown): Finding[] {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/@stoplight/spectral-cli/dist/index.js'),
        'lint',
        file,
        '--ruleset',
        join(ROOT, '.spectral.mjs'),
        '--format',
        'json',
        '--output',
        join(dir, 'out.json'),
        '--fail-severity',
        'error',
        '--quiet',
      ],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    if (r.error) throw r.error;
    const text = readFileSync(join(dir, 'out.json'), 'utf8');
    return JSON.parse(text) as Finding[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where an RFC mandates another error format, the document says so instead of problem+json:
 * the OAuth 2.0 token, revocation and introspection endpoints answer RFC 6749 §5.2 errors
 * (`{error, error_description}` as application/json), and the authorization endpoint shows an
 * error that cannot go back to the client as an HTML page to the user (RFC 6749 §4.1.2.1).
 */
const RFC_ERROR_MEDIA: Record<string, string> = {
  '/api/v1/oauth/token': 'application/json',
  '/api/v1/oauth/revoke': 'application/json',
  '/api/v1/oauth/introspect': 'application/json',
  '/api/v1/oauth/authorize': 'text/html',
};
/** RFC 7009: a revocation answers 200 with an empty body. */
const EMPTY_2XX = new Set(['POST /api/v1/oauth/revoke 200']);

describe(`OpenAPI document (${process.env.E2E_MODE} mode)`, () => {
  it('passes the Spectral OpenAPI and OWASP rulesets with zero errors', async () => {
    const doc = await api('GET', '/docs-json');
    expect(doc.status).toBe(200);
    const findings = lint(doc.body);
    expect(findings.some((f) => f.code === 'unrecognized-format')).toBe(false);
    const errors = findings.filter((f) => f.severity === 0);
    expect(errors.map((f) => `${f.code} ${f.path.join('.')}: ${f.message}`)).toEqual([]);
  }, 180_000);

  it('documents every operation: schemas, problem+json errors, the bearer scheme', async () => {
    const { body: doc } = await api('GET', '/docs-json');
    const problems: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!op.summary || !op.description) problems.push(`${where}: summary and description`);
        for (const media of Object.values<any>(op.requestBody?.content ?? {})) {
          if (!media.schema) problems.push(`${where}: request body without a schema`);
        }
        for (const param of op.parameters ?? []) {
          if (!param.schema) problems.push(`${where}: parameter ${param.name} without a schema`);
        }
        const security = op.security ?? doc.security;
        const secured = security.some((s: object) => Object.keys(s).length > 0);
        const tokenRequired = !security.some((s: object) => Object.keys(s).length === 0);
        if (secured && !Object.keys(security[0]).some((k) => k === 'bearer' || k === 'adminBearer'))
          problems.push(`${where}: not the bearer scheme`);
        if (tokenRequired && !op.responses['401']) problems.push(`${where}: no 401`);
        for (const [status, res] of Object.entries<any>(op.responses)) {
          const content = res.content ?? {};
          const types = Object.keys(content);
          if (Number(status) >= 400) {
            const problem = content['application/problem+json']?.schema;
            const allowed = ['application/problem+json', RFC_ERROR_MEDIA[path]];
            if (
              !types.length ||
              types.some((t) => !allowed.includes(t) || !content[t].schema) ||
              (problem && problem.$ref !== '#/components/schemas/Problem')
            )
              problems.push(`${where} ${status}: not problem+json (${types.join(', ')})`);
          } else if (/^2/.test(status) && !['202', '204'].includes(status)) {
            if (!types.length && !EMPTY_2XX.has(`${where} ${status}`))
              problems.push(`${where} ${status}: no response schema`);
          }
        }
        for (const status of ['400', '429', '431', '500', '502', '503', '504'])
          if (!op.responses[status]) problems.push(`${where}: no ${status}`);
        if (op.requestBody && !op.responses['413']) problems.push(`${where}: no 413`);
      }
    }
    expect(problems).toEqual([]);
    expect(doc.components.schemas.Problem.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'request_id']),
    );
  }, 60_000);

  it('declares the platform-wide facts: servers, schemes, problem errors and limit headers', async () => {
    const { body: doc } = await api('GET', '/docs-json');
    expect(doc.servers[0]).toMatchObject({ url: '/', 'x-internal': false });
    expect(doc.components.securitySchemes.bearer.description).toMatch(/RFC8725/);
    expect(doc.tags.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['auth', 'users', 'payments', 'analytics']),
    );
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        expect([path, (op.security ?? doc.security)?.length > 0]).toEqual([path, true]);
        const tooMany = op.responses['429'];
        expect([path, tooMany?.content?.['application/problem+json']]).toEqual([
          path,
          expect.anything(),
        ]);
        expect(tooMany.headers['Retry-After']).toBeDefined();
        for (const [status, res] of Object.entries<any>(op.responses)) {
          if (res.$ref) continue;
          expect([path, status, Object.keys(res.headers ?? {})]).toEqual([
            path,
            status,
            expect.arrayContaining(['RateLimit', 'RateLimit-Policy']),
          ]);
        }
      }
    }
  }, 60_000);
});
