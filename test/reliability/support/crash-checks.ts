/**
 * What must hold after crashes, read from each part's tables (support/part-databases.ts) and
 * compared with what the traffic was told (support/crash-traffic.ts):
 *   - every payment key has exactly one payment, and every payment a key (none twice, none
 *     lost), each key `done`, no payment in a state its history cannot explain;
 *   - the ledger balances per currency and per entry; a card payment that succeeded has one
 *     capture entry, any other none;
 *   - each webhook event is in the inbox once and applied once, however often it came;
 *   - each status change was published once (outbox) and analytics counted each once, revenue
 *     included; each client event id was stored and counted once;
 *   - every profile has credentials and the reverse (no half-registered account); each account
 *     was counted registered once; logins counted between acknowledged and attempted.
 */
import { control } from '../../support/payments-fixtures.js';
import type { FakeStripe } from '../../support/fake-stripe.js';
import { PROBE_EVENT, type CrashTraffic } from './crash-traffic.js';
import type { PartDatabases } from './part-databases.js';

export interface CheckFigures {
  payments: number;
  succeeded: number;
  failed: number;
  webhook_events: number;
  webhook_deliveries: number;
  probe_events: number;
  accounts: number;
}

const countBy = <T>(items: T[], key: (t: T) => string | undefined) => {
  const m = new Map<string, number>();
  for (const i of items) {
    const k = key(i);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};

export async function checkInvariants(
  label: string,
  dbs: PartDatabases,
  traffic: CrashTraffic,
  stripe: FakeStripe,
): Promise<{ violations: string[]; figures: CheckFigures }> {
  const out: string[] = [];
  const v = (what: string) => out.push(`${label}: ${what}`);

  // ---- payments: exactly one per key ----
  const pay = dbs.of('payments');
  const payments = await pay.query<{
    id: string;
    user_id: string;
    amount: string;
    currency: string;
    method: string;
    status: string;
    provider_ref: string | null;
    wire_reference: string | null;
    amount_refunded: string;
  }>(
    `SELECT id, user_id, amount::text, currency, method, status, provider_ref, wire_reference,
            amount_refunded::text FROM payments.payments`,
  );
  const byId = new Map(payments.map((p) => [p.id, p]));
  const keyed = traffic.payments.filter((k) => k.id);
  for (const k of traffic.payments.filter((k) => !k.id)) v(`payment key ${k.key} never answered`);
  const idCount = countBy(keyed, (k) => k.id);
  for (const [id, n] of idCount) if (n > 1) v(`${n} keys answered the same payment ${id}`);
  for (const k of keyed)
    if (!byId.has(k.id!)) v(`acknowledged payment ${k.id} (${k.key}) is missing`);
  for (const p of payments) if (!idCount.has(p.id)) v(`payment ${p.id} belongs to no key (twice?)`);
  const keys = await pay.query<{ key: string; state: string; resource_id: string; status: number }>(
    `SELECT key, state, resource_id, response_status AS status FROM payments.idempotency_keys`,
  );
  const keyRows = new Map(keys.map((k) => [k.key, k]));
  for (const k of keyed) {
    const row = keyRows.get(k.key);
    if (!row || row.state !== 'done' || row.resource_id !== k.id || Number(row.status) !== 201) {
      v(`key ${k.key}: ${JSON.stringify(row)} (expected done, ${k.id}, 201)`);
    }
    const p = byId.get(k.id!);
    if (!p) continue;
    if (Number(p.amount) !== k.body.amount || p.currency !== k.body.currency) {
      v(
        `payment ${p.id} holds ${p.amount} ${p.currency}, key ${k.key} asked ${k.body.amount} ${k.body.currency}`,
      );
    }
    // The state the payment's history explains: wire waits for the bank; card follows its webhook.
    const hook = k.webhook;
    const expected =
      k.body.method === 'wire' || !hook
        ? 'requires_action'
        : hook.type === 'payment_intent.succeeded'
          ? 'succeeded'
          : 'failed';
    if (p.status !== expected)
      v(`payment ${p.id} (${p.method}) is ${p.status}, expected ${expected}`);
    if (p.method === 'card' && !p.provider_ref) v(`card payment ${p.id} has no Stripe intent`);
    if (p.method === 'wire' && !p.wire_reference) v(`wire payment ${p.id} has no reference`);
    if (Number(p.amount_refunded) !== 0) v(`payment ${p.id} shows refunds nobody asked for`);
  }
  const intents = (await control(stripe.url, 'payment_intents')).data as {
    metadata: Record<string, string>;
  }[];
  for (const [id, n] of countBy(intents, (i) => i.metadata.payment_id)) {
    if (n > 1) v(`${n} Stripe intents for payment ${id}`);
  }

  // ---- ledger ----
  const unbalanced = await pay.query<{ currency: string; debit: string; credit: string }>(
    `SELECT currency,
            sum(amount) FILTER (WHERE direction = 'debit')::text AS debit,
            sum(amount) FILTER (WHERE direction = 'credit')::text AS credit
       FROM payments.journal_lines GROUP BY currency
     HAVING sum(CASE WHEN direction = 'debit' THEN amount ELSE -amount END) <> 0`,
  );
  for (const u of unbalanced) v(`ledger ${u.currency}: debits ${u.debit} != credits ${u.credit}`);
  const entries = await pay.query<{ entry_id: string }>(
    `SELECT entry_id FROM payments.journal_lines GROUP BY entry_id, currency
     HAVING sum(CASE WHEN direction = 'debit' THEN amount ELSE -amount END) <> 0`,
  );
  for (const e of entries) v(`journal entry ${e.entry_id} does not balance`);
  const captures = countBy(
    await pay.query<{ payment_id: string }>(
      `SELECT payment_id FROM payments.journal_entries WHERE kind = 'payment_captured'`,
    ),
    (e) => e.payment_id,
  );
  for (const p of payments) {
    const want = p.method === 'card' && p.status === 'succeeded' ? 1 : 0;
    const got = captures.get(p.id) ?? 0;
    if (got !== want)
      v(`payment ${p.id} (${p.status}) has ${got} capture entries, expected ${want}`);
  }

  // ---- webhooks: one inbox row per event, applied once ----
  const inbox = await pay.query<{ event_id: string; outcome: string; payment_id: string }>(
    `SELECT event_id, outcome, payment_id FROM payments.webhook_inbox WHERE provider = 'stripe'`,
  );
  const inboxById = new Map(inbox.map((r) => [r.event_id, r]));
  for (const hook of traffic.webhooks) {
    const row = inboxById.get(hook.eventId);
    if (!row) v(`webhook ${hook.eventId} acknowledged but not in the inbox`);
    else if (row.outcome !== 'applied' || row.payment_id !== hook.payment.id) {
      v(
        `webhook ${hook.eventId}: ${row.outcome} to ${row.payment_id}, expected applied to ${hook.payment.id}`,
      );
    }
    const fresh = hook.deliveries.filter((d) => d.status === 200 && d.duplicate === false);
    if (fresh.length > 1) v(`webhook ${hook.eventId} applied ${fresh.length} times`);
  }

  // ---- outbox: one event per status change, all delivered ----
  const outbox = await pay.query<{ type: string; payment_id: string; delivered: boolean }>(
    `SELECT type, payload->'data'->>'payment_id' AS payment_id, delivered_at IS NOT NULL AS delivered
       FROM payments.outbox WHERE consumer = 'analytics'`,
  );
  for (const o of outbox.filter((o) => !o.delivered))
    v(`outbox ${o.type} of ${o.payment_id} not delivered`);
  const published = countBy(outbox, (o) => `${o.type} ${o.payment_id}`);

  // ---- analytics: each payment counted once, revenue = succeeded amounts ----
  const an = dbs.of('analytics');
  const platformEvents = await an.query<{
    name: string;
    payment_id: string | null;
    user_id: string | null;
  }>(
    `SELECT name, properties->>'payment_id' AS payment_id, user_id FROM analytics.events
      WHERE source = 'platform'`,
  );
  const counted = countBy(platformEvents, (e) =>
    e.payment_id ? `${e.name} ${e.payment_id}` : undefined,
  );
  const revenue = new Map<string, number>();
  for (const p of payments) {
    for (const [status, type] of [
      ['succeeded', 'payments.payment.succeeded.v1'],
      ['failed', 'payments.payment.failed.v1'],
    ]) {
      const want = p.status === status ? 1 : 0;
      const pub = published.get(`${type} ${p.id}`) ?? 0;
      const got = counted.get(`${type} ${p.id}`) ?? 0;
      if (pub !== want) v(`${type} of ${p.id} published ${pub} times, expected ${want}`);
      if (got !== want) v(`analytics counted ${type} of ${p.id} ${got} times, expected ${want}`);
    }
    if (p.status === 'succeeded')
      revenue.set(p.currency, (revenue.get(p.currency) ?? 0) + Number(p.amount));
  }
  const gross = await an.query<{ currency: string; gross: string; refunds: string }>(
    `SELECT currency, sum(gross)::text AS gross, sum(refunds)::text AS refunds
       FROM analytics.revenue GROUP BY currency`,
  );
  const grossBy = new Map(gross.map((g) => [g.currency, Number(g.gross)]));
  for (const c of new Set([...revenue.keys(), ...grossBy.keys()])) {
    if ((revenue.get(c) ?? 0) !== (grossBy.get(c) ?? 0)) {
      v(
        `analytics revenue ${c}: ${grossBy.get(c) ?? 0}, succeeded payments total ${revenue.get(c) ?? 0}`,
      );
    }
  }

  // ---- analytics: client events once, in the events and in the rollup ----
  const sent = new Set(traffic.batches.flatMap((b) => b.events.map((e) => e.event_id)));
  const acked = traffic.batches
    .filter((b) => b.acked)
    .flatMap((b) => b.events.map((e) => e.event_id));
  const stored = await an.query<{ event_id: string }>(
    `SELECT event_id FROM analytics.events WHERE name = $1`,
    [PROBE_EVENT],
  );
  const storedCount = countBy(stored, (e) => e.event_id);
  for (const id of acked) if (!storedCount.has(id)) v(`event ${id} acknowledged but not stored`);
  for (const [id, n] of storedCount) {
    if (n > 1) v(`event ${id} stored ${n} times`);
    if (!sent.has(id)) v(`event ${id} stored but never sent`);
  }
  const [rollup] = await an.query<{ n: string }>(
    `SELECT coalesce(sum(count), 0)::text AS n FROM analytics.event_counts WHERE name = $1`,
    [PROBE_EVENT],
  );
  if (Number(rollup.n) !== stored.length) {
    v(`rollup counts ${rollup.n} "${PROBE_EVENT}" events, ${stored.length} are stored`);
  }

  // ---- accounts: no half-registered user; each registration and login counted once ----
  const creds = new Set(
    (await dbs.of('auth').query<{ user_id: string }>('SELECT user_id FROM auth.credentials')).map(
      (r) => r.user_id,
    ),
  );
  const profiles = new Set(
    (await dbs.of('users').query<{ id: string }>('SELECT id FROM users.users')).map((r) => r.id),
  );
  for (const id of profiles)
    if (!creds.has(id)) v(`profile ${id} has no credentials (half-registered)`);
  for (const id of creds) if (!profiles.has(id)) v(`credentials ${id} have no profile`);
  const byType = (type: string) =>
    countBy(
      platformEvents.filter((e) => e.name === type),
      (e) => e.user_id ?? undefined,
    );
  const registered = byType('auth.user.registered.v1');
  const created = byType('users.user.created.v1');
  for (const id of creds) {
    if ((registered.get(id) ?? 0) !== 1)
      v(`user ${id} counted registered ${registered.get(id) ?? 0} times`);
    if ((created.get(id) ?? 0) !== 1) v(`user ${id} counted created ${created.get(id) ?? 0} times`);
  }
  const logins = byType('auth.login.succeeded.v1');
  for (const a of traffic.accounts.filter((x) => x.id)) {
    const n = logins.get(a.id!) ?? 0;
    if (n < a.logins.ack || n > a.logins.ack + a.logins.unknown) {
      v(
        `${a.id}: ${n} logins counted, ${a.logins.ack} acknowledged and ${a.logins.unknown} unknown`,
      );
    }
  }

  return {
    violations: out,
    figures: {
      payments: payments.length,
      succeeded: payments.filter((p) => p.status === 'succeeded').length,
      failed: payments.filter((p) => p.status === 'failed').length,
      webhook_events: traffic.webhooks.length,
      webhook_deliveries: traffic.webhooks.reduce((n, w) => n + w.deliveries.length, 0),
      probe_events: stored.length,
      accounts: creds.size,
    },
  };
}
