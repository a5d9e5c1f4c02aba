// Jest loads global setup as CommonJS without the module name mapper, hence no extension.
// @ts-ignore TS2835
import { startPlatform, type Mode } from './platform-process';
// @ts-ignore TS2835
import { startMailSink } from './mailbox';
// @ts-ignore TS2835
import { startFakeStripe } from './fake-stripe';
// @ts-ignore TS2835
import { startFakePaypal } from './fake-paypal';
// @ts-ignore TS2835
import { startFakeOidc } from './fake-oidc';
// @ts-ignore TS2835
import { startFakeGithub } from './fake-github';
import { join } from 'node:path';

/** Where social sign-ins end in the e2e platform (never fetched: tests read the redirect). */
const E2E_FRONTEND_URL = 'http://app.platform.test/signed-in';

/** Starts the platform once for the e2e suite; E2E_MODE=all (default) or split. */
export default async function globalSetup() {
  const mode = (process.env.E2E_MODE ?? 'all') as Mode;
  // A real SMTP server on 127.0.0.1; received mail lands as files that tests read.
  const mailDir = join(
    process.cwd(),
    '.test-data',
    'mail',
    `${mode}_${Date.now().toString(36)}_${process.pid}`,
  );
  const mail = await startMailSink(mailDir);
  (globalThis as { __MAIL__?: unknown }).__MAIL__ = mail;
  process.env.E2E_MAIL_DIR = mail.dir;
  // Stripe and PayPal stand-ins on 127.0.0.1; their official SDKs in the platform talk to them.
  const stripe = await startFakeStripe();
  const paypal = await startFakePaypal();
  // Social sign-in providers: an OpenID Connect issuer (`acme`) and GitHub.
  const oidc = await startFakeOidc();
  const github = await startFakeGithub();
  (globalThis as { __FAKE_PROVIDERS__?: unknown }).__FAKE_PROVIDERS__ = [
    stripe,
    paypal,
    oidc,
    github,
  ];
  process.env.E2E_STRIPE_URL = stripe.url;
  process.env.E2E_STRIPE_WEBHOOK_SECRET = stripe.webhookSecret;
  process.env.E2E_PAYPAL_URL = paypal.url;
  const paymentsEnv = {
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    STRIPE_API_URL: stripe.url,
    PAYPAL_CLIENT_ID: paypal.clientId,
    PAYPAL_CLIENT_SECRET: paypal.clientSecret,
    PAYPAL_WEBHOOK_ID: paypal.webhookId,
    PAYPAL_API_URL: paypal.url,
  };
  const socialEnv = {
    OAUTH_PROVIDERS: 'acme,github',
    OAUTH_ACME_ISSUER: oidc.url,
    OAUTH_ACME_CLIENT_ID: oidc.clientId,
    OAUTH_ACME_CLIENT_SECRET: oidc.clientSecret,
    OAUTH_GITHUB_CLIENT_ID: github.clientId,
    OAUTH_GITHUB_CLIENT_SECRET: github.clientSecret,
    OAUTH_GITHUB_WEB_URL: github.url,
    OAUTH_GITHUB_API_URL: github.url,
    FRONTEND_URL: E2E_FRONTEND_URL,
  };
  process.env.E2E_FRONTEND_URL = E2E_FRONTEND_URL;
  process.env.E2E_OIDC_CLIENT_ID = oidc.clientId;
  const platform = await startPlatform({
    mode,
    env: { SMTP_URL: mail.url, ...paymentsEnv, ...socialEnv },
  });
  (globalThis as { __PLATFORM__?: unknown }).__PLATFORM__ = platform;
  process.env.E2E_URL = platform.url;
  process.env.E2E_MODE = mode;
  process.env.E2E_LOG_DIR = platform.logDir;
  // Where the payments and auth processes serve /metrics (the gateway's port in all mode).
  process.env.E2E_PAYMENTS_URL = platform.procs.get('payments')?.healthUrl ?? platform.url;
  process.env.E2E_AUTH_URL = platform.procs.get('auth')?.healthUrl ?? platform.url;
}
