/**
 * Fuzzing from the OpenAPI document: fast-check generates requests for every documented
 * operation (wrong types, huge strings, deep JSON, unicode, `__proto__` keys, missing and
 * extra fields, broken JSON, wrong media types, odd path and query values) sent as anonymous,
 * member and admin callers. Rules: no 5xx; every error is problem+json with its status and
 * no internals (or the format an RFC mandates, as documented: OAuth errors, HTML pages);
 * every 2xx is documented and its body matches the documented schema.
 *
 * RELIABILITY_FUZZ_RUNS (default 10000) and RELIABILITY_FUZZ_SEED pick the volume and the
 * seed; a violation names the seed and the request to replay it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { api, baseUrl, expectProblem, type ApiOptions } from '../support/api.js';
import { E2E_ADMIN } from '../support/platform-process.js';
import { login, registerAndLogin, type SignedInUser } from '../support/session.js';
import {
  deref,
  documentsMediaType,
  exampleOf,
  fillPath,
  loadDoc,
  operations,
  ResponseValidator,
  type OpenApiDoc,
  type Operation,
  type Schema,
} from './support/openapi.js';
import { recordFigures, recordSecrets } from './support/run.js';

const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.RELIABILITY_FUZZ_SEED ?? 20261125);
const CONCURRENCY = Number(process.env.RELIABILITY_FUZZ_CONCURRENCY ?? 8);

/**
 * Reported bugs (none open), each reproduced on its own by an `it.failing` test: their fuzzing
 * violations are counted in the figures but do not fail the run twice. Remove an entry (and
 * make its test a plain `it`) once fixed.
 */
const KNOWN_BUGS: { id: string; matches: (v: Violation) => boolean }[] = [];
/** Operations without input whose answer depends on load, not on the request. */
const SKIP = new Set(['GET /health/ready']);

type Actor = 'anon' | 'member' | 'admin';

/** Operations on the caller's own account, session or second factor. */
const ADMIN_SELF =
  /\/users\/me$|\/logout$|^DELETE \/api\/v1\/auth\/sessions|\/password\/change$|\/mfa(\/|$)/;

interface FuzzRequest {
  op: Operation;
  kind: string;
  actor: Actor;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const SPECIAL_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  '\u0000',
  'a\u0000b',
  '\u202e\u202d',
  '\ud800',
  '\udfff',
  '💥🔥'.repeat(50),
  'ｅｘａｍｐｌｅ＠ｅｘａｍｐｌｅ．ｃｏｍ',
  'Ω≈ç√∫˜µ≤≥÷',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  'user@example.com',
  'USER@EXAMPLE.COM ',
  'a@b',
  '@',
  'usr_00000000000000000000',
  'ses_00000000000000000000',
  'pay_00000000000000000000',
  '2026-01-01T00:00:00Z',
  '2026-13-45T99:99:99Z',
  '1970-01-01',
  'Europe/Paris',
  'Mars/Olympus_Mons',
  'day',
  'P1D',
  'true',
  'application/json',
  // Card numbers (test PANs): refused, and never logged (checked by the log scan).
  '4242424242424242',
  '4111 1111 1111 1111',
  '5555-5555-5555-4444',
];
const CARD_NUMBERS = [
  '4242424242424242',
  '4111 1111 1111 1111',
  '5555-5555-5555-4444',
  '4111111111111111',
  '5555555555554444',
];
/** Example passwords of the documented bodies: the fuzzer sends them in password fields. */
const EXAMPLE_PASSWORDS = ['SecurePass123!', 'correct horse battery staple', 'NewSecurePass456!'];

const polluted = () =>
  JSON.parse('{"__proto__":{"role":"admin","polluted":true},"constructor":{"prototype":{"x":1}}}');

const huge = fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'A'.repeat(n));
const weirdString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: huge },
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(Number.MAX_SAFE_INTEGER * 8),
  fc.constant(-0),
);

