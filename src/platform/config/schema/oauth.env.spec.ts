import { describe, expect, it } from '@jest/globals';
import { renderEnvExample } from '../env-example.js';
import { ConfigError, loadConfig } from '../load-config.js';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const FRONTEND = { FRONTEND_URL: 'https://app.example.com/signed-in' };

describe('OAUTH_PROVIDERS', () => {
  it('is empty by default', () => {
    expect(loadConfig({}).OAUTH_PROVIDERS).toEqual([]);
  });

  it('reads each listed provider from its own variables, with defaults per type', () => {
    const env = loadConfig({
      ...FRONTEND,
      OAUTH_PROVIDERS: 'google, GitHub,acme',
      OAUTH_GOOGLE_CLIENT_ID: 'g-id',
      OAUTH_GOOGLE_CLIENT_SECRET: 'g-secret',
      OAUTH_GITHUB_CLIENT_ID: 'gh-id',
      OAUTH_GITHUB_CLIENT_SECRET: 'gh-secret',
      OAUTH_ACME_CLIENT_ID: 'a-id',
      OAUTH_ACME_CLIENT_SECRET: 'a-secret',
      OAUTH_ACME_ISSUER: 'https://login.acme.example/',
      OAUTH_ACME_SCOPES: 'openid,email',
    });
    expect(env.OAUTH_PROVIDERS).toEqual([
      {
        name: 'google',
        type: 'oidc',
        clientId: 'g-id',
        clientSecret: 'g-secret',
        scopes: ['openid', 'email', 'profile'],
        issuer: 'https://accounts.google.com',
      },
      {
        name: 'github',
        type: 'github',
        clientId: 'gh-id',
        clientSecret: 'gh-secret',
        scopes: ['read:user', 'user:email'],
        webUrl: 'https://github.com',
        apiUrl: 'https://api.github.com',
      },
      {
        name: 'acme',
        type: 'oidc',
        clientId: 'a-id',
        clientSecret: 'a-secret',
        scopes: ['openid', 'email'],
        issuer: 'https://login.acme.example',
      },
    ]);
  });

  it('names every bad provider variable, not OAUTH_PROVIDERS', () => {
    const found = problems({
      ...FRONTEND,
      OAUTH_PROVIDERS: 'acme,github,corp',
      OAUTH_ACME_CLIENT_ID: 'a',
      OAUTH_ACME_ISSUER: 'http://login.acme.example',
      OAUTH_ACME_SCOPES: 'email',
      OAUTH_GITHUB_CLIENT_ID: 'gh',
      OAUTH_GITHUB_CLIENT_SECRET: 's',
      OAUTH_GITHUB_API_URL: 'not a url',
      OAUTH_GITHUB_ISSUER: 'https://github.com',
      OAUTH_CORP_TYPE: 'saml',
      OAUTH_CORP_CLIENT_ID: 'c',
      OAUTH_CORP_CLIENT_SECRET: 's',
      OAUTH_CORP_ISSUER: 'https://sso.corp.example',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'OAUTH_ACME_CLIENT_SECRET',
      'OAUTH_ACME_ISSUER',
      'OAUTH_ACME_SCOPES',
      'OAUTH_CORP_TYPE',
      'OAUTH_GITHUB_API_URL',
      'OAUTH_GITHUB_ISSUER',
    ]);
    expect(found.find((p) => p.startsWith('OAUTH_ACME_ISSUER'))).toMatch(/https/);
  });

  it('requires an issuer for an oidc provider other than google', () => {
    expect(
      problems({
        ...FRONTEND,
        OAUTH_PROVIDERS: 'acme',
        OAUTH_ACME_CLIENT_ID: 'a',
        OAUTH_ACME_CLIENT_SECRET: 's',
      }),
    ).toEqual([expect.stringMatching(/^OAUTH_ACME_ISSUER: required/)]);
  });

  it('accepts http only for a provider on this machine', () => {
    const base = {
      ...FRONTEND,
      OAUTH_PROVIDERS: 'dev',
      OAUTH_DEV_CLIENT_ID: 'd',
      OAUTH_DEV_CLIENT_SECRET: 's',
    };
    expect(problems({ ...base, OAUTH_DEV_ISSUER: 'http://127.0.0.1:9000' })).toEqual([]);
    expect(problems({ ...base, OAUTH_DEV_ISSUER: 'http://localhost:9000/realms/x' })).toEqual([]);
    expect(problems({ ...base, OAUTH_DEV_ISSUER: 'http://10.0.0.5' })).toEqual([
      expect.stringMatching(/^OAUTH_DEV_ISSUER: must use https/),
    ]);
  });

  it('refuses bad, reserved and repeated names, and a missing FRONTEND_URL', () => {
    const found = problems({ OAUTH_PROVIDERS: 'exchange,my-idp,github,github' });
    expect(found.filter((p) => p.startsWith('OAUTH_PROVIDERS:'))).toEqual([
      expect.stringContaining('"exchange"'),
      expect.stringContaining('"my-idp"'),
      expect.stringContaining('listed twice'),
    ]);
    expect(found).toContainEqual(expect.stringMatching(/^OAUTH_GITHUB_CLIENT_ID: required/));
    const noFrontend = problems({
      OAUTH_PROVIDERS: 'github',
      OAUTH_GITHUB_CLIENT_ID: 'gh',
      OAUTH_GITHUB_CLIENT_SECRET: 's',
    });
    expect(noFrontend).toEqual([expect.stringMatching(/^FRONTEND_URL: required/)]);
  });

  it('documents the per-provider variables in .env.example', () => {
    const text = renderEnvExample();
    expect(text).toContain('OAUTH_PROVIDERS=');
    expect(text).toContain('#   OAUTH_<NAME>_CLIENT_ID:');
    expect(text).toContain('#   OAUTH_<NAME>_ISSUER:');
    expect(text).toContain('# FRONTEND_URL=');
  });
});
