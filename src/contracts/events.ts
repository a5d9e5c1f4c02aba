import { AuthEvents } from './auth/auth.patterns.js';
import { UsersEvents } from './users/users.patterns.js';

/** Payment events (owned by the payments contract, listed here for routing). */
export const PaymentEventTypes = {
  succeeded: 'payments.payment.succeeded.v1',
  failed: 'payments.payment.failed.v1',
  refunded: 'payments.payment.refunded.v1',
} as const;

/**
 * Which parts must receive each durable event. The outbox of the producing part delivers every
 * event to each consumer listed here (request/reply, retried until acknowledged).
 */
export const EVENT_CONSUMERS: Record<string, readonly string[]> = {
  [AuthEvents.userRegistered]: ['analytics'],
  [AuthEvents.loginSucceeded]: ['analytics'],
  [AuthEvents.loginFailed]: ['analytics'],
  [AuthEvents.emailVerified]: ['users'],
  [UsersEvents.created]: ['analytics'],
  [UsersEvents.updated]: [],
  [UsersEvents.deleted]: ['analytics'],
  [PaymentEventTypes.succeeded]: ['analytics'],
  [PaymentEventTypes.failed]: ['analytics'],
  [PaymentEventTypes.refunded]: ['analytics'],
};

export { deliveryPattern } from '../platform/outbox/domain-event.js';
