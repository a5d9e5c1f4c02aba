import { Module } from '@nestjs/common';
import { UserEvents } from './application/user-events.js';
import { UserRegistry } from './application/user-registry.use-cases.js';
import { UserRepository } from './persistence/user.repository.js';
import { UserRegistryRpcController } from './rpc/user-registry.rpc-controller.js';

/** The users part: message handlers, use cases and persistence. Runs where APP_ROLES has users. */
@Module({
  controllers: [UserRegistryRpcController],
  providers: [UserRepository, UserEvents, UserRegistry],
})
export class UsersModule {}
