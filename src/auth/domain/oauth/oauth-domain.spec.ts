import { describe, expect, it } from '@jest/globals';
import { isS256Challenge, s256, verifierMatches } from './pkce.js';
import { matchRedirectUri, redirectUriProblem, withParams } from './redirect-uri.js';
import { parseScope, scopesOutside } from './scope.js';

describe('OAuth scopes (RFC 6749 §3.3)', () => {
  it('parses space-separated tokens, without duplicates', () => {
    expect(parseScope(undefined)).toEqual([]);
    expect(parseScope('')).toEqual([]);
    expect(parseScope('openid profile openid')).toEqual(['openid', 'profile']);
    expect(parseScope('reports:read')).toEqual(['reports:read']);
  });

  it('refuses malformed lists: double spaces, quotes, backslashes, non-ASCII', () => {
    for (const bad of ['a  b', ' a', 'a"b', 'a\\b', 'é', 'a\tb']) {
      expect(parseScope(bad)).toBeUndefined();
    }
  });

  it('finds the scopes outside what is allowed', () => {
    expect(scopesOutside(['a', 'b'], ['a'])).toEqual(['b']);
    expect(scopesOutside([], ['a'])).toEqual([]);
  });
});

describe('redirect URIs', () => {
  it('registers https and loopback http only, without fragment or credentials', () => {
    expect(redirectUriProblem('https://app.example.com/cb?x=1')).toBeUndefined();
    expect(redirectUriProblem('http://127.0.0.1:8080/cb')).toBeUndefined();
    expect(redirectUriProblem('http://[::1]/cb')).toBeUndefined();
    expect(redirectUriProblem('http://localhost:3000/cb')).toBeUndefined();
    expect(redirectUriProblem('http://app.example.com/cb')).toMatch(/https/);
    expect(redirectUriProblem('https://app.example.com/cb#frag')).toMatch(/fragment/);
    expect(redirectUriProblem('https://u:p@app.example.com/cb')).toMatch(/credentials/);
    expect(redirectUriProblem('/relative')).toMatch(/absolute/);
    expect(redirectUriProblem('javascript:alert(1)')).toMatch(/https/);
    expect(redirectUriProblem('https://app.example.com/a b')).toMatch(/spaces/);
  });

  it('matches exactly, except the port of a loopback IP literal (RFC 8252 §7.3)', () => {
    const reg = ['https://app.example.com/cb', 'http://127.0.0.1/native'];
    expect(matchRedirectUri(reg, 'https://app.example.com/cb')).toBe(true);
    expect(matchRedirectUri(reg, 'https://app.example.com/cb/')).toBe(false);
    expect(matchRedirectUri(reg, 'https://APP.example.com/cb')).toBe(false);
    expect(matchRedirectUri(reg, 'https://app.example.com/cb?x=1')).toBe(false);
    expect(matchRedirectUri(reg, 'https://app.example.com:443/cb#x')).toBe(false);
    expect(matchRedirectUri(reg, 'http://127.0.0.1:51234/native')).toBe(true);
    expect(matchRedirectUri(reg, 'http://127.0.0.1:51234/other')).toBe(false);
    expect(matchRedirectUri(['http://localhost/cb'], 'http://localhost:9/cb')).toBe(false);
  });

  it('defaults to the only registered URI, never to one of several', () => {
    expect(matchRedirectUri(['https://a.example/cb'], undefined)).toBe(true);
    expect(matchRedirectUri(['https://a.example/cb', 'https://b.example/cb'], undefined)).toBe(
      false,
    );
  });

  it('keeps the query of the redirect URI when adding the answer', () => {
    expect(withParams('https://a.example/cb?x=1', { code: 'c', state: undefined })).toBe(
      'https://a.example/cb?x=1&code=c',
    );
  });
});

describe('PKCE S256 (RFC 7636)', () => {
  // RFC 7636 appendix B.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('matches the example of the RFC', () => {
    expect(s256(verifier)).toBe(challenge);
    expect(isS256Challenge(challenge)).toBe(true);
    expect(verifierMatches(verifier, challenge)).toBe(true);
  });

  it('refuses a wrong, short or malformed verifier', () => {
    expect(verifierMatches(verifier.replace('d', 'e'), challenge)).toBe(false);
    expect(verifierMatches('short', s256('short'))).toBe(false);
    expect(verifierMatches(`${verifier} `, challenge)).toBe(false);
    expect(verifierMatches(undefined, challenge)).toBe(false);
    expect(isS256Challenge(verifier.slice(0, 42))).toBe(false);
  });
});
