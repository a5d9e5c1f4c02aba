import { Injectable } from '@nestjs/common';
import type { Order, OrdersController, PaymentsController } from '@paypal/paypal-server-sdk';
import { AppConfig } from '../../platform/config/config.js';
import {
  PaymentProvider,
  ProviderError,
  type CreatedAtProvider,
  type ProviderPayment,
  type ProviderState,
  type RefundAtProvider,
} from '../application/payment-provider.js';
import { toDecimal } from '../domain/money.js';

const DEFAULT_BASE = {
  sandbox: 'https://api-m.sandbox.paypal.com',
  production: 'https://api-m.paypal.com',
} as const;

type PaypalSdk = typeof import('@paypal/paypal-server-sdk');
let sdkModule: Promise<PaypalSdk> | undefined;
/** Set once the SDK is loaded (errors can only be its ApiError after that). */
let loaded: PaypalSdk | undefined;

/**
 * The PayPal SDK, imported on first use: it is the heaviest module of the platform to load
 * (time and memory at every start), and only PayPal payments need it.
 */
function loadSdk(): Promise<PaypalSdk> {
  return (sdkModule ??= import('@paypal/paypal-server-sdk').then((m) => (loaded = m)));
}

/** What PayPal answers at /v1/notifications/verify-webhook-signature. */
interface VerifyResponse {
  verification_status?: string;
}

/**
 * PayPal Orders v2 through `@paypal/paypal-server-sdk`. PAYPAL_API_URL points the SDK at
 * another base URL (a proxy or a local test server) by rewriting the origin of each request
 * in the SDK's HTTP client options.
 */
@Injectable()
export class PaypalProvider extends PaymentProvider {
  readonly method = 'paypal' as const;
  private sdk?: { orders: OrdersController; payments: PaymentsController; mod: PaypalSdk };
  private token?: { value: string; expires: number };

  constructor(private readonly config: AppConfig) {
    super();
  }

  missingSetting(): string | undefined {
    if (!this.config.get('PAYPAL_CLIENT_ID')) return 'PAYPAL_CLIENT_ID';
    if (!this.config.get('PAYPAL_CLIENT_SECRET')) return 'PAYPAL_CLIENT_SECRET';
    return undefined;
  }

  /** Base URL of the PayPal REST API in use. */
  get baseUrl(): string {
    return (
      this.config.get('PAYPAL_API_URL') ??
      DEFAULT_BASE[this.config.get('PAYPAL_ENVIRONMENT') as 'sandbox']
    ).replace(/\/$/, '');
  }

  private async api() {
    if (this.sdk) return this.sdk;
    const missing = this.missingSetting();
    if (missing) throw new ProviderError('unavailable', 'not_configured', `${missing} is not set`);
    const mod = await loadSdk();
    const { Client, Environment, OrdersController, PaymentsController } = mod;
    const production = this.config.get('PAYPAL_ENVIRONMENT') === 'production';
    const override = this.config.get('PAYPAL_API_URL');
    const client = new Client({
      clientCredentialsAuthCredentials: {
        oAuthClientId: this.config.get('PAYPAL_CLIENT_ID')!,
        oAuthClientSecret: this.config.get('PAYPAL_CLIENT_SECRET')!,
      },
      environment: production ? Environment.Production : Environment.Sandbox,
      timeout: this.config.get('PAYMENTS_PROVIDER_TIMEOUT_MS'),
      ...(override ? { unstable_httpClientOptions: rewriteOrigin(production, override) } : {}),
    });
    this.sdk = {
      orders: new OrdersController(client),
      payments: new PaymentsController(client),
      mod,
    };
    return this.sdk;
  }

