import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments, refunds, idempotency keys, the webhook inbox, the ledger and bank statements. */
export class PaymentsInit1732500000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payments.payments (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        method text NOT NULL CHECK (method IN ('card','paypal','wire')),
        status text NOT NULL CHECK (status IN ('requires_action','processing','succeeded',
          'failed','canceled','partially_refunded','refunded')),
        description text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        provider_ref text,
        capture_ref text,
        wire_reference text UNIQUE,
        next_action jsonb,
        amount_refunded bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
        amount_received bigint NOT NULL DEFAULT 0 CHECK (amount_received >= 0),
        failure_code text,
        failure_message text,
        version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_checked_at timestamptz,
        CHECK (amount_refunded <= amount)
      )`);
    await q.query(`CREATE INDEX payments_user_idx ON payments.payments (user_id, id DESC)`);
    await q.query(`CREATE INDEX payments_status_idx ON payments.payments (status, updated_at)`);
    await q.query(
      `CREATE UNIQUE INDEX payments_provider_ref_idx ON payments.payments (method, provider_ref)
       WHERE provider_ref IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE payments.refunds (
        id text PRIMARY KEY,
        payment_id text NOT NULL REFERENCES payments.payments(id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        reason text,
        status text NOT NULL,
        provider_ref text,
        payout jsonb,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refunds_payment_idx ON payments.refunds (payment_id)`);
    await q.query(
      `CREATE UNIQUE INDEX refunds_provider_ref_idx ON payments.refunds (payment_id, provider_ref)
       WHERE provider_ref IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE payments.idempotency_keys (
        user_id text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('in_flight','retryable','done')),
        resource_id text,
        response_status integer,
        response_body jsonb,
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_expiry_idx ON payments.idempotency_keys (expires_at)`);
    await q.query(`
      CREATE TABLE payments.webhook_inbox (
        provider text NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        payment_id text,
        outcome text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, event_id)
      )`);
    await q.query(`
      CREATE TABLE payments.journal_entries (
        id text PRIMARY KEY,
        kind text NOT NULL,
        payment_id text,
        refund_id text,
        statement_line_id text,
        memo text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX journal_entries_payment_idx ON payments.journal_entries (payment_id)`,
    );
    await q.query(`
      CREATE TABLE payments.journal_lines (
        id bigserial PRIMARY KEY,
        entry_id text NOT NULL REFERENCES payments.journal_entries(id),
        account text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('debit','credit')),
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL
      )`);
    await q.query(`CREATE INDEX journal_lines_entry_idx ON payments.journal_lines (entry_id)`);
    await q.query(`
      CREATE TABLE payments.statements (
        id text PRIMARY KEY,
        message_id text,
        statement_id text,
        account_iban text,
        imported_by text,
        report jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE payments.statement_lines (
        id text PRIMARY KEY,
        statement_id text NOT NULL REFERENCES payments.statements(id),
        entry_key text NOT NULL UNIQUE,
        amount bigint NOT NULL,
        currency char(3) NOT NULL,
        reference text,
        debtor_name text,
        debtor_iban text,
        payment_id text,
        outcome text NOT NULL,
        difference bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX statement_lines_payment_idx ON payments.statement_lines (payment_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'statement_lines',
      'statements',
      'journal_lines',
      'journal_entries',
      'webhook_inbox',
      'idempotency_keys',
      'refunds',
      'payments',
    ]) {
      await q.query(`DROP TABLE IF EXISTS payments.${t}`);
    }
  }
}
