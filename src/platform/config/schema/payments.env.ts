import { int, optionalStr, str, url } from '../env-var.js';

/** Settings read by the payments part. A provider without its keys refuses its method (422). */
export const paymentsEnv = {
  STRIPE_SECRET_KEY: optionalStr({
    doc: 'Stripe secret API key (sk_live_… / sk_test_…); unset = card payments refused (422)',
    secret: true,
  }),
  STRIPE_WEBHOOK_SECRET: optionalStr({
    doc: 'Signing secret of the Stripe webhook endpoint (whsec_…); checks Stripe-Signature',
    secret: true,
  }),
  STRIPE_API_URL: url({
    doc: 'Stripe API base URL override (a proxy or a local test server); unset = api.stripe.com',
    protocols: ['http', 'https'],
  }),
  PAYPAL_CLIENT_ID: optionalStr({
    doc: 'PayPal REST app client id; unset = PayPal payments refused (422)',
  }),
  PAYPAL_CLIENT_SECRET: optionalStr({ doc: 'PayPal REST app client secret', secret: true }),
  PAYPAL_WEBHOOK_ID: optionalStr({
    doc: 'Id of the PayPal webhook subscription, needed to verify webhook signatures',
  }),
  PAYPAL_ENVIRONMENT: str({
    doc: 'PayPal environment: sandbox or production',
    default: 'sandbox',
    choices: ['sandbox', 'production'],
  }),
  PAYPAL_API_URL: url({
    doc: 'PayPal API base URL override (a proxy or a local test server); unset = the environment',
    protocols: ['http', 'https'],
  }),
  PAYPAL_RETURN_URL: str({
    doc: 'Where PayPal sends the payer after approving',
    default: 'http://localhost:8000/payments/paypal/return',
  }),
  PAYPAL_CANCEL_URL: str({
    doc: 'Where PayPal sends the payer after cancelling',
    default: 'http://localhost:8000/payments/paypal/cancel',
  }),
  WIRE_BENEFICIARY: str({
    doc: 'Account holder named in wire instructions (at most 140 characters)',
    default: 'Platform Payments Ltd',
    maxLength: 140,
  }),
  WIRE_IBAN: str({
    doc: 'IBAN wire payments are sent to (no spaces)',
    default: 'DE89370400440532013000',
    pattern: /^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$/,
  }),
  WIRE_BIC: str({
    doc: 'BIC of the wire account (8 or 11 characters)',
    default: 'COBADEFFXXX',
    pattern: /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/,
  }),
  PAYMENTS_IDEMPOTENCY_TTL_HOURS: int({
    doc: 'How long an Idempotency-Key is remembered per user',
    default: 24,
    min: 1,
  }),
  PAYMENTS_IDEMPOTENCY_LEASE_S: int({
    doc: 'How long a request holds its Idempotency-Key (409 to others) before a retry may take over, e.g. after a crash; keep it above the longest provider call with its retries',
    default: 120,
    min: 1,
  }),
  PAYMENTS_PROVIDER_TIMEOUT_MS: int({
    doc: 'Timeout of each call to Stripe or PayPal',
    default: 10000,
    min: 100,
  }),
  PAYMENTS_RECHECK_INTERVAL_MS: int({
    doc: 'How often payments stuck in processing are re-checked with their provider (0 = never)',
    default: 60000,
    min: 0,
  }),
  PAYMENTS_RECHECK_AFTER_MS: int({
    doc: 'A payment counts as stuck after this long in processing without news',
    default: 300000,
    min: 0,
  }),
};