function valueFor(doc: OpenApiDoc, schema: Schema | undefined): fc.Arbitrary<unknown> {
  const s = deref(doc, schema);
  const example = exampleOf(doc, s);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(example) },
    { weight: 2, arbitrary: weirdString },
    { weight: 2, arbitrary: wrongType },
    { weight: 1, arbitrary: fc.constant(null).map(polluted) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...(Array.isArray(s.enum) ? s.enum : [example]))
        .map((v) => (typeof v === 'string' ? v.toUpperCase() : v)),
    },
  );
}

/** An object shaped by the schema: each property present or not, fuzzed, plus extra keys. */
function objectFor(doc: OpenApiDoc, schema: Schema | undefined): fc.Arbitrary<unknown> {
  const s = deref(doc, schema);
  const props = Object.entries<Schema>(s.properties ?? {});
  const fields = props.map(([name, ps]) =>
    fc.option(valueFor(doc, ps), { nil: undefined, freq: 5 }).map((v) => [name, v] as const),
  );
  const extraKeys = fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          '__proto__',
          'constructor',
          'prototype',
          'role',
          'id',
          'is_admin',
          'user_id',
        ),
        fc.string({ maxLength: 12 }),
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...fields), fc.option(extraKeys, { freq: 3 })).map(([fs, extras]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of fs) if (v !== undefined) out[k] = v;
    for (const [k, v] of extras ?? []) {
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  });
}

const deepJson = fc
  .tuple(fc.integer({ min: 40, max: 3_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth));

const brokenJson = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":}',
    '{"a":1,}',
    "{'a':1}",
    '\ufeff{}',
    'nul',
    '[1,2',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '{"a":1}{"b":2}',
    '{"__proto__":',
    '1'.repeat(400),
    '{"a":1e999999}',
  ),
  fc.string({ maxLength: 60 }),
);

function bodyFor(
  doc: OpenApiDoc,
  op: Operation,
): fc.Arbitrary<{ kind: string; ct?: string; body?: string }> {
  const declared = op.body ? Object.keys(op.body.content) : [];
  const schema = op.body
    ? (op.body.content['application/json'] ?? Object.values(op.body.content)[0])
    : undefined;
  const ct = declared.length ? fc.constantFrom(...declared) : fc.constant('application/json');
  const options: fc.WeightedArbitrary<{ kind: string; ct?: string; body?: string }>[] = [
    {
      weight: op.body ? 12 : 1,
      arbitrary: fc.tuple(ct, objectFor(doc, schema)).map(([c, v]) => ({
        kind: 'schema',
        ct: c,
        body: JSON.stringify(v),
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(ct, fc.jsonValue({ maxDepth: 3 })).map(([c, v]) => ({
        kind: 'json-value',
        ct: c,
        body: JSON.stringify(v) ?? 'null',
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(ct, deepJson).map(([c, b]) => ({ kind: 'deep-json', ct: c, body: b })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(ct, brokenJson)
        .map(([c, b]) => ({ kind: 'broken-json', ct: c, body: b })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/json; charset=utf-16',
            'application/json; charset=latin1',
            'application/vnd.api+json',
            '*/*',
            'application/merge-patch+json',
          ),
          objectFor(doc, schema),
        )
        .map(([c, v]) => ({ kind: 'media-type', ct: c, body: JSON.stringify(v) })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'no-body' }) },
    { weight: 1, arbitrary: ct.map((c) => ({ kind: 'empty-body', ct: c, body: '' })) },
    {
      weight: 1,
      // Just over BODY_LIMIT_BYTES (1 MiB), one time in four: the transfer is the costly part.
      arbitrary: fc
        .tuple(fc.integer({ min: 1_048_600, max: 1_060_000 }), fc.integer({ min: 0, max: 3 }))
        .chain(([n, pick]) =>
          ct.map((c) =>
            pick === 0
              ? { kind: 'oversized', ct: c, body: JSON.stringify({ a: 'x'.repeat(n) }) }
              : { kind: 'empty-object', ct: c, body: '{}' },
          ),
        ),
    },
  ];
  if (!op.body) {
    // Operations without a body mostly get none; sometimes one anyway.
    options.push({ weight: 14, arbitrary: fc.constant({ kind: 'no-body' }) });
  }
  return fc.oneof(...options);
}

/** Percent-encodes any string, lone surrogates included (as U+FFFD). */
const enc = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

function pathValue(doc: OpenApiDoc, schema: Schema | undefined, example: unknown) {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constant(String(example ?? exampleOf(doc, schema) ?? 'x')).map(enc),
    },
    { weight: 3, arbitrary: weirdString.filter((s) => s.length < 20_000).map(enc) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '%00',
        '%ZZ',
        '%',
        '%252e',
        'a%2Fb',
        '~',
        '%E2%80%AE',
      ),
    },
  );
}

function queryFor(doc: OpenApiDoc, op: Operation): fc.Arbitrary<string> {
  const qs = op.params.filter((p) => p.in === 'query');
  const vals = qs.map((p) =>
    fc.option(
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(p.example ?? exampleOf(doc, p.schema)) },
        { weight: 3, arbitrary: weirdString.filter((s) => s.length < 8_000) },
        {
          weight: 1,
          arbitrary: fc.array(fc.constantFrom('1', 'a', '-5', '1e9'), {
            minLength: 2,
            maxLength: 3,
          }),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom('-1', '0', '1e9', '99999999999999999999', 'NaN', '', '1.5'),
        },
      ),
      { freq: 3 },
    ),
  );
  const extra = fc.option(
    fc.tuple(
      fc.constantFrom('__proto__[role]', 'constructor', 'foo', 'limit[]', 'a'.repeat(300)),
      fc.string({ maxLength: 10 }),
    ),
    { freq: 4 },
  );
  return fc.tuple(fc.tuple(...vals), extra).map(([vs, ex]) => {
    const q = new URLSearchParams();
    vs.forEach((v, i) => {
      if (v === null || v === undefined) return;
      if (Array.isArray(v)) for (const x of v) q.append(qs[i].name, String(x));
      else q.append(qs[i].name, typeof v === 'object' ? JSON.stringify(v) : String(v));
    });
    if (ex) q.append(ex[0], ex[1]);
    const s = q.toString();
    return s ? `?${s}` : '';
  });
}

