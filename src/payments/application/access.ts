import { ProblemException, notFound } from '../../platform/errors/index.js';
import type { Actor, RpcMeta } from '../../platform/transport/index.js';
import type { PaymentRow } from '../persistence/payment.rows.js';

export function actorOf(meta: RpcMeta | undefined): Actor {
  const actor = meta?.actor;
  if (!actor?.id) throw new ProblemException(401, 'unauthenticated', 'Sign in first.');
  return actor;
}

export const isAdmin = (actor: Actor) => actor.role === 'admin';

export function requireAdmin(meta: RpcMeta | undefined): Actor {
  const actor = actorOf(meta);
  if (!isAdmin(actor)) throw new ProblemException(403, 'forbidden', 'Administrators only.');
  return actor;
}

/** Another member's payment does not exist for the caller (404, not 403: no enumeration). */
export function visible(payment: PaymentRow | undefined, actor: Actor): PaymentRow {
  if (!payment || (payment.user_id !== actor.id && !isAdmin(actor))) throw notFound('Payment');
  return payment;
}
