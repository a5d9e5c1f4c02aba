/**
 * OAuth helpers for e2e tests: registering clients as the bootstrap admin, PKCE pairs, calls
 * to the token, revocation and introspection endpoints, and the authorization pages driven
 * over plain HTTP (hidden fields and the browser cookie carried from page to page).
 */
import { createHash, randomBytes } from 'node:crypto';
import { api, baseUrl, type ApiResponse } from './api.js';
import { adminToken } from './session.js';

export const OAUTH = '/api/v1/oauth';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  name: string;
  type: 'confidential' | 'public';
  redirect_uris: string[];
  grant_types: string[];
  scopes: string[];
}

/** Registers a client (201 expected). */
export async function registerClient(
  body: Partial<Omit<RegisteredClient, 'client_id' | 'client_secret'>> = {},
): Promise<RegisteredClient> {
  const res = await api('POST', `${OAUTH}/clients`, {
    token: await adminToken(),
    body: {
      name: 'Test app',
      type: 'confidential',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['https://app.example.com/callback'],
      scopes: ['openid', 'profile', 'email'],
      ...body,
    },
  });
  if (res.status !== 201) throw new Error(`client registration: ${res.status} ${res.text}`);
  return res.body as RegisteredClient;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** POST a form to an OAuth endpoint, optionally with `Authorization: Basic`. */
export function oauthPost(
  endpoint: 'token' | 'revoke' | 'introspect',
  form: Record<string, string>,
  auth?: { id: string; secret: string },
): Promise<ApiResponse> {
  return api('POST', `${OAUTH}/${endpoint}`, {
    form,
    headers: auth ? { authorization: basic(auth.id, auth.secret) } : {},
  });
}

/** The claims of a JWT (not verified: the tests only read them). */
export function claimsOf(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/** Asserts an RFC 6749 §5.2 error answer; returns its body. */
export function expectOAuthError(res: ApiResponse, status: number, error: string) {
  const ct = res.headers.get('content-type') ?? '';
  if (res.status !== status || !ct.startsWith('application/json') || res.body?.error !== error) {
    throw new Error(`expected ${status} ${error}, got ${res.status} ${ct}: ${res.text}`);
  }
  if (
    typeof res.body.error_description !== 'string' ||
    !/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(res.body.error_description)
  ) {
    throw new Error(`bad error_description: ${res.text}`);
  }
  if (res.headers.get('cache-control') !== 'no-store' || res.headers.get('pragma') !== 'no-cache') {
    throw new Error('an OAuth error must not be cached');
  }
  return res.body as { error: string; error_description: string };
}

/** One page of the authorization flow, as a browser would hold it. */
export interface AuthorizePage {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
  /** The hidden fields of the page's form (request, csrf, step). */
  fields: Record<string, string>;
}

/** A browser without JavaScript: a cookie jar for the authorization pages. */
export class FormBrowser {
  private cookie = '';

  private remember(res: Response) {
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
  }

  private async page(res: Response): Promise<AuthorizePage> {
    this.remember(res);
    const html = await res.text();
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields[m[1]] = m[2].replace(/&amp;/g, '&');
    }
    return {
      status: res.status,
      location: res.headers.get('location'),
      html,
      headers: res.headers,
      fields,
    };
  }

  async open(query: Record<string, string | undefined>): Promise<AuthorizePage> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.append(k, v);
    const res = await fetch(`${baseUrl()}${OAUTH}/authorize?${q}`, {
      redirect: 'manual',
      headers: this.cookie ? { cookie: this.cookie } : {},
    });
    return this.page(res);
  }

  async submit(page: AuthorizePage, form: Record<string, string>): Promise<AuthorizePage> {
    const res = await fetch(`${baseUrl()}${OAUTH}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: new URLSearchParams({ ...page.fields, ...form }).toString(),
    });
    return this.page(res);
  }
}

export interface AuthorizeOptions {
  client: RegisteredClient;
  user: { email: string; password: string };
  scope?: string;
  state?: string;
  nonce?: string;
  /** PKCE challenge (S256); none when undefined. */
  challenge?: string;
  redirectUri?: string;
  /** A code for the second step, when the user has MFA. */
  secondFactor?: () => Promise<string>;
}

/** Goes through sign-in (and second factor) and consent; answers the redirect's parameters. */
export async function authorize(o: AuthorizeOptions): Promise<URLSearchParams> {
  const browser = new FormBrowser();
  let page = await browser.open({
    response_type: 'code',
    client_id: o.client.client_id,
    redirect_uri: o.redirectUri ?? o.client.redirect_uris[0],
    scope: o.scope,
    state: o.state ?? 'st-' + randomBytes(6).toString('hex'),
    nonce: o.nonce,
    ...(o.challenge ? { code_challenge: o.challenge, code_challenge_method: 'S256' } : {}),
  });
  if (page.status !== 200)
    throw new Error(`authorize: ${page.status} ${page.location} ${page.html}`);
  page = await browser.submit(page, { email: o.user.email, password: o.user.password });
  if (page.fields.step === 'mfa') {
    if (!o.secondFactor) throw new Error('the user has MFA: pass secondFactor');
    page = await browser.submit(page, { code: await o.secondFactor() });
  }
  if (page.fields.step !== 'consent')
    throw new Error(`expected consent: ${page.status} ${page.html}`);
  page = await browser.submit(page, { decision: 'allow' });
  if (page.status !== 302 || !page.location)
    throw new Error(`expected 302: ${page.status} ${page.html}`);
  return new URL(page.location).searchParams;
}

/** A code for the user, then its exchange at the token endpoint (the raw answer). */
export async function codeFlow(
  o: AuthorizeOptions & { verifier?: string },
): Promise<{ code: string; res: ApiResponse }> {
  const params = await authorize(o);
  const code = params.get('code');
  if (!code) throw new Error(`no code: ${params}`);
  const res = await exchange(o.client, code, {
    redirect_uri: o.redirectUri ?? o.client.redirect_uris[0],
    ...(o.verifier ? { code_verifier: o.verifier } : {}),
  });
  return { code, res };
}

/** authorization_code at the token endpoint: Basic for confidential clients, client_id otherwise. */
export function exchange(
  client: RegisteredClient,
  code: string,
  extra: Record<string, string> = {},
): Promise<ApiResponse> {
  return clientPost('token', client, { grant_type: 'authorization_code', code, ...extra });
}

/** A request of the client: Basic for confidential clients, client_id for public ones. */
export function clientPost(
  endpoint: 'token' | 'revoke' | 'introspect',
  client: RegisteredClient,
  form: Record<string, string>,
): Promise<ApiResponse> {
  return client.client_secret
    ? oauthPost(endpoint, form, { id: client.client_id, secret: client.client_secret })
    : oauthPost(endpoint, { ...form, client_id: client.client_id });
}
