import type { PartSchema } from '../../platform/database/index.js';
import { outboxMigrations } from '../../platform/outbox/index.js';
import { UsersCreateUsers0001 } from './migrations/0001-create-users.migration.js';
import { UsersDiscardedUsers0002 } from './migrations/0002-discarded-users.migration.js';
import { UserRecord } from './user.entity.js';

export const usersSchema: PartSchema = {
  schema: 'users',
  entities: [UserRecord],
  migrations: [UsersCreateUsers0001, UsersDiscardedUsers0002, ...outboxMigrations('users')],
};
