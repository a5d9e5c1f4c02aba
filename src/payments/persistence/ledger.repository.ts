import type { EntityManager } from 'typeorm';
import { newId } from '../../contracts/common/ids.js';
import type { LedgerLineDto } from '../../contracts/payments/payment.dto.js';
import { assertBalanced, type JournalLine } from '../domain/ledger.js';

export interface EntryHeader {
  kind: string;
  payment_id?: string | null;
  refund_id?: string | null;
  statement_line_id?: string | null;
  memo?: string | null;
}

/** The journal: entries and their lines, written in the caller's transaction. */
export const Ledger = {
  async post(m: EntityManager, header: EntryHeader, lines: JournalLine[]): Promise<string> {
    assertBalanced(lines);
    const id = newId('jrn');
    await m.query(
      `INSERT INTO payments.journal_entries (id, kind, payment_id, refund_id, statement_line_id, memo)
       VALUES ($1,$2,$3,$4,$5,$6)`,
      [
        id,
        header.kind,
        header.payment_id ?? null,
        header.refund_id ?? null,
        header.statement_line_id ?? null,
        header.memo ?? null,
      ],
    );
    for (const l of lines) {
      await m.query(
        `INSERT INTO payments.journal_lines (entry_id, account, direction, amount, currency)
         VALUES ($1,$2,$3,$4,$5)`,
        [id, l.account, l.direction, l.amount, l.currency],
      );
    }
    return id;
  },

  async linesOfPayment(m: EntityManager, paymentId: string): Promise<LedgerLineDto[]> {
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT e.id AS entry_id, e.kind, l.account, l.direction, l.amount, l.currency, e.created_at
         FROM payments.journal_entries e JOIN payments.journal_lines l ON l.entry_id = e.id
        WHERE e.payment_id = $1
        ORDER BY e.created_at, e.id, l.id`,
      [paymentId],
    );
    return rows.map((r) => ({
      entry_id: String(r.entry_id),
      kind: String(r.kind),
      account: String(r.account),
      debit: r.direction === 'debit' ? Number(r.amount) : 0,
      credit: r.direction === 'credit' ? Number(r.amount) : 0,
      currency: String(r.currency).trim(),
      created_at: new Date(r.created_at as string).toISOString(),
    }));
  },

  async trialBalance(m: EntityManager) {
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT account, currency,
              COALESCE(SUM(amount) FILTER (WHERE direction = 'debit'), 0) AS debit,
              COALESCE(SUM(amount) FILTER (WHERE direction = 'credit'), 0) AS credit
         FROM payments.journal_lines GROUP BY account, currency ORDER BY currency, account`,
    );
    return rows.map((r) => ({
      account: String(r.account),
      currency: String(r.currency).trim(),
      debit: Number(r.debit),
      credit: Number(r.credit),
      balance: Number(r.debit) - Number(r.credit),
    }));
  },
};

/** Sums per currency and whether each balances. */
export function totalsOf(lines: { debit: number; credit: number; currency: string }[]) {
  const totals: Record<string, { debit: number; credit: number }> = {};
  for (const l of lines) {
    const t = (totals[l.currency] ??= { debit: 0, credit: 0 });
    t.debit += l.debit;
    t.credit += l.credit;
  }
  const balanced = Object.values(totals).every((t) => t.debit === t.credit);
  return { totals, balanced };
}