  async create(p: ProviderPayment, idempotencyKey: string): Promise<CreatedAtProvider> {
    const { result } = await call(async () => {
      const api = await this.api();
      return api.orders.createOrder({
        paypalRequestId: idempotencyKey,
        prefer: 'return=representation',
        body: {
          intent: api.mod.CheckoutPaymentIntent.Capture,
          purchaseUnits: [
            {
              referenceId: p.id,
              customId: p.id,
              ...(p.description ? { description: p.description.slice(0, 127) } : {}),
              amount: { currencyCode: p.currency, value: toDecimal(p.amount, p.currency) },
            },
          ],
          paymentSource: {
            paypal: {
              experienceContext: {
                returnUrl: this.config.get('PAYPAL_RETURN_URL'),
                cancelUrl: this.config.get('PAYPAL_CANCEL_URL'),
                userAction: api.mod.PaypalExperienceUserAction.PayNow,
              },
            },
          },
        },
      });
    });
    const approve = result.links?.find((l) => l.rel === 'payer-action' || l.rel === 'approve');
    if (!result.id || !approve) {
      throw new ProviderError('unavailable', 'bad_response', 'PayPal returned no approval link.');
    }
    return {
      providerRef: result.id,
      status: orderState(result).status,
      nextAction: { type: 'redirect', url: approve.href },
    };
  }

  async capture(p: ProviderPayment, idempotencyKey: string): Promise<ProviderState> {
    try {
      const { result } = await call(async () =>
        (await this.api()).orders.captureOrder({
          id: p.provider_ref!,
          paypalRequestId: idempotencyKey,
          prefer: 'return=representation',
        }),
      );
      return orderState(result);
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'ORDER_ALREADY_CAPTURED') {
        return (await this.retrieve(p))!;
      }
      throw err;
    }
  }

  async cancel(): Promise<ProviderState> {
    // An Orders v2 order with intent CAPTURE cannot be voided: it is simply never captured
    // and expires at PayPal.
    return { status: 'canceled' };
  }

  async refund(
    p: ProviderPayment,
    amount: number,
    reason: string | undefined,
    idempotencyKey: string,
  ): Promise<RefundAtProvider> {
    if (!p.capture_ref)
      throw new ProviderError('conflict', 'not_captured', 'Nothing was captured.');
    const { result } = await call(async () =>
      (await this.api()).payments.refundCapturedPayment({
        captureId: p.capture_ref!,
        paypalRequestId: idempotencyKey,
        prefer: 'return=representation',
        body: {
          amount: { currencyCode: p.currency, value: toDecimal(amount, p.currency) },
          customId: p.id,
          ...(reason ? { noteToPayer: reason.slice(0, 255) } : {}),
        },
      }),
    );
    const status = String(result.status ?? '');
    if (status === 'CANCELLED' || status === 'FAILED') {
      throw new ProviderError(
        'rejected',
        `refund_${status.toLowerCase()}`,
        'PayPal did not refund.',
      );
    }
    return {
      providerRef: result.id ?? null,
      status: status === 'COMPLETED' ? 'succeeded' : 'pending',
    };
  }

  async retrieve(p: ProviderPayment): Promise<ProviderState | undefined> {
    if (!p.provider_ref) return undefined;
    const { result } = await call(async () =>
      (await this.api()).orders.getOrder({ id: p.provider_ref! }),
    );
    return orderState(result);
  }

  /**
   * Verifies a webhook the way PayPal specifies with its verify-webhook-signature API: the
   * transmission headers, our webhook id and the event go to PayPal, which answers SUCCESS
   * or FAILURE. (The SDK has no webhook controller; the call uses the same OAuth2 client.)
   */
  async verifyWebhook(headers: Record<string, string>, event: unknown): Promise<boolean> {
    const webhookId = this.config.get('PAYPAL_WEBHOOK_ID');
    if (!webhookId)
      throw new ProviderError('unavailable', 'not_configured', 'PAYPAL_WEBHOOK_ID is not set');
    const h = (name: string) => headers[name] ?? headers[name.toLowerCase()];
    const required = [
      'paypal-transmission-id',
      'paypal-transmission-time',
      'paypal-transmission-sig',
      'paypal-cert-url',
      'paypal-auth-algo',
    ];
    if (required.some((name) => !h(name))) return false;
    const res = await this.post<VerifyResponse>('/v1/notifications/verify-webhook-signature', {
      auth_algo: h('paypal-auth-algo'),
      cert_url: h('paypal-cert-url'),
      transmission_id: h('paypal-transmission-id'),
      transmission_sig: h('paypal-transmission-sig'),
      transmission_time: h('paypal-transmission-time'),
      webhook_id: webhookId,
      webhook_event: event,
    });
    return res.verification_status === 'SUCCESS';
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expires > Date.now() + 30_000) return this.token.value;
    const id = this.config.get('PAYPAL_CLIENT_ID');
    const secret = this.config.get('PAYPAL_CLIENT_SECRET');
    if (!id || !secret)
      throw new ProviderError('unavailable', 'not_configured', 'PayPal keys are not set');
    const res = await this.fetch('/v1/oauth2/token', {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = (await res.json()) as { access_token: string; expires_in: number };
    this.token = { value: body.access_token, expires: Date.now() + body.expires_in * 1000 };
    return body.access_token;
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const res = await this.fetch(path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.accessToken()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    return (await res.json()) as T;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        ...init,
        signal: AbortSignal.timeout(this.config.get('PAYMENTS_PROVIDER_TIMEOUT_MS')),
      });
    } catch (err) {
      throw new ProviderError(
        'unavailable',
        'network',
        `PayPal unreachable: ${(err as Error).message}`,
      );
    }
    if (res.status >= 500 || res.status === 401 || res.status === 429) {
      throw new ProviderError('unavailable', `http_${res.status}`, `PayPal answered ${res.status}`);
    }
    if (!res.ok)
      throw new ProviderError('rejected', `http_${res.status}`, `PayPal answered ${res.status}`);
    return res;
  }
}

