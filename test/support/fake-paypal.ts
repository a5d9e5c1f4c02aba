/**
 * A local stand-in for the PayPal REST API on 127.0.0.1: OAuth2 client credentials, Orders v2
 * (create, get, capture), capture refunds and verify-webhook-signature, with PayPal-Request-Id
 * idempotency. Webhooks are signed as PayPal does (SHA256withRSA over
 * `transmission_id|transmission_time|webhook_id|crc32(body)`) with a key only this server
 * holds, and verify-webhook-signature checks exactly that. Tests drive it through /__control.
 */
import { createServer, type Server } from 'node:http';
import { createSign, createVerify, generateKeyPairSync, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
// @ts-ignore TS2835 (loaded as CommonJS by the e2e global setup too)
import { randomId, readBody, sendJson } from './fake-http';

export interface FakePaypal {
  url: string;
  clientId: string;
  clientSecret: string;
  webhookId: string;
  close(): Promise<void>;
}

type Json = Record<string, any>;

export async function startFakePaypal(port = 0): Promise<FakePaypal> {
  const clientId = `fake-client-${randomId('', 12)}`;
  const clientSecret = `fake-secret-${randomId('', 24)}`;
  const webhookId = `WH-FAKE-${randomId('', 10).toUpperCase()}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tokens = new Set<string>();
  const orders = new Map<string, Json>();
  const captures = new Map<string, { orderId: string; refunded: number }>();
  const saved = new Map<string, { status: number; body: unknown }>();
  const calls: { method: string; path: string; requestId: string | null }[] = [];
  let captureStatus = 'COMPLETED';
  let baseUrl = '';

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const text = await readBody(req);
    try {
      if (path.startsWith('/__control/')) return control(req.method!, path, text, res);
      if (path === '/v1/oauth2/token' && req.method === 'POST') {
        const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== basic) {
          return sendJson(res, 401, {
            error: 'invalid_client',
            error_description: 'Client Authentication failed',
          });
        }
        const token = randomId('A21AA', 40);
        tokens.add(token);
        return sendJson(res, 200, {
          scope: 'https://uri.paypal.com/services/payments/payment',
          access_token: token,
          token_type: 'Bearer',
          app_id: 'APP-FAKE',
          expires_in: 32400,
          nonce: randomUUID(),
        });
      }
      const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!tokens.has(bearer)) {
        return sendJson(res, 401, {
          name: 'AUTHENTICATION_FAILURE',
          message:
            'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
        });
      }
      const requestId = (req.headers['paypal-request-id'] as string | undefined) ?? null;
      calls.push({ method: req.method!, path, requestId });
      if (req.method === 'POST' && requestId) {
        const prev = saved.get(`${path}|${requestId}`);
        if (prev) return sendJson(res, prev.status, prev.body);
      }
      const [status, body] = route(req.method!, path, text ? JSON.parse(text) : {});
      if (req.method === 'POST' && requestId && status < 300)
        saved.set(`${path}|${requestId}`, { status, body });
      return sendJson(res, status, body);
    } catch (err) {
      return sendJson(res, 500, { name: 'INTERNAL_SERVER_ERROR', message: String(err) });
    }
  });

  function unprocessable(issue: string, description: string): [number, unknown] {
    return [
      422,
      {
        name: 'UNPROCESSABLE_ENTITY',
        message:
          'The requested action could not be performed, semantically incorrect, or failed business validation.',
        details: [{ issue, description }],
      },
    ];
  }

  function route(method: string, path: string, body: Json): [number, unknown] {
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v2/checkout/orders') {
      const unit = body.purchase_units?.[0];
      if (body.intent !== 'CAPTURE' || !unit?.amount?.value || !unit.amount.currency_code) {
        return [
          400,
          {
            name: 'INVALID_REQUEST',
            message: 'Request is not well-formed',
            details: [{ issue: 'MISSING_REQUIRED_PARAMETER' }],
          },
        ];
      }
      const id = randomId('', 17).toUpperCase();
      const order = {
        id,
        intent: 'CAPTURE',
        status: 'PAYER_ACTION_REQUIRED',
        purchase_units: [
          {
            reference_id: unit.reference_id ?? 'default',
            custom_id: unit.custom_id,
            description: unit.description,
            amount: unit.amount,
          },
        ],
        create_time: new Date().toISOString(),
        links: [
          { href: `${baseUrl}/v2/checkout/orders/${id}`, rel: 'self', method: 'GET' },
          {
            href: `https://www.sandbox.paypal.com/checkoutnow?token=${id}`,
            rel: 'payer-action',
            method: 'GET',
          },
        ],
      };
      orders.set(id, order);
      return [201, order];
    }
    if ((m = path.match(/^\/v2\/checkout\/orders\/([^/]+)$/)) && method === 'GET') {
      const order = orders.get(m[1]);
      return order
        ? [200, order]
        : [404, { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] }];
    }
    if ((m = path.match(/^\/v2\/checkout\/orders\/([^/]+)\/capture$/)) && method === 'POST') {
      const order = orders.get(m[1]);
      if (!order)
        return [404, { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] }];
      if (order.status === 'COMPLETED')
        return unprocessable('ORDER_ALREADY_CAPTURED', 'Order already captured.');
      if (order.status !== 'APPROVED')
        return unprocessable(
          'ORDER_NOT_APPROVED',
          'Payer has not yet approved the Order for payment.',
        );
      const unit = order.purchase_units[0];
      const capture = {
        id: randomId('', 17).toUpperCase(),
        status: captureStatus,
        amount: unit.amount,
        custom_id: unit.custom_id,
        final_capture: true,
        create_time: new Date().toISOString(),
      };
      captures.set(capture.id, { orderId: order.id, refunded: 0 });
      unit.payments = { captures: [capture] };
      order.status = 'COMPLETED';
      return [201, order];
    }
    if ((m = path.match(/^\/v2\/payments\/captures\/([^/]+)\/refund$/)) && method === 'POST') {
      const cap = captures.get(m[1]);
      if (!cap)
        return [404, { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] }];
      const unit = orders.get(cap.orderId)!.purchase_units[0];
      const total = Math.round(Number(unit.amount.value) * 1000);
      const asked = body.amount?.value
        ? Math.round(Number(body.amount.value) * 1000)
        : total - cap.refunded;
      if (cap.refunded + asked > total) {
        return unprocessable(
          'REFUND_AMOUNT_EXCEEDED',
          'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
        );
      }
      cap.refunded += asked;
      const capture = unit.payments.captures[0];
      capture.status = cap.refunded === total ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
      return [
        201,
        {
          id: randomId('', 17).toUpperCase(),
          status: 'COMPLETED',
          amount: body.amount ?? unit.amount,
          custom_id: body.custom_id,
          links: [{ rel: 'up', href: `${baseUrl}/v2/payments/captures/${m[1]}`, method: 'GET' }],
        },
      ];
    }
    if (method === 'POST' && path === '/v1/notifications/verify-webhook-signature') {
      const crc = crc32(Buffer.from(JSON.stringify(body.webhook_event)));
      const message = `${body.transmission_id}|${body.transmission_time}|${body.webhook_id}|${crc}`;
      let ok = false;
      try {
        ok =
          body.auth_algo === 'SHA256withRSA' &&
          body.cert_url === `${baseUrl}/v1/notifications/certs/CERT-FAKE` &&
          createVerify('RSA-SHA256')
            .update(message)
            .verify(publicKey, String(body.transmission_sig), 'base64');
      } catch {
        ok = false;
      }
      return [200, { verification_status: ok ? 'SUCCESS' : 'FAILURE' }];
    }
    return [404, { name: 'RESOURCE_NOT_FOUND', message: `no route ${method} ${path}` }];
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
    if (path === '/__control/capture-status') {
      captureStatus = String(body.status ?? 'COMPLETED');
      return sendJson(res, 200, { captureStatus });
    }
    if ((m = path.match(/^\/__control\/orders\/([^/]+)\/approve$/))) {
      const order = orders.get(m[1]);
      if (!order) return sendJson(res, 404, { error: 'no such order' });
      order.status = 'APPROVED';
      return sendJson(res, 200, order);
    }
    if ((m = path.match(/^\/__control\/orders\/([^/]+)\/complete-capture$/))) {
      const order = orders.get(m[1]);
      const capture = order?.purchase_units?.[0]?.payments?.captures?.[0];
      if (!capture) return sendJson(res, 404, { error: 'no capture' });
      capture.status = 'COMPLETED';
      return sendJson(res, 200, order);
    }
    if ((m = path.match(/^\/__control\/orders\/([^/]+)$/))) {
      const order = orders.get(m[1]);
      return order ? sendJson(res, 200, order) : sendJson(res, 404, { error: 'no such order' });
    }
    if (path === '/__control/sign' && method === 'POST') {
      // Signs a webhook body exactly as sent (compact JSON of `event`).
      const raw = JSON.stringify(body.event);
      const transmissionId = randomUUID();
      const transmissionTime = new Date().toISOString();
      const message = `${transmissionId}|${transmissionTime}|${body.webhook_id ?? webhookId}|${crc32(Buffer.from(raw))}`;
      const sig = createSign('RSA-SHA256').update(message).sign(privateKey, 'base64');
      return sendJson(res, 200, {
        body: raw,
        headers: {
          'paypal-transmission-id': transmissionId,
          'paypal-transmission-time': transmissionTime,
          'paypal-transmission-sig': sig,
          'paypal-cert-url': `${baseUrl}/v1/notifications/certs/CERT-FAKE`,
          'paypal-auth-algo': 'SHA256withRSA',
        },
      });
    }
    return sendJson(res, 404, { error: 'unknown control route' });
  }

  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const address = server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    url: baseUrl,
    clientId,
    clientSecret,
    webhookId,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
