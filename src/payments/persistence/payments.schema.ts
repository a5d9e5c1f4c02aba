import type { PartSchema } from '../../platform/database/index.js';
import { outboxMigrations } from '../../platform/outbox/index.js';
import { PaymentsInit1732500000000 } from './migrations/1732500000000-payments-init.js';

export const paymentsSchema: PartSchema = {
  schema: 'payments',
  entities: [],
  migrations: [PaymentsInit1732500000000, ...outboxMigrations('payments')],
};
