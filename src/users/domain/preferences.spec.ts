import { describe, expect, it } from '@jest/globals';
import { applyMergePatch } from './merge-patch.js';
import { DEFAULT_NOTIFICATIONS, patchPreferences, type Preferences } from './preferences.js';

const base: Preferences = {
  locale: null,
  timezone: null,
  theme: 'system',
  notifications: { ...DEFAULT_NOTIFICATIONS },
  custom: {},
};

describe('applyMergePatch (RFC 7396 appendix A)', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(cases)('%j + %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('keeps "__proto__" a plain member', () => {
    const merged = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as object;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});

describe('patchPreferences', () => {
  it('canonicalises locale and time zone and merges notifications and custom', () => {
    const r = patchPreferences(
      { ...base, custom: { a: 1, b: { c: 2 } } },
      {
        locale: 'de-de',
        timezone: 'europe/berlin',
        theme: 'dark',
        notifications: { marketing: true },
        custom: { b: { c: null, d: 3 } },
      },
    );
    expect(r).toEqual({
      ok: true,
      changed: ['locale', 'timezone', 'theme', 'notifications', 'custom'],
      value: {
        locale: 'de-DE',
        timezone: 'Europe/Berlin',
        theme: 'dark',
        notifications: { security: true, product: true, marketing: true },
        custom: { a: 1, b: { d: 3 } },
      },
    });
  });

  it('resets to defaults with null', () => {
    const r = patchPreferences(
      {
        locale: 'en-US',
        timezone: 'UTC',
        theme: 'dark',
        notifications: { security: true, product: false, marketing: true },
        custom: { x: 1 },
      },
      { locale: null, timezone: null, theme: null, notifications: null, custom: null },
    );
    expect(r.ok && r.value).toEqual(base);
  });

  it('names every bad field', () => {
    const r = patchPreferences(base, {
      locale: 'not a locale!',
      timezone: 'Mars/Olympus',
      theme: 'neon',
      notifications: { security: false, sms: true, product: 'yes' },
      role: 'admin',
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.field).sort()).toEqual([
      'locale',
      'notifications.product',
      'notifications.security',
      'notifications.sms',
      'role',
      'theme',
      'timezone',
    ]);
  });

  it('rejects offsets as time zones, non-objects and oversized custom', () => {
    expect(patchPreferences(base, { timezone: '+01:00' }).ok).toBe(false);
    expect(patchPreferences(base, ['x']).ok).toBe(false);
    expect(patchPreferences(base, { custom: { big: 'x'.repeat(16 * 1024) } }).ok).toBe(false);
    expect(patchPreferences(base, { custom: 'not an object' }).ok).toBe(false);
    expect(patchPreferences(base, { custom: [1, 2] }).ok).toBe(false);
    expect(patchPreferences(base, { custom: { fits: 'x'.repeat(16 * 1024 - 20) } }).ok).toBe(true);
    expect(patchPreferences(base, { custom: { nul: 'a\u0000b' } }).ok).toBe(false);
    for (const custom of ['not an object', 42, true, ['a']]) {
      expect(patchPreferences(base, { custom })).toEqual({
        ok: false,
        errors: [{ field: 'custom', message: 'custom must be an object' }],
      });
    }
  });
});