function requestFor(doc: OpenApiDoc, op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const pathArb = fc
    .tuple(...pathParams.map((p) => pathValue(doc, p.schema, p.example)))
    .map((vals) => fillPath(op, Object.fromEntries(pathParams.map((p, i) => [p.name, vals[i]]))));
  // The bootstrap admin never runs operations on its own account or session: with another
  // admin created by the fuzzing, DELETE /users/me would legitimately delete it.
  const actor: fc.Arbitrary<Actor> = op.protected
    ? ADMIN_SELF.test(`${op.method} ${op.path}`)
      ? fc.constantFrom<Actor>('member', 'member', 'anon')
      : fc.constantFrom<Actor>('member', 'member', 'member', 'member', 'admin', 'anon')
    : fc.constantFrom<Actor>('anon', 'anon', 'anon', 'member');
  const header = fc.option(
    fc.constantFrom<[string, string]>(
      ['x-request-id', 'r'.repeat(5000)],
      ['x-request-id', '../\r\\"<>'.replace(/[\r\n]/g, '')],
      ['accept', 'application/xml'],
      ['accept-encoding', 'gzip, br, deflate'],
      ['x-forwarded-for', '1.2.3.4, 5.6.7.8'],
      ['content-length', '0'],
      ['transfer-encoding', 'chunked'],
    ),
    { freq: 5 },
  );
  return fc
    .tuple(pathArb, queryFor(doc, op), bodyFor(doc, op), actor, header)
    .map(([p, q, b, a, h]) => {
      const headers: Record<string, string> = {};
      // fetch cannot send a body with GET or HEAD.
      if (op.method === 'GET' || op.method === 'HEAD') b = { kind: 'no-body' };
      if (b.ct) headers['content-type'] = b.ct;
      if (h && h[0] !== 'content-length' && h[0] !== 'transfer-encoding') headers[h[0]] = h[1];
      return { op, kind: b.kind, actor: a, path: p + q, headers, body: b.body };
    });
}

// --- callers -------------------------------------------------------------------------------

const members: SignedInUser[] = [];
let adminAccess = '';

