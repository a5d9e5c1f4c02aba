import type { PartDefinition } from '../platform/bootstrap/part-definition.js';
import { UsersHttpModule } from './http/users-http.module.js';
import { UsersModule } from './users.module.js';
import { usersSchema } from './persistence/users.schema.js';

export const usersPart: PartDefinition = {
  name: 'users',
  module: UsersModule,
  httpModule: UsersHttpModule,
  schema: usersSchema,
};
