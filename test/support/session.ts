/**
 * Sign-in helpers for e2e tests: a fresh user with tokens, a login, and the bootstrap admin's
 * token (ADMIN_EMAIL / ADMIN_PASSWORD from the harness).
 */
import { randomBytes } from 'node:crypto';
import { api, uniqueEmail } from './api.js';
import { E2E_ADMIN } from './platform-process.js';

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: 'Bearer';
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  name: string;
  /** The body of POST /auth/register. */
  user: {
    id: string;
    email: string;
    name: string;
    role: string;
    email_verified: boolean;
    created_at: string;
  };
}

export interface SignedInUser extends TestUser, Tokens {
  /** Same as access_token. */
  token: string;
  tokens: Tokens;
}

export const ADMIN_CREDENTIALS = E2E_ADMIN;

/** A password that passes the policy (long, random, not common). */
export function strongPassword(): string {
  return `Pw-${randomBytes(9).toString('base64url')}-9x`;
}

/** Registers a new user (201 expected). */
export async function register(
  opts: { email?: string; password?: string; name?: string; tag?: string } = {},
): Promise<TestUser> {
  const email = opts.email ?? uniqueEmail(opts.tag ?? 'user');
  const password = opts.password ?? strongPassword();
  const name = opts.name ?? 'Test User';
  const res = await api('POST', '/api/v1/auth/register', { body: { email, password, name } });
  if (res.status !== 201) {
    throw new Error(`register ${email} failed: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return { id: res.body.id, email: res.body.email, password, name, user: res.body };
}

/** Signs in (200 expected) and returns the token pair. */
export async function login(email: string, password: string): Promise<Tokens> {
  const res = await api('POST', '/api/v1/auth/login', { body: { email, password } });
  if (res.status !== 200) {
    throw new Error(`login ${email} failed: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return res.body as Tokens;
}

/** A new user, signed in. */
export async function registerAndLogin(
  opts: { email?: string; password?: string; name?: string; tag?: string } = {},
): Promise<SignedInUser> {
  const u = await register(opts);
  const tokens = await login(u.email, u.password);
  return { ...u, ...tokens, token: tokens.access_token, tokens };
}

let admin: Promise<Tokens> | undefined;

/**
 * The bootstrap admin's tokens (one login per test file). The admin is created in the
 * background at start, so the first login is retried for a while.
 */
export async function adminTokens(): Promise<Tokens> {
  admin ??= (async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await api('POST', '/api/v1/auth/login', {
        body: { email: E2E_ADMIN.email, password: E2E_ADMIN.password },
      });
      if (res.status === 200) return res.body as Tokens;
      if (Date.now() > deadline) {
        throw new Error(`admin login failed: ${res.status} ${res.text.slice(0, 300)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    return await admin;
  } catch (err) {
    admin = undefined;
    throw err;
  }
}

/** The bootstrap admin's access token. */
export async function adminToken(): Promise<string> {
  return (await adminTokens()).access_token;
}
