import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type {
  LoginResultDto,
  SocialCallbackCommand,
  SocialRedirectDto,
  SocialStartCommand,
  SocialStartDto,
} from '../../contracts/auth/auth.dto.js';
import { AuthPatterns } from '../../contracts/auth/auth.patterns.js';
import { Rpc, type RpcEnvelope } from '../../platform/transport/index.js';
import { SocialLoginUseCases } from '../application/social/social-login.use-cases.js';

/** Social sign-in messages: start, the provider's callback, and the one-time code exchange. */
@Controller()
export class SocialLoginRpcController {
  constructor(private readonly social: SocialLoginUseCases) {}

  @Rpc(AuthPatterns.socialStart)
  start(@Payload() { data }: RpcEnvelope<SocialStartCommand>): Promise<SocialStartDto> {
    return this.social.start(data);
  }

  @Rpc(AuthPatterns.socialCallback)
  callback(
    @Payload() { meta, data }: RpcEnvelope<SocialCallbackCommand>,
  ): Promise<SocialRedirectDto> {
    return this.social.callback(data, meta);
  }

  @Rpc(AuthPatterns.socialExchange)
  exchange(@Payload() { meta, data }: RpcEnvelope<{ code: string }>): Promise<LoginResultDto> {
    return this.social.exchange(data?.code, meta);
  }
}
