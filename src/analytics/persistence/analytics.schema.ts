import type { PartSchema } from '../../platform/database/index.js';

export const analyticsSchema: PartSchema = {
  schema: 'analytics',
  entities: [],
  migrations: [],
};
