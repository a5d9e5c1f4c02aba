import { Module } from '@nestjs/common';
import { AuthenticationModule } from './authentication/authentication.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';

/** The HTTP edge: authentication guard, rate limits, security headers. Runs with the gateway role. */
@Module({ imports: [RateLimitModule, AuthenticationModule] })
export class GatewayModule {}
