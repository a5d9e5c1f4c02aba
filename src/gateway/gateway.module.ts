import { Module } from '@nestjs/common';
import { AuthenticationModule } from './authentication/authentication.module.js';

/** The HTTP edge: authentication guard, rate limits, security headers. Runs with the gateway role. */
@Module({ imports: [AuthenticationModule] })
export class GatewayModule {}
