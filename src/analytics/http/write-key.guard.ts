import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AppConfig } from '../../platform/config/index.js';
import { ProblemException } from '../../platform/errors/index.js';
import type { AuthenticatedRequest } from '../../platform/http/index.js';

export interface IngestRequest extends AuthenticatedRequest {
  writeKeyId?: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The key in `Authorization: Basic base64(<key>:)` (Segment's form) or `Bearer <key>`. */
export function presentedKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(0, colon) || decoded.slice(colon + 1);
  }
  if (/^bearer$/i.test(scheme)) return value;
  return undefined;
}

/**
 * POST /analytics/events takes a signed-in user (the gateway guard set `actor`) or a server
 * holding one of ANALYTICS_WRITE_KEYS. Keys are compared in constant time, every key every
 * time, so timing tells nothing about which or how much matched.
 */
@Injectable()
export class WriteKeyGuard implements CanActivate {
  private readonly keys: Buffer[];

  constructor(config: AppConfig) {
    this.keys = config.get('ANALYTICS_WRITE_KEYS').map(digest);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<IngestRequest>();
    if (req.actor) return true;
    const key = presentedKey(req.headers.authorization);
    if (key !== undefined) {
      const given = digest(key);
      let match = -1;
      this.keys.forEach((k, i) => {
        if (timingSafeEqual(k, given) && match === -1) match = i;
      });
      if (match !== -1) {
        req.writeKeyId = `key${match + 1}`;
        return true;
      }
    }
    throw new ProblemException(
      401,
      'unauthorized',
      'Sign in, or send an ingestion key as Authorization: Basic base64(<key>:).',
      { headers: { 'www-authenticate': 'Basic realm="analytics", Bearer' } },
    );
  }
}
