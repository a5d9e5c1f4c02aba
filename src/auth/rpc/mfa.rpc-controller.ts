import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type {
  MfaReauthCommand,
  MfaStatusDto,
  MfaVerifyCommand,
  RecoveryCodesDto,
  TokenPairDto,
  TotpSetupDto,
} from '../../contracts/auth/auth.dto.js';
import { AuthPatterns } from '../../contracts/auth/auth.patterns.js';
import { Rpc, type RpcEnvelope } from '../../platform/transport/index.js';
import { MfaUseCases } from '../application/mfa/mfa.use-cases.js';

/** Two-factor authentication messages. */
@Controller()
export class MfaRpcController {
  constructor(private readonly mfa: MfaUseCases) {}

  @Rpc(AuthPatterns.mfaStatus)
  status(@Payload() { meta }: RpcEnvelope): Promise<MfaStatusDto> {
    return this.mfa.status(meta);
  }

  @Rpc(AuthPatterns.mfaTotpSetup)
  setup(@Payload() { meta }: RpcEnvelope): Promise<TotpSetupDto> {
    return this.mfa.setup(meta);
  }

  @Rpc(AuthPatterns.mfaTotpActivate)
  activate(@Payload() { meta, data }: RpcEnvelope<{ code: string }>): Promise<RecoveryCodesDto> {
    return this.mfa.activate(String(data?.code ?? ''), meta);
  }

  @Rpc(AuthPatterns.mfaVerify)
  verify(@Payload() { meta, data }: RpcEnvelope<MfaVerifyCommand>): Promise<TokenPairDto> {
    return this.mfa.verify(data, meta);
  }

  @Rpc(AuthPatterns.mfaRegenerateRecoveryCodes)
  regenerate(@Payload() { meta, data }: RpcEnvelope<MfaReauthCommand>): Promise<RecoveryCodesDto> {
    return this.mfa.regenerateRecoveryCodes(data ?? {}, meta);
  }

  @Rpc(AuthPatterns.mfaTotpDisable)
  async disable(@Payload() { meta, data }: RpcEnvelope<MfaReauthCommand>): Promise<void> {
    await this.mfa.disable(data ?? {}, meta);
  }
}
