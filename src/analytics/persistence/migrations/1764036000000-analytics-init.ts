import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events partitioned by month (partitions are created ahead and on demand by
 * PartitionManager), a global unique table of event ids for exact dedupe (a unique constraint
 * on a partitioned table must include the partition key, so dedupe lives beside it), and
 * rollups kept in 15-minute UTC slots, updated in the same statement as the insert.
 */
export class AnalyticsInit1764036000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE analytics.event_ids (
        event_id text PRIMARY KEY
      )`);
    await q.query(`
      CREATE TABLE analytics.events (
        event_id     text        NOT NULL,
        name         text        NOT NULL,
        occurred_at  timestamptz NOT NULL,
        received_at  timestamptz NOT NULL,
        user_id      text,
        anonymous_id text,
        source       text        NOT NULL,
        properties   jsonb       NOT NULL DEFAULT '{}'::jsonb
      ) PARTITION BY RANGE (occurred_at)`);
    await q.query(`CREATE INDEX events_name_time ON analytics.events (name, occurred_at)`);
    await q.query(
      `CREATE INDEX events_user ON analytics.events (user_id) WHERE user_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE analytics.event_counts (
        name  text        NOT NULL,
        slot  timestamptz NOT NULL,
        count bigint      NOT NULL,
        PRIMARY KEY (name, slot)
      )`);
    await q.query(`
      CREATE TABLE analytics.active_users (
        slot    timestamptz NOT NULL,
        user_id text        NOT NULL,
        PRIMARY KEY (slot, user_id)
      )`);
    await q.query(`CREATE INDEX active_users_user ON analytics.active_users (user_id)`);
    await q.query(`
      CREATE TABLE analytics.revenue (
        currency text        NOT NULL,
        slot     timestamptz NOT NULL,
        gross    bigint      NOT NULL DEFAULT 0,
        refunds  bigint      NOT NULL DEFAULT 0,
        PRIMARY KEY (currency, slot)
      )`);
    await q.query(`
      CREATE TABLE analytics.erased_users (
        pseudonym text        PRIMARY KEY,
        erased_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'erased_users',
      'revenue',
      'active_users',
      'event_counts',
      'events',
      'event_ids',
    ]) {
      await q.query(`DROP TABLE IF EXISTS analytics.${t}`);
    }
  }
}
