import { Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AppConfig } from '../../../platform/config/config.js';
import type { OAuthProviderSettings } from '../../../platform/config/schema/oauth.env.js';
import { ProblemException } from '../../../platform/errors/problem.js';
import { pickGithubEmail, type FederatedIdentity } from '../../domain/federated-identity.js';

/** Every call to a provider (discovery, keys, token, user API) gives up after this long. */
const PROVIDER_TIMEOUT_S = 10;

export interface AuthorizationChecks {
  state: string;
  nonce: string;
  /** PKCE (RFC 7636): the verifier whose S256 challenge went to the provider. */
  codeVerifier: string;
}

/** The relying-party side of one configured provider. */
export abstract class SocialProvider {
  constructor(
    readonly settings: OAuthProviderSettings,
    /** Our callback URL registered with the provider. */
    readonly redirectUri: string,
  ) {}

  get name(): string {
    return this.settings.name;
  }

  /** The provider's authorization URL with state, nonce and the S256 PKCE challenge. */
  async authorizationUrl(checks: AuthorizationChecks): Promise<string> {
    const config = await this.configuration();
    const params: Record<string, string> = {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes.join(' '),
      state: checks.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    };
    if (this.settings.type === 'oidc') params.nonce = checks.nonce;
    return oidc.buildAuthorizationUrl(config, params).href;
  }

  /**
   * Turns the callback's parameters into who signed in: validates the authorization response,
   * redeems the code (with the PKCE verifier) and reads the identity. Throws when anything
   * fails a check.
   */
  abstract identify(
    params: Record<string, string>,
    checks: AuthorizationChecks,
  ): Promise<FederatedIdentity>;

  protected abstract configuration(): Promise<oidc.Configuration>;

  /** Our callback URL with the parameters the provider sent to it. */
  protected callbackUrl(params: Record<string, string>): URL {
    const url = new URL(this.redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  }

  /** http is accepted (by the settings) only for a provider on this machine. */
  protected static insecure(...urls: (string | undefined)[]): boolean {
    return urls.some((u) => u?.startsWith('http:'));
  }
}

/**
 * OpenID Connect by discovery (Google, or any issuer). The id_token is checked in full by
 * openid-client: signature against the issuer's JWKS (non-repudiation checks on), `iss`,
 * `aud` (and `azp`), `exp`/`iat`, and the `nonce` we sent.
 */
class OidcProvider extends SocialProvider {
  private discovered?: Promise<oidc.Configuration>;

  protected configuration(): Promise<oidc.Configuration> {
    const s = this.settings;
    // Discovered once per process; a failure is not remembered, the next sign-in retries.
    this.discovered ??= oidc
      .discovery(new URL(s.issuer!), s.clientId, s.clientSecret, undefined, {
        timeout: PROVIDER_TIMEOUT_S,
        execute: [
          oidc.enableNonRepudiationChecks,
          ...(SocialProvider.insecure(s.issuer) ? [oidc.allowInsecureRequests] : []),
        ],
      })
      .catch((err: unknown) => {
        this.discovered = undefined;
        throw err;
      });
    return this.discovered;
  }

  async identify(
    params: Record<string, string>,
    checks: AuthorizationChecks,
  ): Promise<FederatedIdentity> {
    const config = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(config, this.callbackUrl(params), {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.codeVerifier,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('no id_token in the token response');
    let email = typeof claims.email === 'string' ? claims.email : undefined;
    let verified = claims.email_verified;
    let name = typeof claims.name === 'string' ? claims.name : undefined;
    if (!email && config.serverMetadata().userinfo_endpoint) {
      // Some providers keep the address out of the id_token: ask UserInfo (same subject).
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      email = typeof info.email === 'string' ? info.email : undefined;
      verified = info.email_verified;
      name ??= typeof info.name === 'string' ? info.name : undefined;
    }
    return {
      provider: this.name,
      subject: claims.sub,
      email,
      emailVerified: !!email && verified === true,
      name,
    };
  }
}

/**
 * GitHub: plain OAuth 2.0 (no id_token). The person is `GET /user` (numeric id = subject)
 * and the address is the primary one of `GET /user/emails`, with GitHub's `verified` flag.
 */
class GithubProvider extends SocialProvider {
  private readonly config: oidc.Configuration;

  constructor(settings: OAuthProviderSettings, redirectUri: string) {
    super(settings, redirectUri);
    const web = settings.webUrl!;
    this.config = new oidc.Configuration(
      {
        issuer: web,
        authorization_endpoint: `${web}/login/oauth/authorize`,
        token_endpoint: `${web}/login/oauth/access_token`,
      },
      settings.clientId,
      settings.clientSecret,
    );
    this.config.timeout = PROVIDER_TIMEOUT_S;
    if (SocialProvider.insecure(web)) oidc.allowInsecureRequests(this.config);
  }

  protected configuration(): Promise<oidc.Configuration> {
    return Promise.resolve(this.config);
  }

  async identify(
    params: Record<string, string>,
    checks: AuthorizationChecks,
  ): Promise<FederatedIdentity> {
    const tokens = await oidc.authorizationCodeGrant(this.config, this.callbackUrl(params), {
      expectedState: checks.state,
      pkceCodeVerifier: checks.codeVerifier,
    });
    const user = (await this.api('/user', tokens.access_token)) as {
      id?: unknown;
      login?: unknown;
      name?: unknown;
      email?: unknown;
    };
    if (typeof user?.id !== 'number' && typeof user?.id !== 'string') {
      throw new Error('GitHub /user has no id');
    }
    // Without the user:email scope the list is refused: only the public address is known,
    // and nothing says it was verified.
    const emails = await this.api('/user/emails', tokens.access_token).catch(() => null);
    const picked =
      pickGithubEmail(emails) ??
      (typeof user.email === 'string' ? { email: user.email, verified: false } : null);
    return {
      provider: this.name,
      subject: String(user.id),
      email: picked?.email,
      emailVerified: picked?.verified ?? false,
      name:
        typeof user.name === 'string' && user.name
          ? user.name
          : typeof user.login === 'string'
            ? user.login
            : undefined,
    };
  }

  private async api(path: string, accessToken: string): Promise<unknown> {
    const res = await fetch(`${this.settings.apiUrl}${path}`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'platform',
      },
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_S * 1000),
    });
    if (!res.ok) throw new Error(`GitHub ${path} answered ${res.status}`);
    return res.json();
  }
}

export const unknownProvider = () =>
  new ProblemException(404, 'unknown-provider', 'No sign-in provider has this name.');

/** The providers of OAUTH_PROVIDERS, by name. */
@Injectable()
export class SocialProviders {
  private readonly byName = new Map<string, SocialProvider>();
  readonly frontendUrl: string | undefined;

  constructor(config: AppConfig) {
    this.frontendUrl = config.get('FRONTEND_URL');
    for (const s of config.get('OAUTH_PROVIDERS')) {
      const redirectUri = `${config.publicUrl}/api/v1/auth/oauth/${s.name}/callback`;
      this.byName.set(
        s.name,
        s.type === 'github' ? new GithubProvider(s, redirectUri) : new OidcProvider(s, redirectUri),
      );
    }
  }

  /** The provider, or a 404 problem. */
  get(name: unknown): SocialProvider {
    const p = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (!p) throw unknownProvider();
    return p;
  }
}
