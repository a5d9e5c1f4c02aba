/**
 * The traffic of the crash spec: concurrent streams of payment creations (wire and card, each
 * with its own Idempotency-Key), signed Stripe webhooks (with redeliveries of the same event),
 * analytics batches with client event ids, and registrations and logins. Every request's
 * outcome is kept (acknowledged, refused, unknown) so that after the last restart the spec can
 * retry what is unknown and check that each acknowledged effect is there exactly once.
 */
import Stripe from 'stripe';
import { control, stripeEventBody } from '../../support/payments-fixtures.js';
import type { FakeStripe } from '../../support/fake-stripe.js';
import { outcomeOf, req, sleep, type Outcome, type ReqOptions, type Res } from './http.js';

export interface Account {
  email: string;
  password: string;
  id?: string;
  token?: string;
  /** Logins answered 200, and logins without an answer (each may have been counted). */
  logins: { ack: number; unknown: number };
  relogin?: Promise<void>;
}

export interface PaymentKey {
  account: Account;
  key: string;
  body: { amount: number; currency: string; method: 'card' | 'wire'; description: string };
  statuses: number[];
  /** The payment of the first 201, and of every later one (they must agree). */
  id?: string;
  /** Card: the Stripe PaymentIntent (from the client secret `pi_…_secret_…`). */
  intentId?: string;
  webhook?: WebhookEvent;
}

export interface WebhookEvent {
  payment: PaymentKey;
  type: 'payment_intent.succeeded' | 'payment_intent.payment_failed';
  eventId: string;
  body: string;
  /** Each delivery: status, and whether the platform said it was a duplicate. */
  deliveries: { status: number; duplicate?: boolean }[];
  acked: boolean;
}

export interface Batch {
  account: Account;
  events: { event_id: string; name: string; properties: Record<string, unknown> }[];
  statuses: number[];
  acked: boolean;
}

export interface Registration {
  account: Account;
  statuses: number[];
  /** 201, or 409 and the account signs in: it exists, once. */
  settled: boolean;
}

export const PROBE_EVENT = 'Crash Probe';
const CURRENCIES = ['EUR', 'USD', 'JPY'];

export interface TrafficOptions {
  label: string;
  /** The gateway (the only process in all-in-one mode). */
  base: string;
  stripe: FakeStripe;
  /** Seeded: the same seed sends the same mix. */
  rand: () => number;
  /** Unique per scenario: keys, event ids and emails never collide with another run. */
  tag: string;
  workers: { payments: number; webhooks: number; analytics: number; auth: number };
}

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function subjectOf(token: string): string | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub;
  } catch {
    return undefined;
  }
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

export class CrashTraffic {
  requests = 0;
  readonly outcomes: Record<Outcome, number> = { ack: 0, refused: 0, unknown: 0 };
  readonly violations: string[] = [];
  /** Passwords sent, and tokens and client secrets received (for the log scan). */
  readonly secrets = { password: new Set<string>(), token: new Set<string>() };
  readonly pool: Account[] = [];
  readonly accounts: Account[] = [];
  readonly payments: PaymentKey[] = [];
  readonly webhooks: WebhookEvent[] = [];
  readonly batches: Batch[] = [];
  readonly registrations: Registration[] = [];
  private flowing = false;
  private workers: Promise<void>[] = [];
  private readonly hookQueue: PaymentKey[] = [];
  private seq = 0;

  constructor(private readonly o: TrafficOptions) {}

  private pick<T>(list: T[]): T {
    return list[Math.floor(this.o.rand() * list.length)];
  }

  private violation(what: string): void {
    this.violations.push(`${this.o.label}: ${what}`);
  }

  private async send(method: string, path: string, opts: ReqOptions = {}): Promise<Res> {
    const r = await req(this.o.base, method, path, opts);
    this.requests++;
    this.outcomes[outcomeOf(r.status)]++;
    // A process that is down refuses connections at once: do not spin.
    if (r.status === 0) await sleep(250);
    return r;
  }

  private newAccount(): Account {
    const id = `${this.o.tag}.${++this.seq}`;
    const account: Account = {
      email: `crash.${id}@example.com`,
      password: `Crash-${id}-${Math.floor(this.o.rand() * 1e9).toString(36)}-Pw`,
      logins: { ack: 0, unknown: 0 },
    };
    this.secrets.password.add(account.password);
    this.accounts.push(account);
    return account;
  }

