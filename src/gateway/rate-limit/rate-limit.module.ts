import { Module } from '@nestjs/common';
import { TokenVerifierModule } from '../../contracts/auth/token-verifier.module.js';
import { HttpEdgeHook } from '../../platform/http/edge.js';
import { RateLimiter } from './rate-limiter.js';

/** Rate limits at the edge (see RateLimiter); the bootstrap installs the hook. */
@Module({
  imports: [TokenVerifierModule],
  providers: [RateLimiter, { provide: HttpEdgeHook, useExisting: RateLimiter }],
  exports: [HttpEdgeHook, RateLimiter],
})
export class RateLimitModule {}
