import { Injectable } from '@nestjs/common';
import type { UserDto } from '../../contracts/users/user.dto.js';
import { UsersClient } from '../../contracts/users/users.client.js';
import { ProblemException } from '../../platform/errors/problem.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';

/** The users part, as auth needs it: profiles and whether a user may sign in. */
@Injectable()
export class UserDirectory {
  constructor(readonly users: UsersClient) {}

  /** The user, or null when the users part does not know the id. */
  async find(id: string, meta?: RpcMeta): Promise<UserDto | null> {
    try {
      return await this.users.get(id, meta);
    } catch (err) {
      if (err instanceof ProblemException && err.getStatus() === 404) return null;
      throw err;
    }
  }

  static maySignIn(user: UserDto | null): user is UserDto {
    return !!user && !user.disabled && !user.deleted_at;
  }
}
