import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SLOT_MS } from '../domain/time-buckets.js';

/** One event ready to store (already checked and deduplicated within its batch). */
export interface EventRow {
  event_id: string;
  name: string;
  /** Epoch ms. */
  occurred_at: number;
  user_id?: string;
  anonymous_id?: string;
  properties: Record<string, unknown>;
  /** JSON.stringify(properties) when already made (it is sent as is). */
  propertiesJson?: string;
  /** Counts toward active users (it has a user and is something the user did). */
  active: boolean;
  /** Pseudonym of user_id, used when that user was erased before this event arrived. */
  pseudonym?: string;
  currency?: string;
  gross?: number;
  refunds?: number;
}

type Querier = Pick<DataSource, 'query'> | EntityManager;

/**
 * The single statement that stores a batch: dedupe through the unique event id table, insert
 * the new events, and add them to every rollup, all in one round trip and one transaction.
 * Rows are fed in a stable order so concurrent batches take row locks in the same order.
 *
 * $1 is a JSON array of positional rows (no repeated keys: a third of the bytes of objects):
 * [event_id, name, occurred_at (epoch ms), user_id, anonymous_id, properties, active,
 *  pseudonym, currency, gross, refunds]; the trailing money fields are left out when absent.
 * The 15-minute rollup slot is computed here from the epoch milliseconds.
 */
const INSERT_BATCH = `
WITH input AS (
  SELECT r->>0 AS event_id, r->>1 AS name,
         to_timestamp((r->>2)::numeric / 1000) AS occurred_at,
         to_timestamp(floor((r->>2)::numeric / ${SLOT_MS}) * ${SLOT_MS / 1000}) AS slot,
         r->>3 AS user_id, r->>4 AS anonymous_id, r->5 AS properties,
         (r->>6)::boolean AS active, r->>7 AS pseudonym,
         r->>8 AS currency, (r->>9)::bigint AS gross, (r->>10)::bigint AS refunds
    FROM jsonb_array_elements($1::jsonb) AS r
),
fresh AS (
  INSERT INTO analytics.event_ids (event_id)
  SELECT event_id FROM input ORDER BY event_id
  ON CONFLICT DO NOTHING
  RETURNING event_id
),
kept AS (
  SELECT i.*, (e.pseudonym IS NOT NULL) AS erased
    FROM input i
    JOIN fresh f USING (event_id)
    LEFT JOIN analytics.erased_users e ON e.pseudonym = i.pseudonym
),
ev AS (
  INSERT INTO analytics.events
    (event_id, name, occurred_at, received_at, user_id, anonymous_id, source, properties)
  SELECT event_id, name, occurred_at, $2::timestamptz,
         CASE WHEN erased THEN pseudonym ELSE user_id END,
         CASE WHEN erased THEN NULL ELSE anonymous_id END,
         $3, COALESCE(properties, '{}'::jsonb)
    FROM kept
),
counts AS (
  INSERT INTO analytics.event_counts AS c (name, slot, count)
  SELECT name, slot, count(*) FROM kept GROUP BY name, slot ORDER BY name, slot
  ON CONFLICT (name, slot) DO UPDATE SET count = c.count + excluded.count
),
actives AS (
  INSERT INTO analytics.active_users (slot, user_id)
  SELECT DISTINCT slot, CASE WHEN erased THEN pseudonym ELSE user_id END FROM kept
   WHERE active AND user_id IS NOT NULL
   ORDER BY 1, 2
  ON CONFLICT DO NOTHING
),
money AS (
  INSERT INTO analytics.revenue AS r (currency, slot, gross, refunds)
  SELECT currency, slot, sum(COALESCE(gross, 0)), sum(COALESCE(refunds, 0)) FROM kept
   WHERE currency IS NOT NULL
   GROUP BY currency, slot ORDER BY currency, slot
  ON CONFLICT (currency, slot) DO UPDATE
    SET gross = r.gross + excluded.gross, refunds = r.refunds + excluded.refunds
)
SELECT count(*)::int AS inserted FROM fresh`;

/** JSON text of one row of INSERT_BATCH's input (see there for the positions). */
function rowJson(r: EventRow): string {
  const s = (v: string | undefined) => (v === undefined ? 'null' : JSON.stringify(v));
  let out =
    '[' +
    JSON.stringify(r.event_id) +
    ',' +
    JSON.stringify(r.name) +
    ',' +
    r.occurred_at +
    ',' +
    s(r.user_id) +
    ',' +
    s(r.anonymous_id) +
    ',' +
    (r.propertiesJson ?? JSON.stringify(r.properties)) +
    ',' +
    r.active +
    ',' +
    s(r.pseudonym);
  if (r.currency !== undefined) {
    out += ',' + JSON.stringify(r.currency) + ',' + (r.gross ?? 0) + ',' + (r.refunds ?? 0);
  }
  return out + ']';
}

