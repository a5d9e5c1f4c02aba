import { Module } from '@nestjs/common';

/** The auth part: message handlers, use cases and persistence. Runs where APP_ROLES has auth. */
@Module({})
export class AuthModule {}