async function ensureCallers(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const m = members[i];
    if (m) {
      const res = await api('GET', '/api/v1/auth/sessions', { token: m.token });
      if (res.status === 200) continue;
      try {
        const t = await login(m.email, m.password);
        recordSecrets('token', [t.access_token, t.refresh_token]);
        members[i] = { ...m, ...t, token: t.access_token, tokens: t };
        continue;
      } catch {
        // deleted or disabled by the fuzzing itself: take a new member
      }
    }
    const fresh = await registerAndLogin({ tag: `fuzz${i}` });
    recordSecrets('password', [fresh.password]);
    recordSecrets('token', [fresh.access_token, fresh.refresh_token]);
    members[i] = fresh;
  }
  const check = adminAccess
    ? await api('GET', '/api/v1/auth/sessions', { token: adminAccess })
    : { status: 401 };
  if (check.status !== 200) {
    const t = await login(E2E_ADMIN.email, E2E_ADMIN.password);
    recordSecrets('token', [t.access_token, t.refresh_token]);
    adminAccess = t.access_token;
  }
}

// --- run -----------------------------------------------------------------------------------

const LEAK =
  /at [^\n]*\.(js|ts):\d+|\bSELECT\b.*\bFROM\b|\bINSERT INTO\b|node_modules|QueryFailedError|TypeError|ReferenceError/;

interface Violation {
  rule: string;
  request: string;
  status: number;
  response: string;
}

const statusCounts: Record<string, number> = {};
const kindCounts: Record<string, number> = {};
const perOperation: Record<string, number> = {};
const undocumented: Record<string, number> = {};
const violations: Violation[] = [];
let sent = 0;
let startedAt = 0;

