import type { PartSchema } from '../../platform/database/index.js';

export const usersSchema: PartSchema = {
  schema: 'users',
  entities: [],
  migrations: [],
};
