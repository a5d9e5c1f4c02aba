import { Module } from '@nestjs/common';
import { EVENT_CONSUMERS } from '../contracts/events.js';
import { OutboxModule } from '../platform/outbox/index.js';
import { AdminUseCases } from './application/admin.use-cases.js';
import { ErasureJob } from './application/erasure.job.js';
import { ErasureUseCases } from './application/erasure.use-cases.js';
import { ExportUseCases } from './application/export.use-cases.js';
import { OtherParts } from './application/other-parts.js';
import { ProfileUseCases } from './application/profile.use-cases.js';
import { UserEvents } from './application/user-events.js';
import { UserRegistry } from './application/user-registry.use-cases.js';
import { UserRepository } from './persistence/user.repository.js';
import { UserRegistryRpcController } from './rpc/user-registry.rpc-controller.js';
import { UsersRpcController } from './rpc/users.rpc-controller.js';

/** The users part: message handlers, use cases and persistence. Runs where APP_ROLES has users. */
@Module({
  imports: [OutboxModule.forPart('users', EVENT_CONSUMERS)],
  controllers: [UserRegistryRpcController, UsersRpcController],
  providers: [
    UserRepository,
    UserEvents,
    OtherParts,
    UserRegistry,
    ProfileUseCases,
    AdminUseCases,
    ErasureUseCases,
    ExportUseCases,
    ErasureJob,
  ],
})
export class UsersModule {}