function describeRequest(r: FuzzRequest): string {
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v}`)
    .join('; ');
  const body =
    r.body === undefined
      ? ''
      : r.body.length > 300
        ? `${r.body.slice(0, 300)}…(${r.body.length} chars)`
        : r.body;
  return `${r.op.method} ${r.path.length > 300 ? `${r.path.slice(0, 300)}…` : r.path} as ${r.actor} [${r.kind}] {${headers}} ${body}`;
}

async function send(doc: OpenApiDoc, validator: ResponseValidator, r: FuzzRequest): Promise<void> {
  const headers = { ...r.headers };
  if (r.actor === 'member')
    headers.authorization = `Bearer ${members[sent % members.length].token}`;
  if (r.actor === 'admin') headers.authorization = `Bearer ${adminAccess}`;
  let res: Response;
  let text: string;
  sent++;
  perOperation[`${r.op.method} ${r.op.path}`] =
    (perOperation[`${r.op.method} ${r.op.path}`] ?? 0) + 1;
  kindCounts[r.kind] = (kindCounts[r.kind] ?? 0) + 1;
  try {
    res = await fetch(baseUrl() + r.path, {
      method: r.op.method,
      headers,
      body: r.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    text = await res.text();
  } catch (err) {
    violations.push({
      rule: 'no answer',
      request: describeRequest(r),
      status: 0,
      response: String(err),
    });
    return;
  }
  const status = res.status;
  statusCounts[status] = (statusCounts[status] ?? 0) + 1;
  const ct = res.headers.get('content-type') ?? '';
  const fail = (rule: string): void => {
    violations.push({ rule, request: describeRequest(r), status, response: text.slice(0, 400) });
  };
  if (status >= 500) fail('5xx');
  let body: any = undefined;
  if (ct.includes('json') && text) {
    try {
      body = JSON.parse(text);
    } catch {
      fail('unparseable JSON response');
      return;
    }
  }
  if (status >= 400 && documentsMediaType(r.op, status, ct)) {
    // An error format an RFC mandates (OAuth JSON errors, the authorization page in HTML).
    if (!ct.includes('json')) return;
    const why = validator.check(r.op, status, ct, body, text);
    if (why) fail(`${status}: ${why}`);
    if (LEAK.test(text)) fail('error leaks internals');
    return;
  }
  if (status >= 400) {
    if (!ct.startsWith('application/problem+json')) return fail('error is not problem+json');
    if (!body || typeof body !== 'object') return fail('problem body is not an object');
    for (const key of ['type', 'title', 'status', 'request_id']) {
      if (!(key in body)) return fail(`problem lacks ${key}`);
    }
    if (body.status !== status) fail(`problem status ${body.status} != HTTP ${status}`);
    if (LEAK.test(text)) fail('problem leaks internals');
    const documented = r.op.responses[String(status)];
    if (!documented && status !== 404 && status !== 413 && status !== 415) {
      const key = `${r.op.method} ${r.op.path} ${status}`;
      undocumented[key] = (undocumented[key] ?? 0) + 1;
    }
    return;
  }
  if (status >= 300) {
    // Documented redirects (the authorization endpoint answers the client with a 302).
    return r.op.responses[String(status)] ? undefined : fail(`unexpected ${status}`);
  }
  const why = validator.check(r.op, status, ct, body, text);
  if (why) fail(`2xx: ${why}`);
  void doc;
}

describe(`fuzzing from /docs-json (${process.env.E2E_MODE ?? 'all'} mode)`, () => {
  let doc: OpenApiDoc;
  let ops: Operation[];
  let validator: ResponseValidator;

  beforeAll(async () => {
    doc = await loadDoc();
    ops = operations(doc).filter((o) => !SKIP.has(`${o.method} ${o.path}`));
    validator = new ResponseValidator(doc);
    await ensureCallers();
    recordSecrets('card', CARD_NUMBERS);
    recordSecrets('password', EXAMPLE_PASSWORDS);
    startedAt = Date.now();
  }, 120_000);

  afterAll(() => {
    recordFigures('fuzz', {
      seed: String(SEED),
      requests: sent,
      operations: ops?.length ?? 0,
      seconds: Math.round((Date.now() - startedAt) / 1000),
      violations: violations.length,
      known_bug_violations: KNOWN_BUGS.map(
        (k) => `${k.id}: ${violations.filter((v) => k.matches(v)).length}`,
      ),
      status_counts: JSON.stringify(statusCounts),
      kinds: JSON.stringify(kindCounts),
      undocumented_error_statuses: Object.entries(undocumented).map(([k, n]) => `${k} (${n})`),
      details: violations
        .slice(0, 50)
        .map((v) => `${v.rule} | ${v.status} | ${v.request} => ${v.response}`),
    });
  });

  it(`sends ${RUNS} generated requests: no 5xx, problem+json errors, documented 2xx bodies`, async () => {
    // (timeout below: about 10,000 requests take one to three minutes on a loaded machine)
    expect(ops.length).toBeGreaterThan(10);
    const arb = fc.oneof(...ops.map((op) => requestFor(doc, op)));
    const requests = fc.sample(arb, { seed: SEED, numRuns: RUNS });
    const BATCH = 250;
    for (let start = 0; start < requests.length; start += BATCH) {
      await ensureCallers();
      const batch = requests.slice(start, start + BATCH);
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batch.length) await send(doc, validator, batch[next++]);
        }),
      );
    }
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    const unknown = violations.filter((v) => !KNOWN_BUGS.some((k) => k.matches(v)));
    const summary = unknown
      .slice(0, 20)
      .map((v) => `${v.rule} | ${v.status} | ${v.request}\n    => ${v.response}`);
    expect({ seed: SEED, violations: unknown.length, first: summary }).toEqual({
      seed: SEED,
      violations: 0,
      first: [],
    });
  }, 600_000);

  it('leaves roles and prototypes untouched (no mass assignment, no pollution)', async () => {
    await ensureCallers();
    const me = await api('GET', '/api/v1/users/me', { token: members[0].token });
    if (me.status === 200) expect(me.body.role).toBe('member');
    const fresh = await registerAndLogin({ tag: 'fuzzafter' });
    recordSecrets('password', [fresh.password]);
    expect(fresh.user.role).toBe('member');
    expect(Object.keys(fresh.user)).not.toContain('polluted');
  }, 60_000);

  it('answers the inputs that once caused 500s or plain-JSON errors with 4xx problem+json', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const deepObj = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const cases: [string, string, ApiOptions, number][] = [
      [
        'POST',
        '/api/v1/auth/register',
        { raw: deep, headers: { 'content-type': 'application/json' } },
        400,
      ],
      [
        'POST',
        '/api/v1/auth/login',
        { raw: deepObj, headers: { 'content-type': 'application/json' } },
        400,
      ],
      [
        'POST',
        '/api/v1/auth/password/forgot',
        { raw: '{"email":"\\ud800@example.com"}', headers: { 'content-type': 'application/json' } },
        400,
      ],
      [
        'POST',
        '/api/v1/auth/register',
        {
          raw: '{"email":"a\\udfff@example.com","password":"Xx-12345678-long","name":"n"}',
          headers: { 'content-type': 'application/json' },
        },
        400,
      ],
      ['GET', '/api/v1/users/%ZZ', {}, 400],
      ['GET', '/api/v1/payments/%00', {}, 400],
      ['POST', '/api/v1/payments/pay_1%00/capture', {}, 400],
      ['GET', '/api/v1/users/me', { headers: { 'x-big': 'a'.repeat(20_000) } }, 431],
      ['GET', `/api/v1/users/${'A'.repeat(5000)}`, {}, 414],
    ];
    for (const [method, path, opts, status] of cases) {
      sent++;
      const res = await api(method, path, { ...opts, token: members[0].token });
      expectProblem(res, status);
    }
  }, 60_000);

  // Was a known bug: `rejected[].errors` was documented as strings; each is {field, message}.
  it('POST /analytics/events 202 matches its documented schema', async () => {
    await ensureCallers();
    const op = ops.find((o) => o.method === 'POST' && o.path === '/api/v1/analytics/events')!;
    const res = await api('POST', op.path, {
      token: members[0].token,
      body: {
        events: [
          { event_id: 'e1', name: 'x', user_id: 'usr_someoneelse0000000000' },
          { name: 'y', ['k'.repeat(300)]: 1 },
        ],
      },
    });
    expect(res.status).toBe(202);
    expect(res.body.rejected).toEqual([
      { index: 0, errors: [{ field: 'user_id', message: expect.any(String) }] },
      {
        index: 1,
        errors: [{ field: expect.stringMatching(/^k+…$/), message: expect.any(String) }],
      },
    ]);
    expect(
      validator.check(op, res.status, res.headers.get('content-type') ?? '', res.body, res.text),
    ).toBeUndefined();
  }, 60_000);

  // Was a known bug until the payments part answered `payments.user.export`.
  it('GET /users/me/export answers 200', async () => {
    await ensureCallers();
    const res = await api('GET', '/api/v1/users/me/export', { token: members[0].token });
    expect(res.status).toBe(200);
  }, 60_000);

  // Was a known bug: a `custom` that is not an object (e.g. a string) was stored.
  it('PATCH /users/me/preferences refuses a custom that is not an object', async () => {
    await ensureCallers();
    for (const custom of ['not an object', 7, ['a']]) {
      const res = await api('PATCH', '/api/v1/users/me/preferences', {
        token: members[1].token,
        body: { custom },
      });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'custom', message: 'custom must be an object' }]);
    }
    const get = await api('GET', '/api/v1/users/me/preferences', { token: members[1].token });
    expect(get.status).toBe(200);
    expect(get.body.custom).toEqual(expect.any(Object));
    expect(Array.isArray(get.body.custom)).toBe(false);
  }, 60_000);

  // Was a known bug: `retained[]` was documented as strings and `rates[]` as non-nullable.
  it('GET /analytics/retention 200 matches its documented schema', async () => {
    await ensureCallers();
    const op = ops.find((o) => o.method === 'GET' && o.path === '/api/v1/analytics/retention')!;
    const res = await api('GET', `${op.path}?cohort=signup&from=2026-10-01&to=2026-11-26`, {
      token: adminAccess,
    });
    expect(res.status).toBe(200);
    expect(
      validator.check(op, res.status, res.headers.get('content-type') ?? '', res.body, res.text),
    ).toBeUndefined();
  }, 60_000);
});
