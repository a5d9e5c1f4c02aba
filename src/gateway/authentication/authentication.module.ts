import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard.js';

/** Registers the access-token guard for every HTTP route of the gateway. */
@Module({ providers: [{ provide: APP_GUARD, useClass: AuthenticationGuard }] })
export class AuthenticationModule {}