export interface StoredEvent {
  event_id: string;
  name: string;
  occurred_at: Date;
  received_at: Date;
  user_id: string | null;
  anonymous_id: string | null;
  source: string;
  properties: Record<string, unknown>;
}

@Injectable()
export class EventStore {
  constructor(private readonly ds: DataSource) {}

  /** Stores the rows that are new; returns how many were (the rest were duplicates). */
  async insertBatch(
    rows: EventRow[],
    receivedAt: number,
    source: string,
    q: Querier = this.ds,
  ): Promise<number> {
    if (rows.length === 0) return 0;
    let payload = '[';
    for (let i = 0; i < rows.length; i++) payload += (i ? ',' : '') + rowJson(rows[i]);
    const res: { inserted: number }[] = await q.query(INSERT_BATCH, [
      payload + ']',
      new Date(receivedAt).toISOString(),
      source,
    ]);
    return res[0]?.inserted ?? 0;
  }

  /** Replaces a user's id by its pseudonym everywhere; counts and rollups stay as they were. */
  async pseudonymise(
    userId: string,
    pseudonym: string,
    personalKeys: string[],
    q: Querier,
  ): Promise<number> {
    await q.query(
      `INSERT INTO analytics.erased_users (pseudonym, erased_at) VALUES ($1, now())
       ON CONFLICT DO NOTHING`,
      [pseudonym],
    );
    const updated = await this.rewriteEvents(userId, pseudonym, personalKeys, q);
    await q.query(
      `INSERT INTO analytics.active_users (slot, user_id)
       SELECT slot, $2 FROM analytics.active_users WHERE user_id = $1 ORDER BY slot
       ON CONFLICT DO NOTHING`,
      [userId, pseudonym],
    );
    await q.query(`DELETE FROM analytics.active_users WHERE user_id = $1`, [userId]);
    return updated;
  }

