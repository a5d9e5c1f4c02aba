import { Injectable } from '@nestjs/common';
import { RpcClient } from '../../platform/transport/rpc-client.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import type {
  AuditPageDto,
  AuthUserExport,
  ChangePasswordCommand,
  InviteCommand,
  LoginCommand,
  LoginResultDto,
  MfaReauthCommand,
  MfaStatusDto,
  MfaVerifyCommand,
  RecoveryCodesDto,
  TotpSetupDto,
  RegisterCommand,
  RegisteredUserDto,
  ResetPasswordCommand,
  SessionDto,
  SocialCallbackCommand,
  SocialRedirectDto,
  SocialStartCommand,
  SocialStartDto,
  TokenPairDto,
} from './auth.dto.js';
import { AuthPatterns } from './auth.patterns.js';
import type { KeyRotationDto, PublicKeySetDto, SigningKeyListDto } from './keys.dto.js';

/** Typed client of the auth part. */
@Injectable()
export class AuthClient {
  constructor(private readonly rpc: RpcClient) {}

  revokeUserSessions(
    userId: string,
    meta?: RpcMeta,
    exceptSessionId?: string,
  ): Promise<{ revoked: number }> {
    return this.rpc.send(
      AuthPatterns.revokeUserSessions,
      { user_id: userId, except_session_id: exceptSessionId },
      meta,
    );
  }

  invite(cmd: InviteCommand, meta?: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.invite, cmd, meta);
  }

  verifyPassword(userId: string, password: string, meta?: RpcMeta): Promise<{ valid: boolean }> {
    return this.rpc.send(AuthPatterns.verifyPassword, { user_id: userId, password }, meta);
  }

  exportUser(userId: string, meta?: RpcMeta): Promise<AuthUserExport> {
    return this.rpc.send(AuthPatterns.exportUser, { user_id: userId }, meta);
  }

  eraseUser(userId: string, meta?: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.eraseUser, { user_id: userId }, meta);
  }

  register(cmd: RegisterCommand, meta?: RpcMeta): Promise<RegisteredUserDto> {
    // Argon2 plus a call to users: allow more than the default timeout under load.
    return this.rpc.send(AuthPatterns.register, cmd, meta, { timeoutMs: 15_000 });
  }

  login(cmd: LoginCommand, meta?: RpcMeta): Promise<LoginResultDto> {
    return this.rpc.send(AuthPatterns.login, cmd, meta, { timeoutMs: 15_000 });
  }

  refresh(refreshToken: string, meta?: RpcMeta): Promise<TokenPairDto> {
    return this.rpc.send(AuthPatterns.refresh, { refresh_token: refreshToken }, meta);
  }

  logout(meta: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.logout, {}, meta);
  }

  listSessions(meta: RpcMeta): Promise<SessionDto[]> {
    return this.rpc.send(AuthPatterns.listSessions, {}, meta);
  }

  revokeSession(sessionId: string, meta: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.revokeSession, { session_id: sessionId }, meta);
  }

  revokeOtherSessions(meta: RpcMeta): Promise<{ revoked: number }> {
    return this.rpc.send(AuthPatterns.revokeOtherSessions, {}, meta);
  }

  changePassword(cmd: ChangePasswordCommand, meta: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.changePassword, cmd, meta, { timeoutMs: 15_000 });
  }

  forgotPassword(email: string, meta?: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.forgotPassword, { email }, meta);
  }

  resetPassword(cmd: ResetPasswordCommand, meta?: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.resetPassword, cmd, meta, { timeoutMs: 15_000 });
  }

  verifyEmail(token: string, meta?: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.verifyEmail, { token }, meta);
  }

  resendVerification(meta: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.resendVerification, {}, meta);
  }

  listUserSessions(userId: string, meta: RpcMeta): Promise<SessionDto[]> {
    return this.rpc.send(AuthPatterns.listUserSessions, { user_id: userId }, meta);
  }

  listAudit(query: { limit?: number; cursor?: string }, meta: RpcMeta): Promise<AuditPageDto> {
    return this.rpc.send(AuthPatterns.listAudit, query, meta);
  }

  mfaStatus(meta: RpcMeta): Promise<MfaStatusDto> {
    return this.rpc.send(AuthPatterns.mfaStatus, {}, meta);
  }

  mfaTotpSetup(meta: RpcMeta): Promise<TotpSetupDto> {
    return this.rpc.send(AuthPatterns.mfaTotpSetup, {}, meta);
  }

  mfaTotpActivate(code: string, meta: RpcMeta): Promise<RecoveryCodesDto> {
    return this.rpc.send(AuthPatterns.mfaTotpActivate, { code }, meta);
  }

  mfaVerify(cmd: MfaVerifyCommand, meta?: RpcMeta): Promise<TokenPairDto> {
    return this.rpc.send(AuthPatterns.mfaVerify, cmd, meta);
  }

  mfaRegenerateRecoveryCodes(cmd: MfaReauthCommand, meta: RpcMeta): Promise<RecoveryCodesDto> {
    return this.rpc.send(AuthPatterns.mfaRegenerateRecoveryCodes, cmd, meta, { timeoutMs: 15_000 });
  }

  mfaTotpDisable(cmd: MfaReauthCommand, meta: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.mfaTotpDisable, cmd, meta, { timeoutMs: 15_000 });
  }

  socialStart(cmd: SocialStartCommand, meta?: RpcMeta): Promise<SocialStartDto> {
    // May read the provider's discovery document first.
    return this.rpc.send(AuthPatterns.socialStart, cmd, meta, { timeoutMs: 15_000 });
  }

  socialCallback(cmd: SocialCallbackCommand, meta?: RpcMeta): Promise<SocialRedirectDto> {
    // Calls to the provider (token, keys, user API), then maybe a new account in users.
    return this.rpc.send(AuthPatterns.socialCallback, cmd, meta, { timeoutMs: 15_000 });
  }

  socialExchange(code: string, meta?: RpcMeta): Promise<LoginResultDto> {
    return this.rpc.send(AuthPatterns.socialExchange, { code }, meta, { timeoutMs: 15_000 });
  }

  publicKeys(): Promise<PublicKeySetDto> {
    return this.rpc.send(AuthPatterns.publicKeys, {});
  }

  listKeys(meta: RpcMeta): Promise<SigningKeyListDto> {
    return this.rpc.send(AuthPatterns.listKeys, {}, meta);
  }

  rotateKeys(meta: RpcMeta): Promise<KeyRotationDto> {
    return this.rpc.send(AuthPatterns.rotateKeys, {}, meta);
  }
}
