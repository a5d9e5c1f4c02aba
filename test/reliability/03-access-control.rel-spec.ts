/**
 * Access-control matrix generated from /docs-json: every operation as anonymous, member A,
 * member B (the owner of the objects used) and admin.
 *   - anonymous on a protected operation: 401 problem+json (or the error format an RFC
 *     mandates, when the operation documents it: OAuth's `{error, error_description}`);
 *   - member A on an admin operation: 403 (or 404); on B's objects: 403/404/400, never 2xx;
 *   - no answer to A ever holds B's email, name or (in a 2xx) B's ids;
 *   - B on its own objects (GET): 2xx, which proves the ids A tried were real;
 *   - admin on an admin operation: neither 401 nor 403;
 *   - nobody gets a 5xx; B's session and profile are intact at the end.
 * Admin operations are those whose summary says "(admin)" (the API's convention), or whose
 * path has an /admin segment.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { api, type ApiResponse } from '../support/api.js';
import { adminToken, login, registerAndLogin, type SignedInUser } from '../support/session.js';
import {
  documentsMediaType,
  exampleBody,
  fillPath,
  loadDoc,
  operations,
  type OpenApiDoc,
  type Operation,
} from './support/openapi.js';
import { recordFigures, recordSecrets } from './support/run.js';

type Actor = 'anon' | 'A' | 'B' | 'admin';

const ID = /\b([a-z]{2,5})_[0-9a-z]{12,}\b/g;
const isAdminOp = (op: Operation) =>
  /\(admin\)/i.test(op.summary) || /\/admin(\/|$)/.test(op.path) || op.tags.includes('admin');
const selfDestructive = (op: Operation) =>
  /\/logout$/.test(op.path) ||
  (op.method === 'DELETE' && /\/(me|sessions)$/.test(op.path)) ||
  /password\/change$/.test(op.path);
const ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

let doc: OpenApiDoc;
let ops: Operation[];
let A: SignedInUser;
let B: SignedInUser;
let C: SignedInUser;
let admin = '';
/** Object ids by prefix (usr, ses, pay, ...), per owner. */
const pools: Record<'B' | 'C', Map<string, string>> = { B: new Map(), C: new Map() };
const violations: string[] = [];
let sent = 0;
let cells = 0;

function collectIds(owner: 'B' | 'C', text: string) {
  for (const m of text.matchAll(ID)) if (!pools[owner].has(m[1])) pools[owner].set(m[1], m[0]);
}

async function named(tag: string): Promise<SignedInUser> {
  const u = await registerAndLogin({ tag, name: `${tag} ${randomBytes(6).toString('hex')}` });
  recordSecrets('password', [u.password]);
  recordSecrets('token', [u.access_token, u.refresh_token]);
  return u;
}

/** The id a path parameter takes from an owner's pool: by the prefix of its example. */
function paramValues(
  op: Operation,
  owner: 'B' | 'C',
  user: SignedInUser,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const p of op.params.filter((x) => x.in === 'path')) {
    const example = String(p.example ?? (p.schema as any)?.example ?? '');
    const prefix = /^([a-z]{2,5})_/.exec(example)?.[1] ?? (/user/.test(p.name) ? 'usr' : undefined);
    const value = prefix === 'usr' ? user.id : prefix ? pools[owner].get(prefix) : undefined;
    if (!value) return undefined;
    out[p.name] = value;
  }
  return out;
}

async function call(
  op: Operation,
  path: string,
  token?: string,
  given?: unknown,
): Promise<ApiResponse> {
  sent++;
  const body = given ?? exampleBody(doc, op);
  const contentType = op.body ? Object.keys(op.body.content)[0] : undefined;
  return api(op.method, path, {
    token,
    ...(body !== undefined
      ? { body, headers: { 'content-type': contentType ?? 'application/json' } }
      : {}),
  });
}

function withoutInstance(res: ApiResponse): string {
  if (res.body && typeof res.body === 'object' && !Array.isArray(res.body)) {
    const { instance: _i, ...rest } = res.body as Record<string, unknown>;
    return JSON.stringify(rest);
  }
  return res.text;
}

function violation(actor: Actor, op: Operation, path: string, res: ApiResponse, rule: string) {
  violations.push(
    `${actor} ${op.method} ${path} -> ${res.status}: ${rule} | ${res.text.slice(0, 200)}`,
  );
}

/** Keeps A signed in (an operation may have ended its session or deleted it). */
async function refreshA(): Promise<void> {
  const ok = await api('GET', '/api/v1/auth/sessions', { token: A.token });
  if (ok.status === 200) return;
  try {
    const t = await login(A.email, A.password);
    recordSecrets('token', [t.access_token, t.refresh_token]);
    A = { ...A, ...t, token: t.access_token, tokens: t };
  } catch {
    A = await named('acl-a');
  }
}

