import type { PartSchema } from '../../platform/database/index.js';

export const paymentsSchema: PartSchema = {
  schema: 'payments',
  entities: [],
  migrations: [],
};
