import { describe, expect, it } from '@jest/globals';
import {
  decideLink,
  displayNameFor,
  pickGithubEmail,
  providerErrorCode,
  safeReturnPath,
} from './federated-identity.js';

const verified = { email: 'ada@example.com', emailVerified: true };

describe('decideLink', () => {
  it('signs a linked identity in to its user, whatever the email says', () => {
    expect(
      decideLink({
        linkedUserId: 'usr_1',
        account: { userId: 'usr_2', emailVerified: true },
        identity: { email: 'other@example.com', emailVerified: false },
      }),
    ).toEqual({ kind: 'sign-in', userId: 'usr_1' });
  });

  it('creates an account when no account has the email', () => {
    expect(decideLink({ linkedUserId: null, account: null, identity: verified })).toEqual({
      kind: 'create',
    });
    expect(
      decideLink({
        linkedUserId: null,
        account: null,
        identity: { ...verified, emailVerified: false },
      }),
    ).toEqual({ kind: 'create' });
  });

  it('links an existing account only when both sides verified the email', () => {
    const account = { userId: 'usr_2', emailVerified: true };
    expect(decideLink({ linkedUserId: null, account, identity: verified })).toEqual({
      kind: 'link',
      userId: 'usr_2',
    });
    expect(
      decideLink({ linkedUserId: null, account, identity: { ...verified, emailVerified: false } }),
    ).toEqual({ kind: 'refuse', error: 'email_not_verified', userId: 'usr_2' });
    expect(
      decideLink({
        linkedUserId: null,
        account: { ...account, emailVerified: false },
        identity: verified,
      }),
    ).toEqual({ kind: 'refuse', error: 'account_email_unverified', userId: 'usr_2' });
  });

  it('refuses an unlinked identity without an email', () => {
    expect(
      decideLink({ linkedUserId: null, account: null, identity: { emailVerified: false } }),
    ).toEqual({ kind: 'refuse', error: 'email_required' });
  });
});

describe('safeReturnPath', () => {
  it('keeps paths on the frontend', () => {
    expect(safeReturnPath('/settings')).toBe('/settings');
    expect(safeReturnPath('/a/b?tab=2#x')).toBe('/a/b?tab=2#x');
  });

  it('drops anything that could lead to another site', () => {
    for (const bad of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'settings',
      '/a b',
      '/a\nb',
      '',
      '/' + 'x'.repeat(600),
      42,
      undefined,
    ]) {
      expect([bad, safeReturnPath(bad)]).toEqual([bad, undefined]);
    }
  });
});

describe('displayNameFor', () => {
  it("takes the provider's name, else the email's local part, cleaned and at most 100 characters", () => {
    expect(displayNameFor({ name: '  Ada Lovelace ', email: 'ada@example.com' })).toBe(
      'Ada Lovelace',
    );
    expect(displayNameFor({ name: '', email: 'grace.hopper@example.com' })).toBe('grace.hopper');
    expect(displayNameFor({ name: 'Bad\u0000Name' })).toBe('Bad Name');
    expect([...displayNameFor({ name: '😀'.repeat(150) })]).toHaveLength(100);
    expect(displayNameFor({})).toBe('User');
  });
});

describe('pickGithubEmail', () => {
  it('prefers the primary address, then a verified one', () => {
    expect(
      pickGithubEmail([
        { email: 'old@example.com', primary: false, verified: true },
        { email: 'main@example.com', primary: true, verified: false },
      ]),
    ).toEqual({ email: 'main@example.com', verified: false });
    expect(
      pickGithubEmail([
        { email: 'a@example.com', primary: false, verified: false },
        { email: 'b@example.com', primary: false, verified: true },
      ]),
    ).toEqual({ email: 'b@example.com', verified: true });
  });

  it('ignores malformed answers', () => {
    expect(pickGithubEmail({ message: 'Not Found' })).toBeNull();
    expect(pickGithubEmail([{ email: 'nope', primary: true, verified: true }])).toBeNull();
    expect(pickGithubEmail([{ email: 'x@example.com', primary: true, verified: 'yes' }])).toEqual({
      email: 'x@example.com',
      verified: false,
    });
  });
});

describe('providerErrorCode', () => {
  it('passes access_denied on and hides every other provider error', () => {
    expect(providerErrorCode('access_denied')).toBe('access_denied');
    expect(providerErrorCode('server_error')).toBe('provider_error');
    expect(providerErrorCode('<script>')).toBe('provider_error');
  });
});
