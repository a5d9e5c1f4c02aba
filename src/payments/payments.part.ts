import type { PartDefinition } from '../platform/bootstrap/part-definition.js';
import { PaymentsHttpModule } from './http/payments-http.module.js';
import { PaymentsModule } from './payments.module.js';
import { paymentsSchema } from './persistence/payments.schema.js';

export const paymentsPart: PartDefinition = {
  name: 'payments',
  module: PaymentsModule,
  httpModule: PaymentsHttpModule,
  schema: paymentsSchema,
};