  /** One login; its status (200: signed in). */
  async login(a: Account): Promise<number> {
    const r = await this.send('POST', '/api/v1/auth/login', {
      body: { email: a.email, password: a.password },
    });
    if (r.status === 200) {
      a.logins.ack++;
      a.token = r.body.access_token;
      a.id ??= subjectOf(a.token!);
      this.secrets.token.add(r.body.access_token);
      this.secrets.token.add(r.body.refresh_token);
    } else if (outcomeOf(r.status) === 'unknown') {
      a.logins.unknown++;
    }
    return r.status;
  }

  /**
   * A request as `a`. A 401 means the session is gone (the in-memory store died with the
   * process) and nothing happened: sign in again (once for all concurrent callers) and resend.
   */
  private async as(a: Account, send: (token: string) => Promise<Res>): Promise<Res> {
    for (let attempt = 0; ; attempt++) {
      if (!a.token) await this.relogin(a);
      if (!a.token) return { status: 0, ct: '', headers: new Headers(), body: undefined, text: '' };
      const token = a.token;
      const r = await send(token);
      if (r.status !== 401 || attempt >= 2) return r;
      if (a.token === token) a.token = undefined;
    }
  }

  private async relogin(a: Account): Promise<void> {
    a.relogin ??= this.login(a).then(
      () => undefined,
      () => undefined,
    );
    await a.relogin;
    a.relogin = undefined;
  }

