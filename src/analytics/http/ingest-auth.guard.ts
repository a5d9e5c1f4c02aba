import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isClientToken } from '../../contracts/auth/access-token.js';
import { livenessOf } from '../../contracts/auth/token-liveness.js';
import { TokenVerifier } from '../../contracts/auth/token-verifier.js';
import { AppConfig } from '../../platform/config/index.js';
import { ProblemException } from '../../platform/errors/index.js';
import type { AuthenticatedRequest } from '../../platform/http/index.js';
import { KeyValueStore } from '../../platform/kv/index.js';

export interface IngestRequest extends AuthenticatedRequest {
  writeKeyId?: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The credential in the Authorization header: `Basic base64(<key>:)` or `Bearer <token or key>`. */
export function credentialOf(
  header: string | undefined,
): { scheme: 'basic' | 'bearer'; value: string } | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const key = colon === -1 ? decoded : decoded.slice(0, colon) || decoded.slice(colon + 1);
    return key ? { scheme: 'basic', value: key } : undefined;
  }
  if (/^bearer$/i.test(scheme)) return { scheme: 'bearer', value };
  return undefined;
}

/**
 * Who may send events: a signed-in user (a valid access token of a live session, checked as
 * the gateway guard checks it, with the shared contract) or a server holding one of
 * ANALYTICS_WRITE_KEYS, sent as `Authorization: Basic base64(<key>:)` (Segment's form) or
 * `Bearer <key>`. The route is public to the gateway guard because that guard refuses any
 * Authorization header that is not a user token; this guard makes the whole decision.
 * Keys are compared in constant time, every key every time.
 */
@Injectable()
export class IngestAuthGuard implements CanActivate {
  private readonly keys: Buffer[];

  constructor(
    config: AppConfig,
    private readonly kv: KeyValueStore,
    private readonly tokens: TokenVerifier,
  ) {
    this.keys = config.get('ANALYTICS_WRITE_KEYS').map(digest);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<IngestRequest>();
    if (req.actor) return true;
    const cred = credentialOf(req.headers.authorization);
    if (!cred)
      throw unauthorized(
        'Sign in, or send an ingestion key as Authorization: Basic base64(<key>:).',
      );
    if (cred.scheme === 'bearer' && JWT_SHAPE.test(cred.value)) {
      const result = await this.tokens.verify(cred.value);
      if (result.ok) {
        const c = result.claims;
        // Tokens granted to OAuth clients serve only routes that accept their scopes.
        if (isClientToken(c) || c.client_id !== undefined) {
          throw new ProblemException(403, 'insufficient-scope', 'Sign in to send events.');
        }
        if ((await livenessOf(c, this.kv)) === 'live') {
          req.actor = {
            id: c.sub,
            role: c.role,
            sid: c.sid,
            aal: c.aal,
            amr: c.amr,
            auth_time: c.auth_time,
          };
          return true;
        }
        throw unauthorized('The session has ended.');
      }
    }
    const given = digest(cred.value);
    let match = -1;
    this.keys.forEach((k, i) => {
      if (timingSafeEqual(k, given) && match === -1) match = i;
    });
    if (match === -1) throw unauthorized('The access token or ingestion key is not valid.');
    req.writeKeyId = `key${match + 1}`;
    return true;
  }
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException(401, 'unauthorized', detail, {
    headers: { 'www-authenticate': 'Basic realm="analytics", Bearer realm="platform"' },
  });
}