  async rewriteEvents(
    userId: string,
    pseudonym: string,
    personalKeys: string[],
    q: Querier = this.ds,
  ): Promise<number> {
    const rows: { n: number }[] = await q.query(
      `WITH u AS (
         UPDATE analytics.events
            SET user_id = $2, anonymous_id = NULL, properties = properties - $3::text[]
          WHERE user_id = $1
          RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [userId, pseudonym, personalKeys],
    );
    return rows[0]?.n ?? 0;
  }

  async eventsOfUser(userId: string, limit: number): Promise<StoredEvent[]> {
    return this.ds.query(
      `SELECT event_id, name, occurred_at, received_at, user_id, anonymous_id, source, properties
         FROM analytics.events WHERE user_id = $1
        ORDER BY occurred_at DESC, event_id LIMIT $2`,
      [userId, limit],
    );
  }

  /** Rollup counts per bucket; `bounds` are bucket boundaries (one more than buckets). */
  async countsFromRollup(name: string | undefined, bounds: number[]): Promise<Map<number, number>> {
    const rows: { b: number; c: string }[] = await this.ds.query(
      `SELECT width_bucket(slot, $1::timestamptz[]) AS b, sum(count)::text AS c
         FROM analytics.event_counts
        WHERE slot >= $2 AND slot < $3 AND ($4::text IS NULL OR name = $4)
        GROUP BY 1`,
      [...range(bounds), name ?? null],
    );
    return new Map(rows.map((r) => [Number(r.b) - 1, Number(r.c)]));
  }

  /** The same counts from raw events (used when bucket edges are not on 15-minute slots). */
  async countsFromEvents(name: string | undefined, bounds: number[]): Promise<Map<number, number>> {
    const rows: { b: number; c: string }[] = await this.ds.query(
      `SELECT width_bucket(occurred_at, $1::timestamptz[]) AS b, count(*)::text AS c
         FROM analytics.events
        WHERE occurred_at >= $2 AND occurred_at < $3 AND ($4::text IS NULL OR name = $4)
        GROUP BY 1`,
      [...range(bounds), name ?? null],
    );
    return new Map(rows.map((r) => [Number(r.b) - 1, Number(r.c)]));
  }

  /** Counts per bucket and value of one property (raw events, partition-pruned by time). */
  async countsByProperty(
    name: string | undefined,
    key: string,
    bounds: number[],
  ): Promise<{ b: number; value: string | null; c: number }[]> {
    const rows: { b: number; value: string | null; c: string }[] = await this.ds.query(
      `SELECT width_bucket(occurred_at, $1::timestamptz[]) AS b, properties ->> $5 AS value,
              count(*)::text AS c
         FROM analytics.events
        WHERE occurred_at >= $2 AND occurred_at < $3 AND ($4::text IS NULL OR name = $4)
        GROUP BY 1, 2`,
      [...range(bounds), name ?? null, key],
    );
    return rows.map((r) => ({ b: Number(r.b) - 1, value: r.value, c: Number(r.c) }));
  }

  async activeUsers(bounds: number[], fromRaw: boolean): Promise<Map<number, number>> {
    const sql = fromRaw
      ? `SELECT width_bucket(occurred_at, $1::timestamptz[]) AS b, count(DISTINCT user_id)::text AS c
           FROM analytics.events
          WHERE occurred_at >= $2 AND occurred_at < $3 AND user_id IS NOT NULL
            AND NOT (name = ANY($4::text[]))
          GROUP BY 1`
      : `SELECT width_bucket(slot, $1::timestamptz[]) AS b, count(DISTINCT user_id)::text AS c
           FROM analytics.active_users
          WHERE slot >= $2 AND slot < $3 AND $4::text[] IS NOT NULL
          GROUP BY 1`;
    const rows: { b: number; c: string }[] = await this.ds.query(sql, [
      ...range(bounds),
      NOT_ACTIVITY,
    ]);
    return new Map(rows.map((r) => [Number(r.b) - 1, Number(r.c)]));
  }

  async revenue(
    bounds: number[],
    currency: string | undefined,
  ): Promise<{ b: number; currency: string; gross: number; refunds: number }[]> {
    const rows: { b: number; currency: string; gross: string; refunds: string }[] =
      await this.ds.query(
        `SELECT width_bucket(slot, $1::timestamptz[]) AS b, currency,
                sum(gross)::text AS gross, sum(refunds)::text AS refunds
           FROM analytics.revenue
          WHERE slot >= $2 AND slot < $3 AND ($4::text IS NULL OR currency = $4)
          GROUP BY 1, 2`,
        [...range(bounds), currency ?? null],
      );
    return rows.map((r) => ({
      b: Number(r.b) - 1,
      currency: r.currency,
      gross: Number(r.gross),
      refunds: Number(r.refunds),
    }));
  }

  /** Funnel input: events of the steps' names, sorted by person then time. */
  async funnelEvents(
    names: string[],
    from: number,
    until: number,
  ): Promise<{ person: string; name: string; at: number }[]> {
    const rows: { person: string; name: string; at: Date | string }[] = await this.ds.query(
      `SELECT COALESCE(user_id, 'anon:' || anonymous_id) AS person, name, occurred_at AS at
         FROM analytics.events
        WHERE name = ANY($1::text[]) AND occurred_at >= $2 AND occurred_at < $3
          AND (user_id IS NOT NULL OR anonymous_id IS NOT NULL)
        ORDER BY 1, occurred_at, received_at, event_id`,
      [names, iso(from), iso(until)],
    );
    return rows.map((r) => ({ person: r.person, name: r.name, at: new Date(r.at).getTime() }));
  }

  /**
   * Signup cohorts: users whose first signup falls in [bounds[0], cohortEnd), by cohort bucket,
   * and in how many later buckets they were active. Returns (cohort, period, users) rows plus
   * cohort sizes.
   */
  async retention(
    signupNames: string[],
    bounds: number[],
    cohortEnd: number,
  ): Promise<{ sizes: Map<number, number>; cells: { c: number; p: number; users: number }[] }> {
    const [all, first, last] = range(bounds);
    const params = [signupNames, all, first, iso(cohortEnd), last];
    const signups = `
      WITH s AS (
        SELECT user_id, min(occurred_at) AS first
          FROM analytics.events
         WHERE name = ANY($1::text[]) AND user_id IS NOT NULL AND occurred_at < $4
         GROUP BY user_id
        HAVING min(occurred_at) >= $3
      ),
      cohort AS (SELECT user_id, width_bucket(first, $2::timestamptz[]) AS c FROM s)`;
    const sizes: { c: number; n: number }[] = await this.ds.query(
      `${signups} SELECT c, count(*)::int AS n FROM cohort GROUP BY c`,
      params.slice(0, 4),
    );
    const cells: { c: number; p: number; users: number }[] = await this.ds.query(
      `${signups},
      act AS (
        SELECT DISTINCT a.user_id, width_bucket(a.slot, $2::timestamptz[]) AS b
          FROM analytics.active_users a JOIN cohort USING (user_id)
         WHERE a.slot >= $3 AND a.slot < $5
      )
      SELECT cohort.c, act.b - cohort.c AS p, count(*)::int AS users
        FROM cohort JOIN act USING (user_id)
       WHERE act.b >= cohort.c
       GROUP BY 1, 2`,
      params,
    );
    return {
      sizes: new Map(sizes.map((r) => [Number(r.c) - 1, Number(r.n)])),
      cells: cells.map((r) => ({ c: Number(r.c) - 1, p: Number(r.p), users: Number(r.users) })),
    };
  }
}

const iso = (t: number) => new Date(t).toISOString();

/** Query parameters for a bucket range: every boundary, the first and the last. */
function range(bounds: number[]): [string[], string, string] {
  return [bounds.map(iso), iso(bounds[0]), iso(bounds[bounds.length - 1])];
}

/** Events with a user that are not something the user did (they do not make them active). */
export const NOT_ACTIVITY = ['auth.login.failed.v1', 'users.user.deleted.v1'];
