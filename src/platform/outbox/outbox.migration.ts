import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from '../database/migrator.js';

/**
 * The outbox table of one part's schema: one row per (event, consumer), so each consumer's
 * delivery is retried on its own until acknowledged.
 */
function outboxTable(schema: string): new () => MigrationInterface {
  const s = quoteIdent(schema);
  const Migration = class implements MigrationInterface {
    async up(q: QueryRunner): Promise<void> {
      await q.query(`
        CREATE TABLE ${s}.outbox (
          id text NOT NULL,
          consumer text NOT NULL,
          type text NOT NULL,
          payload jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          available_at timestamptz NOT NULL DEFAULT now(),
          attempts integer NOT NULL DEFAULT 0,
          delivered_at timestamptz,
          last_error text,
          PRIMARY KEY (id, consumer)
        )`);
      await q.query(
        `CREATE INDEX outbox_pending_idx ON ${s}.outbox (available_at) WHERE delivered_at IS NULL`,
      );
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE ${s}.outbox`);
    }
  };
  Object.defineProperty(Migration, 'name', { value: 'Outbox0001' });
  return Migration;
}

/**
 * The W3C trace context of the request that wrote the event (null without tracing), so its
 * delivery continues that trace.
 */
function outboxTraceContext(schema: string): new () => MigrationInterface {
  const s = quoteIdent(schema);
  const Migration = class implements MigrationInterface {
    async up(q: QueryRunner): Promise<void> {
      await q.query(`ALTER TABLE ${s}.outbox ADD COLUMN trace_context jsonb`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`ALTER TABLE ${s}.outbox DROP COLUMN trace_context`);
    }
  };
  Object.defineProperty(Migration, 'name', { value: 'Outbox0002TraceContext' });
  return Migration;
}

/** The outbox migrations of one part's schema, in order: list them in its PartSchema. */
export function outboxMigrations(schema: string): (new () => MigrationInterface)[] {
  return [outboxTable(schema), outboxTraceContext(schema)];
}
