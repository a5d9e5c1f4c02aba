import { Injectable } from '@nestjs/common';
import { RpcClient } from '../../platform/transport/rpc-client.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import type { CreateUserCommand, UserDto } from './user.dto.js';
import { UsersPatterns } from './users.patterns.js';

/** Typed client of the users part. */
@Injectable()
export class UsersClient {
  constructor(private readonly rpc: RpcClient) {}

  create(cmd: CreateUserCommand, meta?: RpcMeta): Promise<UserDto> {
    return this.rpc.send(UsersPatterns.create, cmd, meta);
  }

  get(id: string, meta?: RpcMeta): Promise<UserDto> {
    return this.rpc.send(UsersPatterns.get, { id }, meta);
  }

  getByEmail(email: string, meta?: RpcMeta): Promise<UserDto> {
    return this.rpc.send(UsersPatterns.getByEmail, { email }, meta);
  }

  discard(id: string, meta?: RpcMeta): Promise<void> {
    return this.rpc.send(UsersPatterns.discard, { id }, meta);
  }
}
