/**
 * GitHub's OAuth pages and REST API as a local stand-in on 127.0.0.1: `/login/oauth/authorize`
 * (the test picks who signs in with `login_as`, see fake-oidc.ts), `/login/oauth/access_token`
 * (client secret, single-use code and PKCE S256 checked; failures answered as GitHub does,
 * 200 with an `error`), `GET /user` and `GET /user/emails` for the issued token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
// @ts-ignore TS2835 (loaded as CommonJS by the e2e global setup too)
import { readBody, sendJson } from './fake-http';
// @ts-ignore TS2835
import { decodeLogin, LOGIN_AS, type FakeLogin } from './fake-oidc';

export interface FakeGithub {
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startFakeGithub(): Promise<FakeGithub> {
  const clientId = 'Iv1.e2e0000000000000';
  const clientSecret = `gh-e2e-${randomBytes(12).toString('hex')}`;
  const codes = new Map<string, { login: FakeLogin; challenge?: string }>();
  const tokens = new Map<string, FakeLogin>();

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const text = await readBody(req);
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== clientId) return sendJson(res, 404, { message: 'Not Found' });
      const back = new URL(q.get('redirect_uri') ?? '');
      const login = decodeLogin(q.get(LOGIN_AS));
      if (login) {
        const code = randomBytes(10).toString('hex');
        codes.set(code, {
          login,
          challenge:
            q.get('code_challenge_method') === 'S256' ? q.get('code_challenge')! : undefined,
        });
        back.searchParams.set('code', code);
      } else {
        back.searchParams.set('error', 'access_denied');
      }
      if (q.get('state')) back.searchParams.set('state', q.get('state')!);
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const body = (req.headers['content-type'] ?? '').includes('json')
        ? (JSON.parse(text) as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(text));
      const grant = codes.get(body.code);
      codes.delete(body.code);
      const verifier = body.code_verifier ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (body.client_id !== clientId || body.client_secret !== clientSecret) {
        return sendJson(res, 200, { error: 'incorrect_client_credentials' });
      }
      if (!grant || !grant.challenge || grant.challenge !== challenge) {
        return sendJson(res, 200, { error: 'bad_verification_code' });
      }
      const token = `gho_${randomBytes(18).toString('hex')}`;
      tokens.set(token, grant.login);
      return sendJson(res, 200, {
        access_token: token,
        token_type: 'bearer',
        scope: 'read:user,user:email',
      });
    }
    const login = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /i, ''));
    if (!login) return sendJson(res, 401, { message: 'Bad credentials' });
    if (req.method === 'GET' && url.pathname === '/user') {
      return sendJson(res, 200, {
        id: Number(login.sub),
        login: login.name?.toLowerCase().replace(/\s+/g, '-') ?? `user${login.sub}`,
        name: login.name ?? null,
        email: null,
      });
    }
    if (req.method === 'GET' && url.pathname === '/user/emails') {
      const emails =
        login.emails ??
        (login.email
          ? [{ email: login.email, primary: true, verified: login.email_verified === true }]
          : []);
      return sendJson(res, 200, emails);
    }
    return sendJson(res, 404, { message: 'Not Found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
