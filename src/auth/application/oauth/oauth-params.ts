import { oauthError, paramName } from '../../../contracts/auth/oauth-errors.js';

export type RawParams = Record<string, string | string[] | undefined>;

/** Longest value any OAuth parameter may have (codes, tokens, URIs, state). */
const MAX_PARAM_LENGTH = 4096;

/**
 * The parameters of an OAuth request as single strings. RFC 6749 §3.1/§3.2: parameters sent
 * without a value are treated as omitted, and none may be included more than once.
 */
export function singleParams(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as RawParams)) {
    if (Array.isArray(v)) {
      throw oauthError('invalid_request', `The parameter ${paramName(k)} is repeated.`);
    }
    if (typeof v !== 'string' || v === '') continue;
    if (v.length > MAX_PARAM_LENGTH) {
      throw oauthError('invalid_request', `The parameter ${paramName(k)} is too long.`);
    }
    out[k] = v;
  }
  return out;
}

/** Names of repeated parameters (for the authorization endpoint, which answers by redirect). */
export function repeatedParams(raw: unknown): string[] {
  if (!raw || typeof raw !== 'object') return [];
  return Object.entries(raw as RawParams)
    .filter(([, v]) => Array.isArray(v))
    .map(([k]) => k);
}
