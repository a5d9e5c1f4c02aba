/**
 * An OpenID Connect provider on 127.0.0.1 for the social sign-in tests: `oauth2-mock-server`
 * (discovery, JWKS, authorize with PKCE, token endpoint issuing RS256 id_tokens).
 *
 * Who signs in is chosen by the test, as a person would at the provider's login page: the
 * authorize URL the platform redirects to gets an extra `login_as` parameter (base64url JSON
 * of a FakeLogin), remembered for the code it issues and put into that code's id_token.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';

export interface FakeLogin {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** GitHub only: the `/user/emails` list (default: the email, primary). */
  emails?: { email: string; primary: boolean; verified: boolean }[];
  /** Claims forced into the id_token after ours, to test its checks (`nonce`, `aud`…). */
  override?: Record<string, unknown>;
  /** The id_token signed with a key that is not the issuer's (same `kid`). */
  forge_signature?: boolean;
}

export const LOGIN_AS = 'login_as';

export function encodeLogin(login: FakeLogin): string {
  return Buffer.from(JSON.stringify(login)).toString('base64url');
}

export function decodeLogin(raw: unknown): FakeLogin | undefined {
  if (typeof raw !== 'string') return undefined;
  return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as FakeLogin;
}

export interface FakeOidc {
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startFakeOidc(): Promise<FakeOidc> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  // The library names itself localhost, which may resolve to ::1 where nothing listens.
  const url = `http://127.0.0.1:${server.address().port}`;
  server.issuer.url = url;
  const byCode = new Map<string, FakeLogin>();
  server.service.on('beforeAuthorizeRedirect', (redirect, req) => {
    const code = redirect.url.searchParams.get('code');
    const login = decodeLogin(
      (req as unknown as { query: Record<string, unknown> }).query[LOGIN_AS],
    );
    if (code && login) byCode.set(code, login);
  });
  server.service.on('beforeTokenSigning', (token, req) => {
    const login = byCode.get(String(req.body?.code ?? ''));
    if (!login) return;
    // The access token carries `scope`; the id_token does not.
    if ('scope' in token.payload) {
      token.payload.sub = login.sub;
      return;
    }
    const { sub, email, email_verified, name } = login;
    Object.assign(token.payload, { sub, email, email_verified, name }, login.override ?? {});
  });
  const foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  server.service.on('beforeResponse', (response, req) => {
    const login = byCode.get(String(req.body?.code ?? ''));
    const body = response.body as Record<string, unknown>;
    if (!login?.forge_signature || typeof body.id_token !== 'string') return;
    const [header, payload] = body.id_token.split('.');
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(foreignKey);
    body.id_token = `${header}.${payload}.${signature.toString('base64url')}`;
  });
  return {
    url,
    clientId: 'platform-e2e',
    clientSecret: 'oidc-e2e-client-secret',
    close: () => server.stop(),
  };
}
