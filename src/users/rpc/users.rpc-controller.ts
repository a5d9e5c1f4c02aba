import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type RpcEnvelope } from '../../platform/transport/index.js';
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
} from '../../contracts/users/user.views.js';
import { UsersPatterns } from '../../contracts/users/users.patterns.js';
import { AdminUseCases } from '../application/admin.use-cases.js';
import { ErasureUseCases } from '../application/erasure.use-cases.js';
import { ExportUseCases } from '../application/export.use-cases.js';
import { ProfileUseCases } from '../application/profile.use-cases.js';

type ById = { id: string };

/**
 * Calls made on behalf of a signed-in user (checked against `meta.actor`), admin calls, and the
 * cross-part data patterns (export, erase).
 */
@Controller()
export class UsersRpcController {
  constructor(
    private readonly profiles: ProfileUseCases,
    private readonly admin: AdminUseCases,
    private readonly erasure: ErasureUseCases,
    private readonly exports: ExportUseCases,
  ) {}

  @Rpc(UsersPatterns.read)
  read(@Payload() { meta, data }: RpcEnvelope<ById>): Promise<PublicUserView> {
    return this.profiles.read(data?.id, meta);
  }

  @Rpc(UsersPatterns.profileGet)
  profile(@Payload() { meta, data }: RpcEnvelope<ById>): Promise<ProfileView> {
    return this.profiles.profile(data?.id, meta);
  }

  @Rpc(UsersPatterns.profileUpdate)
  updateProfile(
    @Payload() { meta, data }: RpcEnvelope<ById & { changes: UpdateProfileCommand }>,
  ): Promise<ProfileView> {
    return this.profiles.updateProfile(data?.id, data?.changes, meta);
  }

  @Rpc(UsersPatterns.preferencesGet)
  preferences(@Payload() { meta, data }: RpcEnvelope<ById>): Promise<PreferencesView> {
    return this.profiles.preferences(data?.id, meta);
  }

  @Rpc(UsersPatterns.preferencesPatch)
  patchPreferences(
    @Payload() { meta, data }: RpcEnvelope<ById & { patch: unknown }>,
  ): Promise<PreferencesView> {
    return this.profiles.patchPreferences(data?.id, data?.patch, meta);
  }

  @Rpc(UsersPatterns.delete)
  async delete(
    @Payload() { meta, data }: RpcEnvelope<ById & { password?: string }>,
  ): Promise<void> {
    await this.erasure.delete(data?.id, data?.password, meta);
  }

  @Rpc(UsersPatterns.exportAll)
  exportAll(@Payload() { meta, data }: RpcEnvelope<{ user_id: string }>): Promise<UserDataExport> {
    return this.exports.build(data?.user_id, meta);
  }

  @Rpc(UsersPatterns.list)
  list(@Payload() { meta, data }: RpcEnvelope<ListUsersQuery>): Promise<UserPage> {
    return this.admin.list(data, meta);
  }

  @Rpc(UsersPatterns.adminCreate)
  adminCreate(
    @Payload() { meta, data }: RpcEnvelope<AdminCreateUserCommand>,
  ): Promise<AdminUserView> {
    return this.admin.create(data, meta);
  }

  @Rpc(UsersPatterns.adminGet)
  adminGet(@Payload() { meta, data }: RpcEnvelope<ById>): Promise<AdminUserView> {
    return this.admin.get(data?.id, meta);
  }

  @Rpc(UsersPatterns.adminUpdate)
  adminUpdate(
    @Payload() { meta, data }: RpcEnvelope<ById & { changes: AdminUpdateUserCommand }>,
  ): Promise<AdminUserView> {
    return this.admin.update(data?.id, data?.changes, meta);
  }

  @Rpc(UsersPatterns.exportUser)
  exportUser(@Payload() { data }: RpcEnvelope<{ user_id: string }>): Promise<UsersPartExport> {
    return this.exports.own(data?.user_id);
  }

  @Rpc(UsersPatterns.eraseUser)
  async eraseUser(@Payload() { meta, data }: RpcEnvelope<{ user_id: string }>): Promise<void> {
    await this.erasure.eraseNow(data?.user_id, meta);
  }
}
