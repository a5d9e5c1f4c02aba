import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type {
  AuditPageDto,
  AuthUserExport,
  ChangePasswordCommand,
  InviteCommand,
  LoginCommand,
  LoginResultDto,
  RegisterCommand,
  RegisteredUserDto,
  ResetPasswordCommand,
  SessionDto,
  TokenPairDto,
} from '../../contracts/auth/auth.dto.js';
import { AuthPatterns } from '../../contracts/auth/auth.patterns.js';
import { Rpc, type RpcEnvelope } from '../../platform/transport/index.js';
import { AccountUseCases } from '../application/account.use-cases.js';
import { EmailVerificationUseCase } from '../application/email-verification.use-case.js';
import { LoginUseCase } from '../application/login.use-case.js';
import { PasswordUseCases } from '../application/password.use-cases.js';
import { RefreshUseCase } from '../application/refresh.use-case.js';
import { RegisterUseCase } from '../application/register.use-case.js';

/** The auth part's front door: every message it answers. */
@Controller()
export class AuthRpcController {
  constructor(
    private readonly registration: RegisterUseCase,
    private readonly logins: LoginUseCase,
    private readonly refreshes: RefreshUseCase,
    private readonly passwords: PasswordUseCases,
    private readonly emails: EmailVerificationUseCase,
    private readonly accounts: AccountUseCases,
  ) {}

  @Rpc(AuthPatterns.register)
  register(@Payload() { meta, data }: RpcEnvelope<RegisterCommand>): Promise<RegisteredUserDto> {
    return this.registration.register(data, meta);
  }

  @Rpc(AuthPatterns.login)
  login(@Payload() { meta, data }: RpcEnvelope<LoginCommand>): Promise<LoginResultDto> {
    return this.logins.login(data, meta);
  }

  @Rpc(AuthPatterns.refresh)
  refresh(
    @Payload() { meta, data }: RpcEnvelope<{ refresh_token: string }>,
  ): Promise<TokenPairDto> {
    return this.refreshes.refresh(data?.refresh_token, meta);
  }

  @Rpc(AuthPatterns.logout)
  async logout(@Payload() { meta }: RpcEnvelope): Promise<void> {
    await this.accounts.logout(meta);
  }

  @Rpc(AuthPatterns.listSessions)
  listSessions(@Payload() { meta }: RpcEnvelope): Promise<SessionDto[]> {
    return this.accounts.listSessions(meta);
  }

  @Rpc(AuthPatterns.revokeSession)
  async revokeSession(
    @Payload() { meta, data }: RpcEnvelope<{ session_id: string }>,
  ): Promise<void> {
    await this.accounts.revokeSession(data?.session_id, meta);
  }

  @Rpc(AuthPatterns.revokeOtherSessions)
  revokeOthers(@Payload() { meta }: RpcEnvelope): Promise<{ revoked: number }> {
    return this.accounts.revokeOthers(meta);
  }

  @Rpc(AuthPatterns.listUserSessions)
  listUserSessions(
    @Payload() { meta, data }: RpcEnvelope<{ user_id: string }>,
  ): Promise<SessionDto[]> {
    return this.accounts.listUserSessions(String(data?.user_id), meta);
  }

  @Rpc(AuthPatterns.revokeUserSessions)
  revokeAll(
    @Payload() { meta, data }: RpcEnvelope<{ user_id: string; except_session_id?: string }>,
  ): Promise<{ revoked: number }> {
    return this.accounts.revokeAll(data, meta);
  }

  @Rpc(AuthPatterns.changePassword)
  async changePassword(@Payload() { meta, data }: RpcEnvelope<ChangePasswordCommand>) {
    await this.passwords.change(data, meta);
  }

  @Rpc(AuthPatterns.forgotPassword)
  async forgotPassword(@Payload() { meta, data }: RpcEnvelope<{ email: string }>) {
    await this.passwords.forgot(data?.email, meta);
  }

  @Rpc(AuthPatterns.resetPassword)
  async resetPassword(@Payload() { meta, data }: RpcEnvelope<ResetPasswordCommand>) {
    await this.passwords.reset(data, meta);
  }

  @Rpc(AuthPatterns.verifyEmail)
  async verifyEmail(@Payload() { meta, data }: RpcEnvelope<{ token: string }>) {
    await this.emails.verify(data?.token, meta);
  }

  @Rpc(AuthPatterns.resendVerification)
  async resendVerification(@Payload() { meta }: RpcEnvelope) {
    await this.emails.resend(meta);
  }

  @Rpc(AuthPatterns.listAudit)
  listAudit(
    @Payload() { meta, data }: RpcEnvelope<{ limit?: number; cursor?: string }>,
  ): Promise<AuditPageDto> {
    return this.accounts.listAudit(data ?? {}, meta);
  }

  @Rpc(AuthPatterns.beginRegistration)
  async beginRegistration(@Payload() { data }: RpcEnvelope<{ user_id: string }>) {
    await this.accounts.beginRegistration(data?.user_id);
  }

  @Rpc(AuthPatterns.invite)
  async invite(@Payload() { meta, data }: RpcEnvelope<InviteCommand>) {
    await this.accounts.invite(data, meta);
  }

  @Rpc(AuthPatterns.verifyPassword)
  verifyPassword(
    @Payload() { data }: RpcEnvelope<{ user_id: string; password: string }>,
  ): Promise<{ valid: boolean }> {
    return this.accounts.verifyPassword(data);
  }

  @Rpc(AuthPatterns.exportUser)
  exportUser(@Payload() { data }: RpcEnvelope<{ user_id: string }>): Promise<AuthUserExport> {
    return this.accounts.exportUser(String(data?.user_id));
  }

  @Rpc(AuthPatterns.eraseUser)
  async eraseUser(@Payload() { meta, data }: RpcEnvelope<{ user_id: string }>): Promise<void> {
    await this.accounts.eraseUser(String(data?.user_id), meta);
  }
}
