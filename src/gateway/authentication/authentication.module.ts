import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokenVerifierModule } from '../../contracts/auth/token-verifier.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { AuthenticationGuard } from './authentication.guard.js';

/** Registers the access-token guard for every HTTP route of the gateway. */
@Module({
  imports: [TokenVerifierModule, RateLimitModule],
  providers: [{ provide: APP_GUARD, useClass: AuthenticationGuard }],
})
export class AuthenticationModule {}
