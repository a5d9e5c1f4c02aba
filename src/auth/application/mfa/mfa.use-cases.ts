import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import QRCode from 'qrcode';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  MfaChallengeDto,
  MfaReauthCommand,
  MfaStatusDto,
  MfaVerifyCommand,
  RecoveryCodesDto,
  TokenPairDto,
  TotpSetupDto,
} from '../../../contracts/auth/auth.dto.js';
import type { UserDto } from '../../../contracts/users/user.dto.js';
import { ProblemException } from '../../../platform/errors/problem.js';
import { KeyValueStore } from '../../../platform/kv/key-value.store.js';
import { MetricsService } from '../../../platform/metrics/metrics.service.js';
import type { RpcMeta } from '../../../platform/transport/rpc-meta.js';
import { newOpaqueToken } from '../../domain/opaque-token.js';
import {
  hashRecoveryCode,
  looksLikeTotp,
  MFA_TOKEN_MAX_FAILURES,
  MFA_TOKEN_TTL_S,
  newRecoveryCode,
  RECOVERY_CODE_COUNT,
  TOTP,
} from '../../domain/totp.js';
import { CredentialEntity } from '../../persistence/auth.entities.js';
import { rowsOf } from '../session.service.js';
import { AuditLog } from '../audit-log.js';
import { AuthSettings } from '../auth-settings.js';
import { PasswordHasher } from '../password-hasher.js';
import { SignInService } from '../sign-in.service.js';
import { UserDirectory } from '../user-directory.js';
import { MfaCrypto } from './mfa-crypto.js';
import { MfaMails } from './mfa-mails.js';

interface FactorRow {
  user_id: string;
  secret_enc: string;
  status: 'pending' | 'active';
  last_time_step: string | number | null;
}

/** How the first step of a sign-in was made: `amr` value and audit method. */
export interface FirstFactor {
  amr: string;
  method: string;
}

const PASSWORD: FirstFactor = { amr: 'pwd', method: 'password' };

/** A second factor that was accepted. */
export interface SecondFactor {
  userId: string;
  user: UserDto;
  method: 'totp' | 'recovery_code';
  first: FirstFactor;
  /** `[first factor, "otp" or "rc"]`, e.g. `["pwd","otp"]`. */
  amr: string[];
  remainingCodes?: number;
}

interface Challenge {
  u: string;
  /** Epoch ms when the challenge ends. */
  exp: number;
  /** The first factor when not the password (a social sign-in). */
  f?: FirstFactor;
}

/** Verify attempts (right or wrong) of one user within 15 minutes, across mfa_tokens. */
const USER_VERIFY_LIMIT = 20;
const USER_VERIFY_WINDOW_MS = 15 * 60_000;

const keyOf = (token: string) =>
  `auth:mfa:challenge:${createHash('sha256').update(token).digest('base64url')}`;

const unauthenticated = () => new ProblemException(401, 'unauthenticated', 'Sign in first.');

export const reauthenticationRequired = (detail?: string) =>
  new ProblemException(
    403,
    'reauthentication-required',
    detail ??
      'Confirm it is you: sign in with your second factor, or send your password or a current ' +
        'authenticator code in the body.',
  );

const invalidMfaToken = () =>
  new ProblemException(
    401,
    'invalid-mfa-token',
    'The sign-in attempt expired or was used: sign in again with your password.',
  );

const invalidCode = (remaining?: number) =>
  new ProblemException(401, 'invalid-mfa-code', 'The code is incorrect or was already used.', {
    ...(remaining !== undefined ? { attempts_remaining: remaining } : {}),
  });

/**
 * Two-factor authentication with TOTP (RFC 6238) and single-use recovery codes.
 * A TOTP time step is accepted once per user (last_time_step), a recovery code once.
 */
@Injectable()
export class MfaUseCases {
  private readonly verifications;

  constructor(
    private readonly ds: DataSource,
    private readonly kv: KeyValueStore,
    private readonly crypto: MfaCrypto,
    private readonly hasher: PasswordHasher,
    private readonly signIn: SignInService,
    private readonly directory: UserDirectory,
    private readonly audit: AuditLog,
    private readonly mails: MfaMails,
    private readonly settings: AuthSettings,
    metrics: MetricsService,
  ) {
    this.verifications = metrics.counter(
      'auth_mfa_verifications_total',
      'Second-factor checks by method and outcome',
      ['method', 'outcome'] as const,
    );
  }