beforeAll(async () => {
  doc = await loadDoc();
  ops = operations(doc)
    .filter((o) => o.path.startsWith('/api/v1/'))
    .sort(
      (x, y) =>
        Number(selfDestructive(x)) - Number(selfDestructive(y)) ||
        ORDER.indexOf(x.method) - ORDER.indexOf(y.method) ||
        x.path.localeCompare(y.path),
    );
  [A, B, C] = [await named('acl-a'), await named('acl-b'), await named('acl-c')];
  admin = await adminToken();
  // Give B and C objects: every member POST without path parameters, with its example body,
  // then every GET without path parameters; ids seen in the answers fill the pools.
  for (const [owner, user] of [
    ['B', B],
    ['C', C],
  ] as const) {
    for (const op of ops) {
      if (isAdminOp(op) || selfDestructive(op) || !op.protected) continue;
      if (op.params.some((p) => p.in === 'path')) continue;
      if (op.method !== 'POST' && op.method !== 'GET') continue;
      // Every documented example (e.g. each payment method) until one is accepted.
      for (const example of op.body?.examples.length ? op.body.examples : [undefined]) {
        const res = await call(op, op.path, user.token, example);
        if (res.status < 300) {
          collectIds(owner, res.text);
          break;
        }
      }
    }
  }
}, 180_000);

afterAll(() => {
  recordFigures('access-control', {
    operations: ops?.length ?? 0,
    cells,
    requests: sent,
    violations: violations.length,
    pool_prefixes: [...pools.B.keys()],
    details: violations.slice(0, 50),
  });
});

describe(`access control matrix from /docs-json (${process.env.E2E_MODE ?? 'all'} mode)`, () => {
  it('holds for every operation as anonymous, member A, member B and admin', async () => {
    expect(ops.length).toBeGreaterThan(10);
    for (const op of ops) {
      const hasParams = op.params.some((p) => p.in === 'path');
      const bValues = hasParams ? paramValues(op, 'B', B) : {};
      const cValues = hasParams ? paramValues(op, 'C', C) : {};
      const bPath = bValues ? fillPath(op, bValues) : fillPath(op, {});

      // anonymous
      cells++;
      const anon = await call(op, bPath);
      if (anon.status >= 500) violation('anon', op, bPath, anon, '5xx');
      if (op.protected && anon.status !== 401)
        violation('anon', op, bPath, anon, 'protected route without 401');
      const anonType = anon.headers.get('content-type') ?? '';
      if (
        anon.status === 401 &&
        !anonType.startsWith('application/problem+json') &&
        !documentsMediaType(op, 401, anonType)
      ) {
        violation('anon', op, bPath, anon, '401 is not problem+json');
      }

      // B on its own objects (control): a GET with B's ids works for B.
      if (hasParams && bValues && op.method === 'GET' && !isAdminOp(op)) {
        cells++;
        const own = await call(op, bPath, B.token);
        if (own.status >= 300) violation('B', op, bPath, own, 'owner cannot read own object');
      }

      // member A: admin routes refused; B's objects refused; never B's data.
      if (op.protected || !selfDestructive(op)) {
        await refreshA();
        cells++;
        const res = await call(op, bPath, op.protected ? A.token : undefined);
        const leaked =
          res.text.includes(B.email) ||
          res.text.includes(B.name) ||
          (res.status < 300 &&
            [...pools.B.values(), B.id].some((id) => withoutInstance(res).includes(id)));
        if (res.status >= 500) violation('A', op, bPath, res, '5xx');
        if (leaked) violation('A', op, bPath, res, "answer holds B's data");
        if (op.protected && res.status === 401 && !selfDestructive(op)) {
          violation('A', op, bPath, res, 'valid member token refused with 401');
        }
        if (isAdminOp(op) && ![403, 404].includes(res.status)) {
          violation('A', op, bPath, res, 'member on an admin route not refused (403/404)');
        }
        if (!isAdminOp(op) && hasParams && bValues && res.status < 300) {
          violation('A', op, bPath, res, "member acted on another user's object");
        }
      }

      // admin on admin routes (with C's objects); never on its own session or account.
      if (!selfDestructive(op)) {
        const cPath = cValues ? fillPath(op, cValues) : fillPath(op, {});
        cells++;
        const res = await call(op, cPath, admin);
        if (res.status >= 500) violation('admin', op, cPath, res, '5xx');
        if (isAdminOp(op) && (res.status === 401 || res.status === 403)) {
          violation('admin', op, cPath, res, 'admin refused on an admin route');
        }
      }
    }
    expect(violations).toEqual([]);
  }, 300_000);

  it("leaves B's session and profile intact", async () => {
    const s = await api('GET', '/api/v1/auth/sessions', { token: B.token });
    expect(s.status).toBe(200);
    const me = await api('GET', '/api/v1/users/me', { token: B.token });
    if (me.status !== 404) {
      expect(me.status).toBe(200);
      expect(me.body.email).toBe(B.email);
      expect(me.body.name).toBe(B.name);
      expect(me.body.role).toBe('member');
    }
  });
});
