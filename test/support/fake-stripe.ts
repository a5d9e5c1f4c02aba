/**
 * A local stand-in for the Stripe API on 127.0.0.1: the routes the `stripe` SDK calls for
 * PaymentIntents and Refunds, with Stripe's idempotency semantics (same key + same parameters
 * → the saved response with Idempotent-Replayed: true; other parameters → 400
 * idempotency_error). Tests drive it through /__control routes and count calls there.
 */
import { createServer, type Server } from 'node:http';
// @ts-ignore TS2835 (loaded as CommonJS by the e2e global setup too)
import { parseStripeForm, randomId, readBody, sendJson } from './fake-http';

export interface FakeStripe {
  url: string;
  secretKey: string;
  webhookSecret: string;
  close(): Promise<void>;
}

interface Intent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  last_payment_error: null | { code: string; decline_code?: string; message: string };
  amount_refunded: number;
  created: number;
}

export async function startFakeStripe(port = 0): Promise<FakeStripe> {
  const secretKey = `sk_test_fake_${randomId('', 16)}`;
  const webhookSecret = `whsec_fake_${randomId('', 24)}`;
  const intents = new Map<string, Intent>();
  const refunds = new Map<string, Record<string, unknown>>();
  const saved = new Map<string, { params: string; status: number; body: unknown }>();
  /** Requests per "METHOD path" and per Idempotency-Key. */
  const calls: { method: string; path: string; key: string | null; at: number }[] = [];
  let failNext = 0;
  /** Answers to creates are held this long (to observe a request while it is in flight). */
  let delayMs = 0;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const text = await readBody(req);
    const path = url.pathname;
    try {
      if (path.startsWith('/__control/')) return control(req.method!, path, text, res);
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        return sendJson(res, 401, {
          error: { type: 'invalid_request_error', message: 'Invalid API Key provided' },
        });
      }
      const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
      calls.push({ method: req.method!, path, key, at: Date.now() });
      if (failNext > 0) {
        failNext--;
        return sendJson(res, 500, { error: { type: 'api_error', message: 'Simulated outage' } });
      }
      if (delayMs && req.method === 'POST') await new Promise((r) => setTimeout(r, delayMs));
      const params = parseStripeForm(text);
      if (req.method === 'POST' && key) {
        const prev = saved.get(`${path}|${key}`);
        if (prev) {
          if (prev.params !== text) {
            return sendJson(res, 400, {
              error: {
                type: 'idempotency_error',
                message:
                  'Keys for idempotent requests can only be used with the same parameters they were first used with.',
              },
            });
          }
          return sendJson(res, prev.status, prev.body, { 'idempotent-replayed': 'true' });
        }
      }
      const [status, body] = route(req.method!, path, params);
      if (req.method === 'POST' && key) saved.set(`${path}|${key}`, { params: text, status, body });
      return sendJson(res, status, body, key ? { 'idempotency-key': key } : {});
    } catch (err) {
      return sendJson(res, 500, { error: { type: 'api_error', message: String(err) } });
    }
  });

  function route(method: string, path: string, p: Record<string, unknown>): [number, unknown] {
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = Number(p.amount);
      if (!Number.isInteger(amount) || amount < 1) return invalid('amount', 'Invalid integer');
      const id = randomId('pi_');
      const intent: Intent = {
        id,
        object: 'payment_intent',
        amount,
        currency: String(p.currency),
        status: 'requires_payment_method',
        client_secret: `${id}_secret_${randomId('', 20)}`,
        description: (p.description as string) ?? null,
        metadata: (p.metadata as Record<string, string>) ?? {},
        last_payment_error: null,
        amount_refunded: 0,
        created: Math.floor(Date.now() / 1000),
      };
      intents.set(id, intent);
      return [200, intent];
    }
    if ((m = path.match(/^\/v1\/payment_intents\/([^/]+)$/)) && method === 'GET') {
      const intent = intents.get(m[1]);
      return intent ? [200, intent] : missing('payment_intent', m[1]);
    }
    if ((m = path.match(/^\/v1\/payment_intents\/([^/]+)\/cancel$/)) && method === 'POST') {
      const intent = intents.get(m[1]);
      if (!intent) return missing('payment_intent', m[1]);
      if (['succeeded', 'canceled'].includes(intent.status)) {
        return [
          400,
          {
            error: {
              type: 'invalid_request_error',
              code: 'payment_intent_unexpected_state',
              message: `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
            },
          },
        ];
      }
      intent.status = 'canceled';
      return [200, intent];
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = intents.get(String(p.payment_intent));
      if (!intent) return missing('payment_intent', String(p.payment_intent));
      if (intent.status !== 'succeeded') {
        return [
          400,
          {
            error: {
              type: 'invalid_request_error',
              code: 'charge_not_refundable',
              message: 'This PaymentIntent has no successful charge to refund.',
            },
          },
        ];
      }
      const amount =
        p.amount === undefined ? intent.amount - intent.amount_refunded : Number(p.amount);
      if (intent.amount_refunded + amount > intent.amount) {
        return [
          400,
          {
            error: {
              type: 'invalid_request_error',
              code: 'amount_too_large',
              message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${intent.amount - intent.amount_refunded})`,
            },
          },
        ];
      }
      intent.amount_refunded += amount;
      const refund = {
        id: randomId('re_'),
        object: 'refund',
        amount,
        currency: intent.currency,
        payment_intent: intent.id,
        status: 'succeeded',
        reason: p.reason ?? null,
        metadata: p.metadata ?? {},
        created: Math.floor(Date.now() / 1000),
      };
      refunds.set(refund.id, refund);
      return [200, refund];
    }
    return [
      404,
      {
        error: {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${method}: ${path}).`,
        },
      },
    ];
  }

  function control(
    method: string,
    path: string,
    text: string,
    res: Parameters<typeof sendJson>[0],
  ) {
    const body = text ? JSON.parse(text) : {};
    let m: RegExpMatchArray | null;
    if (path === '/__control/calls') return sendJson(res, 200, { calls });
    if (path === '/__control/fail-next') {
      failNext = Number(body.count ?? 1);
      return sendJson(res, 200, { failNext });
    }
    if (path === '/__control/delay') {
      delayMs = Number(body.ms ?? 0);
      return sendJson(res, 200, { delayMs });
    }
    if ((m = path.match(/^\/__control\/payment_intents\/([^/]+)$/))) {
      const intent = intents.get(m[1]);
      if (!intent) return sendJson(res, 404, { error: 'no such intent' });
      if (method === 'POST') Object.assign(intent, body);
      return sendJson(res, 200, intent);
    }
    if (path === '/__control/payment_intents')
      return sendJson(res, 200, { data: [...intents.values()] });
    return sendJson(res, 404, { error: 'unknown control route' });
  }

  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    secretKey,
    webhookSecret,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function invalid(param: string, message: string): [number, unknown] {
  return [400, { error: { type: 'invalid_request_error', param, message } }];
}

function missing(kind: string, id: string): [number, unknown] {
  return [
    404,
    {
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such ${kind}: '${id}'`,
      },
    },
  ];
}
