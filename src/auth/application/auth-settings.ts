import { Injectable } from '@nestjs/common';
import type { JwsAlgorithm } from '../../contracts/auth/jwt.js';
import { jwtAlgorithmOf, keyRefreshMs } from '../../contracts/auth/signing-keys.js';
import { AppConfig } from '../../platform/config/config.js';
import { decodeKey256 } from '../../platform/config/env-var.js';
import { developmentKey } from '../../platform/crypto/sealed.js';

/** The auth part's settings, read once. Durations in seconds unless the name says ms. */
@Injectable()
export class AuthSettings {
  readonly accessTtl: number;
  readonly refreshTtl: number;
  readonly graceSec: number;
  readonly sessionMaxAge: number;
  readonly issuer: string;
  readonly audience: string;
  readonly jwtSecret: string;
  readonly jwtAlgorithm: JwsAlgorithm;
  readonly leewaySec: number;
  /** Longest lifetime of any JWT auth signs: every token is refused past it (TokenIssuer). */
  readonly maxTokenLifetime: number;
  /** Seconds a retired key stays published: until every token it signed has expired. */
  readonly keyRetentionSec: number;
  readonly keyPublishDelaySec: number;
  readonly keyRefreshMs: number;
  /** Seals private signing keys at rest (a fixed key outside production when unset). */
  readonly keyEncryptionKey: Buffer;
  readonly lockout: { threshold: number; baseDelaySec: number; maxDelaySec: number };
  readonly lockoutResetSec: number;
  readonly verifyTtl: number;
  readonly resetTtl: number;
  readonly inviteTtl: number;
  readonly linkBase: string;
  readonly adminEmail?: string;
  readonly adminPassword?: string;

  constructor(config: AppConfig) {
    this.accessTtl = config.get('ACCESS_TOKEN_TTL');
    this.refreshTtl = config.get('REFRESH_TOKEN_TTL');
    this.graceSec = config.get('REFRESH_REUSE_GRACE_S');
    this.sessionMaxAge = config.get('SESSION_MAX_AGE');
    this.issuer = config.get('JWT_ISSUER');
    this.audience = config.get('JWT_AUDIENCE');
    this.jwtSecret = config.get('JWT_SECRET');
    this.jwtAlgorithm = jwtAlgorithmOf(config);
    this.leewaySec = config.get('JWT_LEEWAY_S');
    this.maxTokenLifetime = this.accessTtl;
    this.keyRetentionSec = this.maxTokenLifetime + this.leewaySec;
    this.keyPublishDelaySec = config.get('JWT_KEY_PUBLISH_DELAY_S');
    this.keyRefreshMs = keyRefreshMs(config);
    const kek = config.get('JWT_KEY_ENCRYPTION_KEY');
    // Production without it is refused at start (load-config) when a key pair is used.
    this.keyEncryptionKey = kek ? decodeKey256(kek) : developmentKey('jwt-signing');
    this.lockout = {
      threshold: config.get('LOCKOUT_THRESHOLD'),
      baseDelaySec: config.get('LOCKOUT_BASE_DELAY_S'),
      maxDelaySec: config.get('LOCKOUT_MAX_DELAY_S'),
    };
    this.lockoutResetSec = config.get('LOCKOUT_RESET_S');
    this.verifyTtl = config.get('EMAIL_VERIFICATION_TTL');
    this.resetTtl = config.get('PASSWORD_RESET_TTL');
    this.inviteTtl = config.get('INVITATION_TTL');
    this.linkBase = (config.get('AUTH_LINK_BASE_URL') ?? config.publicUrl).replace(/\/$/, '');
    this.adminEmail = config.get('ADMIN_EMAIL');
    this.adminPassword = config.get('ADMIN_PASSWORD');
  }
}
