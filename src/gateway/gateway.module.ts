import { Module } from '@nestjs/common';

/** The HTTP edge: authentication guard, rate limits, security headers. Runs with the gateway role. */
@Module({})
export class GatewayModule {}
