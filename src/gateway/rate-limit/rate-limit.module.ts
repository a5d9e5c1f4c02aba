import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TokenVerifierModule } from '../../contracts/auth/token-verifier.module.js';
import { HttpEdgeHook } from '../../platform/http/edge.js';
import { RateLimiter } from './rate-limiter.js';
import { UserRateLimitInterceptor } from './user-rate-limit.interceptor.js';

/** Rate limits at the edge (see RateLimiter); the bootstrap installs the hook. */
@Module({
  imports: [TokenVerifierModule],
  providers: [
    RateLimiter,
    { provide: HttpEdgeHook, useExisting: RateLimiter },
    { provide: APP_INTERCEPTOR, useClass: UserRateLimitInterceptor },
  ],
  exports: [HttpEdgeHook, RateLimiter],
})
export class RateLimitModule {}