  /** Accounts for payments and analytics, registered before the first crash. */
  async setup(size: number): Promise<void> {
    for (let i = 0; i < size; i++) {
      const a = this.newAccount();
      const r = await this.send('POST', '/api/v1/auth/register', {
        body: { email: a.email, password: a.password, name: 'Crash Pool' },
      });
      if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text.slice(0, 200)}`);
      a.id = r.body.id;
      this.registrations.push({ account: a, statuses: [201], settled: true });
      if ((await this.login(a)) !== 200) throw new Error(`login of ${a.email} failed`);
      this.pool.push(a);
    }
  }

  start(): void {
    this.flowing = true;
    const { workers: w } = this.o;
    const loop = (fn: () => Promise<void>) => async () => {
      while (this.flowing) await fn();
    };
    const spawn = (n: number, fn: () => Promise<void>) => {
      for (let i = 0; i < n; i++) this.workers.push(loop(fn)());
    };
    spawn(w.payments, () => this.paymentStream());
    spawn(w.webhooks, () => this.webhookStream());
    spawn(w.analytics, () => this.analyticsStream());
    spawn(w.auth, () => this.authStream());
  }

  async stop(): Promise<void> {
    this.flowing = false;
    await Promise.all(this.workers);
    this.workers = [];
  }

  // ---- payments -------------------------------------------------------------------------

  private async paymentStream(): Promise<void> {
    const n = ++this.seq;
    const method = this.o.rand() < 0.5 ? 'card' : 'wire';
    const currency = this.pick(CURRENCIES);
    const pk: PaymentKey = {
      account: this.pick(this.pool),
      key: `${this.o.tag}-pay-${n}`,
      body: {
        amount: 100 + Math.floor(this.o.rand() * 99_900),
        currency,
        method,
        description: `crash order ${n}`,
      },
      statuses: [],
    };
    this.payments.push(pk);
    await this.untilAnswered(
      () => !!pk.id,
      () => this.createPayment(pk),
    );
  }

  /**
   * A client retries a request it got no answer to, with the same key, backing off, until it
   * gets one (or the traffic stops: then the retries after the last restart take over).
   */
  private async untilAnswered(done: () => boolean, send: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; this.flowing && !done(); attempt++) {
      if (attempt) await sleep(Math.min(2000, 200 * 2 ** attempt));
      await send();
    }
  }

  /** POST /payments with the key; true when the outcome is final (201). */
  async createPayment(pk: PaymentKey): Promise<boolean> {
    const r = await this.as(pk.account, (token) =>
      this.send('POST', '/api/v1/payments', {
        token,
        body: pk.body,
        headers: { 'idempotency-key': pk.key },
      }),
    );
    pk.statuses.push(r.status);
    if (r.status === 201) {
      if (pk.id && pk.id !== r.body.id) {
        this.violation(`key ${pk.key} answered two payments: ${pk.id} and ${r.body.id}`);
      }
      pk.id ??= r.body.id;
      const secret = r.body.next_action?.client_secret;
      if (typeof secret === 'string') {
        this.secrets.token.add(secret);
        pk.intentId = secret.split('_secret_')[0];
      }
      if (pk.body.method === 'card' && !pk.webhook && this.flowing) this.hookQueue.push(pk);
      return true;
    }
    // 409: the key's first request still holds it (or crashed: its lease runs out). No answer
    // or 5xx: unknown. Both are retried with the same key.
    if (r.status !== 409 && outcomeOf(r.status) === 'refused') {
      this.violation(`POST /payments ${pk.key} refused: ${r.status} ${r.text.slice(0, 200)}`);
      return true;
    }
    return false;
  }

  // ---- webhooks ---------------------------------------------------------------------------

  private async webhookStream(): Promise<void> {
    const pk = this.hookQueue.shift();
    const retry = this.webhooks.find((w) => !w.acked);
    if (!pk) {
      // Nothing new: redeliver one the platform did not acknowledge yet, as Stripe does.
      if (retry) await this.deliver(retry, 1);
      else await sleep(100);
      return;
    }
    const hook = await this.prepareWebhook(pk);
    if (hook) await this.deliver(hook, 1 + Math.floor(this.o.rand() * 3));
  }

  /** The intent succeeds (or fails) at the fake Stripe; the event that says so is built once. */
  private async prepareWebhook(pk: PaymentKey): Promise<WebhookEvent | undefined> {
    const intent = pk.intentId
      ? await control(this.o.stripe.url, `payment_intents/${pk.intentId}`)
      : undefined;
    if (intent?.metadata?.payment_id !== pk.id) {
      this.violation(`no Stripe intent for acknowledged card payment ${pk.id}`);
      return undefined;
    }
    const fails = this.o.rand() < 0.2;
    const change = fails
      ? {
          status: 'requires_payment_method',
          last_payment_error: {
            code: 'card_declined',
            decline_code: 'insufficient_funds',
            message: 'Your card has insufficient funds.',
          },
        }
      : { status: 'succeeded' };
    const object = await control(this.o.stripe.url, `payment_intents/${intent.id}`, change);
    const type = fails ? 'payment_intent.payment_failed' : 'payment_intent.succeeded';
    const eventId = `evt_${this.o.tag.replace(/\W/g, '')}_${intent.id}`;
    const hook: WebhookEvent = {
      payment: pk,
      type,
      eventId,
      body: stripeEventBody(type, object, eventId),
      deliveries: [],
      acked: false,
    };
    pk.webhook = hook;
    this.webhooks.push(hook);
    return hook;
  }

  /** `copies` deliveries of the same event at once (a redelivery racing the first one). */
  async deliver(hook: WebhookEvent, copies: number): Promise<void> {
    await Promise.all(
      Array.from({ length: copies }, async () => {
        const signature = Stripe.webhooks.generateTestHeaderString({
          payload: hook.body,
          secret: this.o.stripe.webhookSecret,
        });
        const r = await this.send('POST', '/api/v1/payments/webhooks/stripe', {
          raw: hook.body,
          headers: { 'stripe-signature': signature },
        });
        hook.deliveries.push({ status: r.status, duplicate: r.body?.duplicate });
        if (r.status === 200) hook.acked = true;
        else if (outcomeOf(r.status) === 'refused') {
          this.violation(`webhook ${hook.eventId} refused: ${r.status} ${r.text.slice(0, 200)}`);
          hook.acked = true; // never acknowledged; counted as a violation, not redelivered
        }
      }),
    );
  }

  // ---- analytics ----------------------------------------------------------------------------

  private async analyticsStream(): Promise<void> {
    const size = 1 + Math.floor(this.o.rand() * 10);
    const batch: Batch = {
      account: this.pick(this.pool),
      events: Array.from({ length: size }, () => {
        const n = ++this.seq;
        return { event_id: `${this.o.tag}-ev-${n}`, name: PROBE_EVENT, properties: { n } };
      }),
      statuses: [],
      acked: false,
    };
    this.batches.push(batch);
    await this.untilAnswered(
      () => batch.acked,
      () => this.sendBatch(batch),
    );
  }

  async sendBatch(batch: Batch): Promise<void> {
    const r = await this.as(batch.account, (token) =>
      this.send('POST', '/api/v1/analytics/events', { token, body: { events: batch.events } }),
    );
    batch.statuses.push(r.status);
    if (r.status === 202) {
      batch.acked = true;
      const { accepted, duplicates, rejected } = r.body ?? {};
      if (accepted + duplicates !== batch.events.length || rejected?.length) {
        this.violation(`analytics batch answered ${r.text.slice(0, 200)}`);
      }
      // A first answer counts every event as accepted: a retry never counts one twice.
      if (batch.statuses.filter((s) => s === 202).length === 1 && batch.statuses.length === 1) {
        if (accepted !== batch.events.length) {
          this.violation(`first delivery of a batch accepted ${accepted}/${batch.events.length}`);
        }
      }
    } else if (outcomeOf(r.status) === 'refused') {
      this.violation(`analytics batch refused: ${r.status} ${r.text.slice(0, 200)}`);
      batch.acked = true;
    }
  }

  // ---- registrations and logins ---------------------------------------------------------------

  private async authStream(): Promise<void> {
    if (this.o.rand() < 0.3) {
      await this.login(this.pick(this.pool));
      return;
    }
    const reg: Registration = { account: this.newAccount(), statuses: [], settled: false };
    this.registrations.push(reg);
    await this.untilAnswered(
      () => reg.settled,
      () => this.register(reg),
    );
    if (reg.settled && !reg.account.token) await this.login(reg.account);
  }

  async register(reg: Registration): Promise<void> {
    const a = reg.account;
    const r = await this.send('POST', '/api/v1/auth/register', {
      body: { email: a.email, password: a.password, name: 'Crash Member' },
    });
    reg.statuses.push(r.status);
    if (r.status === 201) {
      a.id = r.body.id;
      reg.settled = true;
    } else if (r.status === 409) {
      // Taken after an attempt without an answer: that attempt completed (then the account
      // signs in), or it is half-done and will be undone (then a later retry registers).
      if (reg.statuses.length === 1) this.violation(`new email ${a.email} already taken`);
      reg.settled = (await this.login(a)) === 200;
    } else if (outcomeOf(r.status) === 'refused') {
      this.violation(`register ${a.email} refused: ${r.status} ${r.text.slice(0, 200)}`);
      reg.settled = true;
    }
  }

  // ---- after the last restart ---------------------------------------------------------------

  /**
   * Retries every request whose outcome is unknown with the same key, event id or email until
   * it converges, replays every acknowledged payment key, and signs in every account.
   */
  async converge(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const until = async (done: () => boolean, step: () => Promise<unknown>, what: string) => {
      while (!done()) {
        if (Date.now() > deadline) {
          this.violation(`${what} did not converge in ${Math.round(timeoutMs / 1000)} s`);
          return;
        }
        await step();
        if (!done()) await sleep(500);
      }
    };
    await pool(
      this.registrations.filter((r) => !r.settled),
      4,
      (reg) =>
        until(
          () => reg.settled,
          () => this.register(reg),
          `registration ${reg.account.email}`,
        ),
    );
    // Every account exists now: each can sign in (no half-registered account).
    await pool(
      this.registrations.filter((r) => r.statuses.includes(201)),
      4,
      async (reg) => {
        let done = false;
        await until(
          () => done,
          async () => {
            const status = await this.login(reg.account);
            if (outcomeOf(status) === 'unknown') return;
            if (status !== 200) {
              this.violation(`registered ${reg.account.email} cannot sign in: ${status}`);
            }
            done = true;
          },
          `login of ${reg.account.email}`,
        );
      },
    );
    await pool(
      this.payments.filter((p) => !p.id),
      4,
      (pk) =>
        until(
          () => !!pk.id,
          () => this.createPayment(pk),
          `payment key ${pk.key}`,
        ),
    );
    // The same key after restart answers the same payment, never a second one.
    await pool(
      this.payments.filter((p) => p.id),
      4,
      async (pk) => {
        const r = await this.as(pk.account, (token) =>
          this.send('POST', '/api/v1/payments', {
            token,
            body: pk.body,
            headers: { 'idempotency-key': pk.key },
          }),
        );
        if (r.status !== 201 || r.body.id !== pk.id) {
          this.violation(
            `replay of ${pk.key} answered ${r.status} ${r.body?.id ?? r.text.slice(0, 120)}, not ${pk.id}`,
          );
        } else if (r.headers.get('idempotent-replayed') !== 'true') {
          this.violation(`replay of ${pk.key} not marked Idempotent-Replayed`);
        }
      },
    );
    await pool(
      this.webhooks.filter((w) => !w.acked),
      4,
      (hook) =>
        until(
          () => hook.acked,
          () => this.deliver(hook, 1),
          `webhook ${hook.eventId}`,
        ),
    );
    await pool(
      this.batches.filter((b) => !b.acked),
      4,
      (batch) =>
        until(
          () => batch.acked,
          () => this.sendBatch(batch),
          'analytics batch',
        ),
    );
  }
}
