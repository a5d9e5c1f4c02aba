import { Injectable } from '@nestjs/common';
import { RpcClient } from '../../platform/transport/rpc-client.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import type { CreateUserCommand, UserDto } from './user.dto.js';
import type {
  AdminCreateUserCommand,
  AdminUpdateUserCommand,
  AdminUserView,
  ListUsersQuery,
  PreferencesView,
  ProfileView,
  PublicUserView,
  UpdateProfileCommand,
  UserDataExport,
  UserPage,
  UsersPartExport,
} from './user.views.js';
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

  read(id: string, meta: RpcMeta): Promise<PublicUserView> {
    return this.rpc.send(UsersPatterns.read, { id }, meta);
  }

  profile(id: string, meta: RpcMeta): Promise<ProfileView> {
    return this.rpc.send(UsersPatterns.profileGet, { id }, meta);
  }

  updateProfile(id: string, changes: UpdateProfileCommand, meta: RpcMeta): Promise<ProfileView> {
    return this.rpc.send(UsersPatterns.profileUpdate, { id, changes }, meta);
  }

  preferences(id: string, meta: RpcMeta): Promise<PreferencesView> {
    return this.rpc.send(UsersPatterns.preferencesGet, { id }, meta);
  }

  patchPreferences(id: string, patch: unknown, meta: RpcMeta): Promise<PreferencesView> {
    return this.rpc.send(UsersPatterns.preferencesPatch, { id, patch }, meta);
  }

  delete(id: string, meta: RpcMeta, password?: string): Promise<void> {
    return this.rpc.send(UsersPatterns.delete, { id, password }, meta);
  }

  exportAll(userId: string, meta: RpcMeta): Promise<UserDataExport> {
    // Gathers from every part: allow for their own timeouts plus ours.
    return this.rpc.send(UsersPatterns.exportAll, { user_id: userId }, meta, {
      timeoutMs: 12_000,
    });
  }

  list(query: ListUsersQuery, meta: RpcMeta): Promise<UserPage> {
    return this.rpc.send(UsersPatterns.list, query, meta);
  }

  adminCreate(cmd: AdminCreateUserCommand, meta: RpcMeta): Promise<AdminUserView> {
    return this.rpc.send(UsersPatterns.adminCreate, cmd, meta);
  }

  adminGet(id: string, meta: RpcMeta): Promise<AdminUserView> {
    return this.rpc.send(UsersPatterns.adminGet, { id }, meta);
  }

  adminUpdate(id: string, changes: AdminUpdateUserCommand, meta: RpcMeta): Promise<AdminUserView> {
    return this.rpc.send(UsersPatterns.adminUpdate, { id, changes }, meta);
  }

  exportUser(userId: string, meta?: RpcMeta): Promise<UsersPartExport> {
    return this.rpc.send(UsersPatterns.exportUser, { user_id: userId }, meta);
  }
}
