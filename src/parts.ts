import { analyticsPart } from './analytics/analytics.part.js';
import { authPart } from './auth/auth.part.js';
import { gatewayPart } from './gateway/gateway.part.js';
import { paymentsPart } from './payments/payments.part.js';
import { usersPart } from './users/users.part.js';
import type { PartDefinition } from './platform/bootstrap/part-definition.js';

/** Every part of the platform; APP_ROLES picks which of them a process runs. */
export const PARTS: PartDefinition[] = [
  gatewayPart,
  authPart,
  usersPart,
  paymentsPart,
  analyticsPart,
];
