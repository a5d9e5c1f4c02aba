import type { PartSchema } from '../../platform/database/index.js';

export const authSchema: PartSchema = {
  schema: 'auth',
  entities: [],
  migrations: [],
};
