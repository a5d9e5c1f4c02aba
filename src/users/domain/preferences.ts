import { applyMergePatch, isPlainObject } from './merge-patch.js';
import { canonicalLocale, canonicalTimeZone } from './user.rules.js';

export type Theme = 'light' | 'dark' | 'system';
export const THEMES: readonly Theme[] = ['light', 'dark', 'system'];

export interface Notifications {
  security: true;
  product: boolean;
  marketing: boolean;
}

export interface Preferences {
  locale: string | null;
  timezone: string | null;
  theme: Theme;
  notifications: Notifications;
  custom: unknown;
}

export const DEFAULT_NOTIFICATIONS: Notifications = {
  security: true,
  product: true,
  marketing: false,
};
export const DEFAULT_THEME: Theme = 'system';
export const CUSTOM_MAX_BYTES = 16 * 1024;
const CUSTOM_MAX_DEPTH = 32;

export interface FieldProblem {
  field: string;
  message: string;
}

export type PatchResult =
  { ok: true; value: Preferences; changed: string[] } | { ok: false; errors: FieldProblem[] };

const KEYS = ['locale', 'timezone', 'theme', 'notifications', 'custom'] as const;
const NOTIFICATION_KEYS = ['security', 'product', 'marketing'] as const;

/**
 * Applies an RFC 7396 merge patch to the preferences and checks the result: unknown keys and
 * invalid values are reported per field, `null` resets a setting to its default, and
 * `notifications.security` cannot be turned off.
 */
export function patchPreferences(current: Preferences, patch: unknown): PatchResult {
  const errors: FieldProblem[] = [];
  if (!isPlainObject(patch)) {
    return {
      ok: false,
      errors: [
        { field: '(body)', message: 'a merge patch of the preferences must be a JSON object' },
      ],
    };
  }
  const next: Preferences = {
    ...current,
    notifications: { ...current.notifications },
  };
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case 'locale': {
        if (value === null) next.locale = null;
        else {
          const canonical = typeof value === 'string' ? canonicalLocale(value) : undefined;
          if (!canonical)
            errors.push({
              field: 'locale',
              message: 'locale must be a BCP 47 language tag such as "en-US"',
            });
          else next.locale = canonical;
        }
        break;
      }
      case 'timezone': {
        if (value === null) next.timezone = null;
        else {
          const canonical = typeof value === 'string' ? canonicalTimeZone(value) : undefined;
          if (!canonical)
            errors.push({
              field: 'timezone',
              message: 'timezone must be an IANA time-zone name such as "Europe/Berlin"',
            });
          else next.timezone = canonical;
        }
        break;
      }
      case 'theme': {
        if (value === null) next.theme = DEFAULT_THEME;
        else if (typeof value === 'string' && (THEMES as readonly string[]).includes(value))
          next.theme = value as Theme;
        else errors.push({ field: 'theme', message: 'theme must be one of light, dark, system' });
        break;
      }
      case 'notifications': {
        if (value === null) {
          next.notifications = { ...DEFAULT_NOTIFICATIONS };
          break;
        }
        if (!isPlainObject(value)) {
          errors.push({ field: 'notifications', message: 'notifications must be an object' });
          break;
        }
        for (const [nk, nv] of Object.entries(value)) {
          const field = `notifications.${nk}`;
          if (!(NOTIFICATION_KEYS as readonly string[]).includes(nk)) {
            errors.push({ field, message: `unknown field "${nk}"` });
          } else if (nk === 'security') {
            if (nv !== true && nv !== null) {
              errors.push({ field, message: 'security notifications are always on' });
            }
          } else if (nv === null) {
            next.notifications[nk as 'product' | 'marketing'] =
              DEFAULT_NOTIFICATIONS[nk as 'product' | 'marketing'];
          } else if (typeof nv !== 'boolean') {
            errors.push({ field, message: `${field} must be a boolean` });
          } else {
            next.notifications[nk as 'product' | 'marketing'] = nv;
          }
        }
        break;
      }
      case 'custom': {
        if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
          errors.push({ field: 'custom', message: 'custom must be a JSON object or null' });
          break;
        }
        const merged = value === null ? {} : applyMergePatch(current.custom, value);
        const problem = checkCustom(merged);
        if (problem) errors.push({ field: 'custom', message: problem });
        else next.custom = merged;
        break;
      }
      default:
        errors.push({ field: key, message: `unknown field "${key}"` });
    }
  }
  if (errors.length) return { ok: false, errors };
  const changed = KEYS.filter((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]));
  return { ok: true, value: next, changed };
}

/** Free JSON, at most 16 KB once serialised, storable as jsonb (no NUL characters). */
export function checkCustom(value: unknown): string | undefined {
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text, 'utf8') > CUSTOM_MAX_BYTES) {
    return `custom must be at most ${CUSTOM_MAX_BYTES} bytes of JSON`;
  }
  if (text.includes('\\u0000')) return 'custom must not contain NUL characters';
  if (depthOf(value) > CUSTOM_MAX_DEPTH)
    return `custom must be nested at most ${CUSTOM_MAX_DEPTH} levels deep`;
  return undefined;
}

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let max = 0;
  for (const v of Object.values(value)) max = Math.max(max, depthOf(v));
  return max + 1;
}