  private actorOf(meta: RpcMeta): string {
    const id = meta?.actor?.id;
    if (!id) throw unauthenticated();
    return id;
  }

  private async factor(userId: string, m?: EntityManager): Promise<FactorRow | null> {
    const rows = (await (m ?? this.ds).query(
      `SELECT user_id, secret_enc, status, last_time_step FROM auth.mfa_factors WHERE user_id = $1`,
      [userId],
    )) as FactorRow[];
    return rows[0] ?? null;
  }

  /** True when the user must give a second factor at sign-in. */
  async isActive(userId: string): Promise<boolean> {
    return (await this.factor(userId))?.status === 'active';
  }

  async status(meta: RpcMeta): Promise<MfaStatusDto> {
    const userId = this.actorOf(meta);
    const f = await this.factor(userId);
    const active = f?.status === 'active';
    return {
      totp_enabled: active,
      recovery_codes_remaining: active ? await this.remainingCodes(userId) : 0,
    };
  }

  private async remainingCodes(userId: string, m?: EntityManager): Promise<number> {
    const rows = (await (m ?? this.ds).query(
      `SELECT count(*)::int AS n FROM auth.mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    )) as { n: number | string }[];
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Checks a TOTP code and, when right, records its time step so that it (and any earlier
   * step) is never accepted again for this user. Atomic against concurrent requests.
   */
  private async consumeTotp(f: FactorRow, code: string, m?: EntityManager): Promise<boolean> {
    if (!looksLikeTotp(code)) return false;
    const secret = this.crypto.decrypt(f.secret_enc);
    const last = f.last_time_step === null ? undefined : Number(f.last_time_step);
    const result = await verifyTotp({
      secret,
      token: code.trim(),
      algorithm: TOTP.algorithm,
      digits: TOTP.digits,
      period: TOTP.period,
      epochTolerance: TOTP.toleranceSec,
      ...(last !== undefined ? { afterTimeStep: last } : {}),
    }).catch(() => ({ valid: false as const }));
    if (!result.valid) return false;
    const step = (result as { timeStep?: number }).timeStep;
    if (typeof step !== 'number') return false;
    const updated = rowsOf<{ user_id: string }>(
      await (m ?? this.ds).query(
        `UPDATE auth.mfa_factors SET last_time_step = $2
          WHERE user_id = $1 AND (last_time_step IS NULL OR last_time_step < $2)
          RETURNING user_id`,
        [f.user_id, step],
      ),
    );
    return updated.length === 1;
  }

  async setup(meta: RpcMeta): Promise<TotpSetupDto> {
    const userId = this.actorOf(meta);
    const existing = await this.factor(userId);
    if (existing?.status === 'active') {
      throw new ProblemException(
        409,
        'mfa-already-enabled',
        'Two-factor authentication is already on; disable it first to enrol a new authenticator.',
      );
    }
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ userId });
    if (!cred) throw unauthenticated();
    const secret = generateSecret();
    const sealed = this.crypto.encrypt(secret);
    const otpauthUrl = generateURI({
      issuer: this.settings.issuer,
      label: cred.email,
      secret,
      algorithm: TOTP.algorithm,
      digits: TOTP.digits,
      period: TOTP.period,
    });
    const qr = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 2 });
    await this.ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO auth.mfa_factors (user_id, secret_enc, status, last_time_step, created_at)
         VALUES ($1, $2, 'pending', NULL, $3)
         ON CONFLICT (user_id) DO UPDATE
           SET secret_enc = EXCLUDED.secret_enc, status = 'pending', last_time_step = NULL,
               created_at = EXCLUDED.created_at, activated_at = NULL
         WHERE auth.mfa_factors.status = 'pending'`,
        [userId, sealed, new Date()],
      );
      await this.audit.record(m, {
        type: 'mfa.totp_setup',
        userId,
        sessionId: meta.actor?.sid,
        meta,
      });
    });
    return { secret, otpauth_url: otpauthUrl, qr_code: qr };
  }

  async activate(code: string, meta: RpcMeta): Promise<RecoveryCodesDto> {
    const userId = this.actorOf(meta);
    const f = await this.factor(userId);
    if (!f) {
      throw new ProblemException(409, 'mfa-not-set-up', 'Call POST /auth/mfa/totp/setup first.');
    }
    if (f.status === 'active') {
      throw new ProblemException(
        409,
        'mfa-already-enabled',
        'Two-factor authentication is already on.',
      );
    }
    const codes = await this.ds.transaction(async (m) => {
      if (!(await this.consumeTotp(f, code, m))) {
        throw new ProblemException(
          400,
          'invalid-mfa-code',
          'The code is incorrect: check the clock of your device and try the current code.',
        );
      }
      await m.query(
        `UPDATE auth.mfa_factors SET status = 'active', activated_at = $2 WHERE user_id = $1`,
        [userId, new Date()],
      );
      const fresh = await this.replaceRecoveryCodes(m, userId);
      await this.audit.record(m, {
        type: 'mfa.totp_activated',
        userId,
        sessionId: meta.actor?.sid,
        meta,
      });
      return fresh;
    });
    await this.notify(userId, 'activated');
    return { recovery_codes: codes };
  }

  private async replaceRecoveryCodes(m: EntityManager, userId: string): Promise<string[]> {
    await m.query(`DELETE FROM auth.mfa_recovery_codes WHERE user_id = $1`, [userId]);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode());
    const now = new Date();
    for (const c of codes) {
      await m.query(
        `INSERT INTO auth.mfa_recovery_codes (hash, user_id, created_at) VALUES ($1, $2, $3)`,
        [hashRecoveryCode(c), userId, now],
      );
    }
    return codes;
  }

  /** Called once the first factor (password, or a social sign-in) is right: no tokens yet. */
  async challenge(userId: string, first: FirstFactor = PASSWORD): Promise<MfaChallengeDto> {
    const token = newOpaqueToken('mfa');
    const ttlMs = MFA_TOKEN_TTL_S * 1000;
    const c: Challenge = {
      u: userId,
      exp: Date.now() + ttlMs,
      ...(first.method !== PASSWORD.method ? { f: first } : {}),
    };
    await this.kv.set(keyOf(token), JSON.stringify(c), ttlMs);
    return { mfa_required: true, mfa_token: token, expires_in: MFA_TOKEN_TTL_S };
  }

  /**
   * Checks the second factor of a sign-in (the mfa_token and a TOTP or recovery code) and
   * that the user may still sign in; opens nothing. Shared by sign-in and the OAuth page.
   */
  async checkSecondFactor(cmd: MfaVerifyCommand, meta: RpcMeta): Promise<SecondFactor> {
    const token = typeof cmd?.mfa_token === 'string' ? cmd.mfa_token : '';
    const key = keyOf(token);
    // Claim the challenge: a token works for one request at a time and once in all.
    const raw = token ? await this.kv.getDel(key) : null;
    if (!raw) throw invalidMfaToken();
    const c = JSON.parse(raw) as Challenge;
    const method = cmd.recovery_code ? 'recovery_code' : 'totp';

    const limit = await this.kv.hit(
      `auth:mfa:verify:${c.u}`,
      USER_VERIFY_LIMIT,
      USER_VERIFY_WINDOW_MS,
    );
    if (!limit.allowed) {
      await this.restore(key, c);
      const retry = Math.max(1, Math.ceil(limit.resetMs / 1000));
      throw new ProblemException(429, 'too-many-attempts', 'Too many codes tried: wait a while.', {
        retry_after: retry,
        headers: { 'Retry-After': String(retry) },
      });
    }

    const f = await this.factor(c.u);
    if (!f || f.status !== 'active') throw invalidMfaToken();

    let ok = false;
    let remainingCodes: number | undefined;
    if (cmd.recovery_code) {
      const used = rowsOf<{ hash: string }>(
        await this.ds.query(
          `UPDATE auth.mfa_recovery_codes SET used_at = $3
            WHERE user_id = $1 AND hash = $2 AND used_at IS NULL RETURNING hash`,
          [c.u, hashRecoveryCode(String(cmd.recovery_code)), new Date()],
        ),
      );
      ok = used.length === 1;
      if (ok) remainingCodes = await this.remainingCodes(c.u);
    } else {
      ok = await this.consumeTotp(f, String(cmd.code ?? ''));
    }

    if (!ok) {
      const failures = await this.kv.incr(`${key}:failures`, MFA_TOKEN_TTL_S * 1000);
      const left = MFA_TOKEN_MAX_FAILURES - failures;
      if (left > 0) await this.restore(key, c);
      else await this.kv.del(`${key}:failures`);
      await this.ds.transaction((m) =>
        this.audit.record(m, {
          type: 'mfa.verify_failed',
          userId: c.u,
          meta,
          data: { method, failures, token_revoked: left <= 0 },
        }),
      );
      this.verifications.labels(method, 'failed').inc();
      throw left > 0 ? invalidCode(left) : invalidMfaToken();
    }
    await this.kv.del(`${key}:failures`);

    const user = await this.directory.find(c.u, meta);
    if (!UserDirectory.maySignIn(user)) throw invalidMfaToken();
    const first = c.f ?? PASSWORD;
    this.verifications.labels(method, 'succeeded').inc();
    return {
      userId: c.u,
      user,
      method,
      first,
      amr: [first.amr, method === 'totp' ? 'otp' : 'rc'],
      remainingCodes,
    };
  }

  /** Audits an accepted second factor inside the caller's transaction. */
  async recordSecondFactor(
    m: EntityManager,
    r: SecondFactor,
    sessionId: string | null,
    meta: RpcMeta,
  ): Promise<void> {
    await this.audit.record(m, {
      type: r.method === 'totp' ? 'mfa.verify_succeeded' : 'mfa.recovery_code_used',
      userId: r.userId,
      sessionId,
      meta,
      data: {
        method: r.method,
        ...(r.remainingCodes !== undefined ? { remaining: r.remainingCodes } : {}),
      },
    });
  }

  /** Second step of a sign-in: the mfa_token and a TOTP or recovery code. */
  async verify(cmd: MfaVerifyCommand, meta: RpcMeta): Promise<TokenPairDto> {
    const r = await this.checkSecondFactor(cmd, meta);
    return this.signIn.complete({
      userId: r.userId,
      role: r.user.role,
      meta,
      method: `${r.first.method}+${r.method}`,
      aal: 'aal2',
      amr: r.amr,
      alsoIn: (m, session) => this.recordSecondFactor(m, r, session.id, meta),
    });
  }

  /** Puts a claimed challenge back for its remaining lifetime. */
  private async restore(key: string, c: Challenge): Promise<void> {
    const left = c.exp - Date.now();
    if (left > 0) await this.kv.set(key, JSON.stringify(c), left);
  }

  /**
   * Sensitive changes need proof of presence: an aal2 session, or the password, or a
   * current TOTP code in the body. Returns the active factor.
   */
  private async reauthenticate(
    userId: string,
    body: MfaReauthCommand,
    meta: RpcMeta,
  ): Promise<FactorRow> {
    const f = await this.factor(userId);
    if (!f || f.status !== 'active') {
      throw new ProblemException(409, 'mfa-not-enabled', 'Two-factor authentication is off.');
    }
    if (meta.actor?.aal === 'aal2') return f;
    if (body?.password) {
      const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ userId });
      if (cred && (await this.hasher.verify(cred.passwordHash, String(body.password)))) return f;
      throw reauthenticationRequired('The password is incorrect.');
    }
    if (body?.code) {
      if (await this.consumeTotp(f, String(body.code))) return f;
      throw reauthenticationRequired('The code is incorrect or was already used.');
    }
    throw reauthenticationRequired();
  }

  async regenerateRecoveryCodes(body: MfaReauthCommand, meta: RpcMeta): Promise<RecoveryCodesDto> {
    const userId = this.actorOf(meta);
    await this.reauthenticate(userId, body, meta);
    const codes = await this.ds.transaction(async (m) => {
      const fresh = await this.replaceRecoveryCodes(m, userId);
      await this.audit.record(m, {
        type: 'mfa.recovery_codes_regenerated',
        userId,
        sessionId: meta.actor?.sid,
        meta,
      });
      return fresh;
    });
    return { recovery_codes: codes };
  }

  async disable(body: MfaReauthCommand, meta: RpcMeta): Promise<void> {
    const userId = this.actorOf(meta);
    await this.reauthenticate(userId, body, meta);
    await this.ds.transaction(async (m) => {
      await m.query(`DELETE FROM auth.mfa_factors WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM auth.mfa_recovery_codes WHERE user_id = $1`, [userId]);
      await this.audit.record(m, {
        type: 'mfa.totp_disabled',
        userId,
        sessionId: meta.actor?.sid,
        meta,
      });
    });
    await this.notify(userId, 'disabled');
  }

  /** Security mail; never fails the request. */
  private async notify(userId: string, what: 'activated' | 'disabled'): Promise<void> {
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ userId });
    if (cred?.email) this.mails.changed(cred.email, what);
  }

  /** Erasure: forget the factor and codes. */
  async erase(m: EntityManager, userId: string): Promise<void> {
    await m.query(`DELETE FROM auth.mfa_factors WHERE user_id = $1`, [userId]);
    await m.query(`DELETE FROM auth.mfa_recovery_codes WHERE user_id = $1`, [userId]);
  }
}
