import type { FastifyRequest } from 'fastify';
import { invalidClient, oauthError } from '../../contracts/auth/oauth-errors.js';
import type { BasicCredentials, ClientRequest } from '../../contracts/auth/oauth.dto.js';

export const FORM = 'application/x-www-form-urlencoded';

/** form-urlencoded decoding of one component (`+` is a space), as RFC 6749 §2.3.1 asks. */
function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/**
 * The client credentials of an `Authorization: Basic` header (RFC 6749 §2.3.1: client id and
 * secret each form-urlencoded, then joined by a colon and base64-encoded); undefined when
 * there is no header. Any other scheme, or a malformed value, is a failed authentication.
 */
export function basicCredentials(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic +([A-Za-z0-9+/=]{1,1024})$/i.exec(header.trim());
  if (!match) throw invalidClient('Client authentication must use the Basic scheme.');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw invalidClient('The Basic credentials are malformed.');
  try {
    return {
      client_id: formDecode(decoded.slice(0, colon)),
      client_secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    throw invalidClient('The Basic credentials are malformed.');
  }
}

/** The request of a client at the token, revocation or introspection endpoint. */
export function clientRequestOf(req: FastifyRequest, body: unknown): ClientRequest {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== FORM || !body || typeof body !== 'object' || Array.isArray(body)) {
    throw oauthError('invalid_request', `The body must be ${FORM}.`);
  }
  return { params: paramsOf(body), basic: basicCredentials(req.headers.authorization) };
}

/** String (or repeated string) values of a query or form; anything else is dropped. */
export function paramsOf(input: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!input || typeof input !== 'object' || Array.isArray(input)) return out;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
      out[k] = v as string | string[];
    }
  }
  return out;
}