/** Order (and its capture) status to ours. */
export function orderState(order: Order): ProviderState {
  const capture = order.purchaseUnits?.[0]?.payments?.captures?.[0];
  if (capture) {
    const c = String(capture.status ?? '');
    const captureRef = capture.id;
    if (c === 'COMPLETED' || c === 'PARTIALLY_REFUNDED' || c === 'REFUNDED') {
      return { status: 'succeeded', captureRef };
    }
    if (c === 'PENDING') return { status: 'processing', captureRef };
    if (c === 'DECLINED' || c === 'FAILED') {
      return {
        status: 'failed',
        captureRef,
        failure: { code: `capture_${c.toLowerCase()}`, message: 'PayPal declined the capture.' },
      };
    }
  }
  switch (String(order.status ?? '')) {
    case 'APPROVED':
      return { status: 'processing' };
    case 'VOIDED':
      return { status: 'canceled' };
    case 'COMPLETED':
      return { status: 'succeeded' };
    default:
      return { status: 'requires_action' };
  }
}

/**
 * The SDK only knows PayPal's two hosts. Its HTTP client takes axios options, so requests go
 * through axios' fetch adapter with a fetch that swaps the origin for the configured one.
 */
function rewriteOrigin(production: boolean, target: string) {
  const from = production ? DEFAULT_BASE.production : DEFAULT_BASE.sandbox;
  const to = target.replace(/\/$/, '');
  const swap = (u: string) => (u.startsWith(from) ? to + u.slice(from.length) : u);
  const rewritingFetch = (input: string | URL | Request, init?: RequestInit) => {
    if (input instanceof Request) return fetch(new Request(swap(input.url), input), init);
    return fetch(swap(String(input)), init);
  };
  return { adapter: 'fetch', env: { fetch: rewritingFetch } };
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toProviderError(err);
  }
}

function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (loaded && err instanceof loaded.ApiError) {
    const body = (err.result ?? safeJson(err.body)) as
      | { name?: string; details?: { issue?: string; description?: string }[]; message?: string }
      | undefined;
    const issue = body?.details?.[0]?.issue ?? body?.name ?? `http_${err.statusCode}`;
    const message = body?.details?.[0]?.description ?? body?.message ?? err.message;
    if (err.statusCode >= 500 || err.statusCode === 401 || err.statusCode === 429) {
      return new ProviderError('unavailable', issue, message);
    }
    if (err.statusCode === 422 || err.statusCode === 409) {
      return new ProviderError('conflict', issue, message);
    }
    return new ProviderError('rejected', issue, message);
  }
  return new ProviderError(
    'unavailable',
    'network',
    (err as Error)?.message ?? 'PayPal unreachable',
  );
}

function safeJson(body: unknown): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
