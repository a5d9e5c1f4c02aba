import type Stripe from 'stripe';

let sdk: Promise<typeof Stripe> | undefined;

/**
 * The Stripe SDK, imported on first use: loading it costs start-up time and memory in every
 * process running payments, most of which never talk to Stripe until a card payment comes.
 */
export function loadStripe(): Promise<typeof Stripe> {
  return (sdk ??= import('stripe').then((m) => m.default));
}
