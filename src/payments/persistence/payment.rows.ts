import type { EntityManager } from 'typeorm';
import type { NextActionDto, PaymentDto, RefundDto } from '../../contracts/payments/payment.dto.js';
import type { PaymentMethod, PaymentStatus } from '../domain/payment-state.js';

/** A payments.payments row with numbers as numbers. */
export interface PaymentRow {
  id: string;
  user_id: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  status: PaymentStatus;
  description: string | null;
  metadata: Record<string, string>;
  provider_ref: string | null;
  capture_ref: string | null;
  wire_reference: string | null;
  next_action: NextActionDto | null;
  amount_refunded: number;
  amount_received: number;
  failure_code: string | null;
  failure_message: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface RefundRow {
  id: string;
  payment_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  status: 'succeeded' | 'pending';
  provider_ref: string | null;
  payout: RefundDto['payout'];
  created_at: Date;
}

/** TypeORM's postgres driver answers UPDATE/DELETE … RETURNING with [rows, count]. */
export function rowsOf<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return (result ?? []) as T[];
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

export function toPayment(raw: Record<string, unknown>): PaymentRow {
  return {
    ...(raw as unknown as PaymentRow),
    currency: String(raw.currency).trim(),
    amount: Number(raw.amount),
    amount_refunded: Number(raw.amount_refunded),
    amount_received: Number(raw.amount_received),
    version: Number(raw.version),
    metadata: json<Record<string, string>>(raw.metadata) ?? {},
    next_action: json<NextActionDto | null>(raw.next_action) ?? null,
  };
}

export function toRefund(raw: Record<string, unknown>): RefundRow {
  return {
    ...(raw as unknown as RefundRow),
    currency: String(raw.currency).trim(),
    amount: Number(raw.amount),
    payout: json<RefundDto['payout']>(raw.payout) ?? null,
  };
}

/** Hide a stale next step: once a payment moved on, there is nothing left for the payer to do. */
export function paymentDto(p: PaymentRow): PaymentDto {
  return {
    id: p.id,
    user_id: p.user_id,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    method: p.method,
    description: p.description,
    metadata: p.metadata,
    amount_refunded: p.amount_refunded,
    amount_received: p.amount_received,
    next_action: p.status === 'requires_action' ? p.next_action : null,
    // Provider texts, held to the lengths the API documents.
    failure: p.failure_code
      ? { code: p.failure_code.slice(0, 100), message: (p.failure_message ?? '').slice(0, 500) }
      : null,
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
  };
}

export function refundDto(r: RefundRow, p: PaymentRow): RefundDto {
  return {
    id: r.id,
    payment_id: r.payment_id,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    status: r.status,
    payout: r.payout,
    payment_status: p.status,
    amount_refunded: p.amount_refunded,
    created_at: iso(r.created_at),
  };
}

const COLUMNS = new Set([
  'status',
  'provider_ref',
  'capture_ref',
  'wire_reference',
  'next_action',
  'amount_refunded',
  'amount_received',
  'failure_code',
  'failure_message',
  'description',
  'metadata',
  'last_checked_at',
]);

/** Reads and writes of payments.payments; every change is a compare-and-set on `version`. */
export const Payments = {
  async insert(
    m: EntityManager,
    p: Pick<
      PaymentRow,
      'id' | 'user_id' | 'amount' | 'currency' | 'method' | 'status' | 'description' | 'metadata'
    >,
  ): Promise<PaymentRow> {
    const rows = await m.query(
      `INSERT INTO payments.payments (id, user_id, amount, currency, method, status, description, metadata)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
      [
        p.id,
        p.user_id,
        p.amount,
        p.currency,
        p.method,
        p.status,
        p.description,
        JSON.stringify(p.metadata),
      ],
    );
    return toPayment(rowsOf<Record<string, unknown>>(rows)[0]);
  },

  async get(m: EntityManager, id: string): Promise<PaymentRow | undefined> {
    const rows = await m.query(`SELECT * FROM payments.payments WHERE id = $1`, [id]);
    return rows[0] ? toPayment(rows[0]) : undefined;
  },

  async byProviderRef(m: EntityManager, method: PaymentMethod, ref: string) {
    const rows = await m.query(
      `SELECT * FROM payments.payments WHERE method = $1 AND provider_ref = $2`,
      [method, ref],
    );
    return rows[0] ? toPayment(rows[0]) : undefined;
  },

  async byCaptureRef(m: EntityManager, ref: string) {
    const rows = await m.query(
      `SELECT * FROM payments.payments WHERE method = 'paypal' AND capture_ref = $1`,
      [ref],
    );
    return rows[0] ? toPayment(rows[0]) : undefined;
  },

  async byWireReference(m: EntityManager, ref: string) {
    const rows = await m.query(
      `SELECT * FROM payments.payments WHERE method = 'wire' AND wire_reference = $1`,
      [ref],
    );
    return rows[0] ? toPayment(rows[0]) : undefined;
  },

  /** Open wire payments still owing exactly this amount (for credits without a reference). */
  async openWireOwing(m: EntityManager, amount: number, currency: string) {
    const rows = await m.query(
      `SELECT * FROM payments.payments
        WHERE method = 'wire' AND status IN ('requires_action','processing')
          AND currency = $2 AND amount - amount_received = $1
        ORDER BY id LIMIT 2`,
      [amount, currency],
    );
    return (rows as Record<string, unknown>[]).map(toPayment);
  },

  /**
   * Writes `fields` only when the row still has `version`; undefined when someone else
   * changed it first (the caller re-reads and decides again).
   */
  async cas(
    m: EntityManager,
    current: PaymentRow,
    fields: Partial<Record<string, unknown>>,
  ): Promise<PaymentRow | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [current.id, current.version];
    for (const [k, v] of Object.entries(fields)) {
      if (!COLUMNS.has(k)) throw new Error(`not an updatable column: ${k}`);
      params.push(
        k === 'metadata' || k === 'next_action' ? (v === null ? null : JSON.stringify(v)) : v,
      );
      sets.push(`${k} = $${params.length}`);
    }
    const res = await m.query(
      `UPDATE payments.payments SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
        WHERE id = $1 AND version = $2 RETURNING *`,
      params,
    );
    const rows = rowsOf<Record<string, unknown>>(res);
    return rows[0] ? toPayment(rows[0]) : undefined;
  },

  async list(
    m: EntityManager,
    q: { userId?: string; status?: string; cursor?: string; limit: number },
  ): Promise<PaymentRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.userId) {
      params.push(q.userId);
      where.push(`user_id = $${params.length}`);
    }
    if (q.status) {
      params.push(q.status);
      where.push(`status = $${params.length}`);
    }
    if (q.cursor) {
      params.push(q.cursor);
      where.push(`id < $${params.length}`);
    }
    params.push(q.limit);
    const rows = await m.query(
      `SELECT * FROM payments.payments ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return (rows as Record<string, unknown>[]).map(toPayment);
  },
};

export const Refunds = {
  async insert(m: EntityManager, r: Omit<RefundRow, 'created_at'> & { created_by: string | null }) {
    const rows = await m.query(
      `INSERT INTO payments.refunds (id, payment_id, amount, currency, reason, status, provider_ref, payout, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *`,
      [
        r.id,
        r.payment_id,
        r.amount,
        r.currency,
        r.reason,
        r.status,
        r.provider_ref,
        r.payout ? JSON.stringify(r.payout) : null,
        r.created_by,
      ],
    );
    return toRefund(rowsOf<Record<string, unknown>>(rows)[0]);
  },

  async byProviderRef(m: EntityManager, paymentId: string, ref: string) {
    const rows = await m.query(
      `SELECT * FROM payments.refunds WHERE payment_id = $1 AND provider_ref = $2`,
      [paymentId, ref],
    );
    return rows[0] ? toRefund(rows[0]) : undefined;
  },

  async ofPayments(m: EntityManager, ids: string[]) {
    if (!ids.length) return [];
    const rows = await m.query(
      `SELECT * FROM payments.refunds WHERE payment_id = ANY($1) ORDER BY created_at`,
      [ids],
    );
    return (rows as Record<string, unknown>[]).map(toRefund);
  },
};
