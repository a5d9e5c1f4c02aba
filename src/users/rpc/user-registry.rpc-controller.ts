import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type RpcEnvelope } from '../../platform/transport/index.js';
import type { CreateUserCommand, UserDto } from '../../contracts/users/user.dto.js';
import { UsersPatterns } from '../../contracts/users/users.patterns.js';
import { AuthEvents } from '../../contracts/auth/auth.patterns.js';
import { deliveryPattern } from '../../contracts/events.js';
import type { DomainEvent } from '../../contracts/common/event-envelope.js';
import { UserRegistry } from '../application/user-registry.use-cases.js';

/** What other parts ask the users part: create, read and discard users. */
@Controller()
export class UserRegistryRpcController {
  constructor(private readonly registry: UserRegistry) {}

  @Rpc(UsersPatterns.create)
  create(@Payload() { meta, data }: RpcEnvelope<CreateUserCommand>): Promise<UserDto> {
    return this.registry.create(data, meta);
  }

  @Rpc(UsersPatterns.get)
  get(@Payload() { data }: RpcEnvelope<{ id: string }>): Promise<UserDto> {
    return this.registry.get(data?.id);
  }

  @Rpc(UsersPatterns.getByEmail)
  getByEmail(@Payload() { data }: RpcEnvelope<{ email: string }>): Promise<UserDto> {
    return this.registry.getByEmail(data?.email);
  }

  @Rpc(UsersPatterns.discard)
  async discard(@Payload() { meta, data }: RpcEnvelope<{ id: string }>): Promise<void> {
    await this.registry.discard(data?.id, meta);
  }

  /** Keeps `email_verified` in step with auth (outbox delivery; acknowledged once applied). */
  @Rpc(deliveryPattern('users', AuthEvents.emailVerified))
  async emailVerified(@Payload() { data }: RpcEnvelope<DomainEvent>): Promise<{ ok: true }> {
    await this.registry.markEmailVerified(data?.user_id);
    return { ok: true };
  }
}
