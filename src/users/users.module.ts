import { Module } from '@nestjs/common';

/** The users part: message handlers, use cases and persistence. Runs where APP_ROLES has users. */
@Module({})
export class UsersModule {}
