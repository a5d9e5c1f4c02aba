import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '../../contracts/common/ids.js';
import type {
  ReconciliationLineDto,
  ReconciliationReport,
} from '../../contracts/payments/payment.dto.js';
import { ProblemException } from '../../platform/errors/index.js';
import type { RpcMeta } from '../../platform/transport/index.js';
import { StatementFormatError, parseCamt053, type StatementCredit } from '../domain/camt053.js';
import { findRfReferences, parseRfReference } from '../domain/rf-reference.js';
import { decideCredit } from '../domain/wire-matching.js';
import { Ledger } from '../persistence/ledger.repository.js';
import { Payments, rowsOf, type PaymentRow } from '../persistence/payment.rows.js';
import { requireAdmin } from './access.js';
import { PaymentStateService } from './payment-state.service.js';
import { inTx, type AfterCommit } from './tx.js';

type Outcome = ReconciliationLineDto['outcome'];

/** Statement (stm_) and statement line (stl_) ids, same shape as the platform's ids. */
const idOf = (prefix: 'stm' | 'stl') => prefix + newId('jrn').slice(3);

/**
 * camt.053 bank statements: every booked credit is matched to a wire payment by its RF
 * reference, else by being the only open wire payment owing exactly that amount. Exact totals
 * succeed the payment; under- and over-payments are flagged; credits matching nothing are held
 * as unapplied. A statement imported twice books nothing twice (unique entry keys).
 */
@Injectable()
export class StatementsService {
  constructor(
    private readonly db: DataSource,
    private readonly state: PaymentStateService,
  ) {}

  async import(xml: string, meta: RpcMeta): Promise<ReconciliationReport> {
    const actor = requireAdmin(meta);
    if (typeof xml !== 'string' || !xml.trim()) {
      throw new ProblemException(400, 'invalid-statement', 'Send a camt.053 XML document.');
    }
    let parsed;
    try {
      parsed = parseCamt053(xml);
    } catch (err) {
      if (err instanceof StatementFormatError) {
        throw new ProblemException(400, 'invalid-statement', err.message);
      }
      throw err;
    }
    return inTx(this.db, async (m, after) => {
      const statementId = idOf('stm');
      await m.query(
        `INSERT INTO payments.statements (id, message_id, statement_id, account_iban, imported_by, report)
         VALUES ($1,$2,$3,$4,$5,'{}'::jsonb)`,
        [
          statementId,
          parsed.messageId ?? null,
          parsed.statementId ?? null,
          parsed.accountIban ?? null,
          actor.id,
        ],
      );
      const lines: ReconciliationLineDto[] = [];
      for (const credit of parsed.credits)
        lines.push(await this.apply(m, after, statementId, credit));
      const summary = {
        matched: 0,
        underpaid: 0,
        overpaid: 0,
        unknown: 0,
        currency_mismatch: 0,
        already_settled: 0,
        duplicate: 0,
        skipped_debits_or_pending: parsed.skipped,
      } as ReconciliationReport['summary'];
      for (const l of lines) summary[l.outcome]++;
      const report: ReconciliationReport = {
        statement_id: statementId,
        message_id: parsed.messageId ?? null,
        account_iban: parsed.accountIban ?? null,
        lines,
        summary,
      };
      await m.query(`UPDATE payments.statements SET report = $2 WHERE id = $1`, [
        statementId,
        JSON.stringify(report),
      ]);
      return report;
    });
  }

  private async apply(
    m: EntityManager,
    after: AfterCommit,
    statementId: string,
    credit: StatementCredit,
  ): Promise<ReconciliationLineDto> {
    // The structured reference, else any valid one in the text; the one we issued wins.
    const structured = credit.structuredReference && parseRfReference(credit.structuredReference);
    const candidates = structured
      ? [structured]
      : [
          ...findRfReferences(credit.remittanceText ?? ''),
          ...findRfReferences(credit.endToEndId ?? ''),
        ];
    let payment: PaymentRow | undefined;
    let matchedBy: 'reference' | 'amount' | null = null;
    let reference: string | null = candidates[0] ?? null;
    for (const candidate of candidates) {
      const p = await Payments.byWireReference(m, candidate);
      if (p) {
        payment = p;
        matchedBy = 'reference';
        reference = candidate;
        break;
      }
    }
    const lineId = idOf('stl');
    const inserted = rowsOf(
      await m.query(
        `INSERT INTO payments.statement_lines
           (id, statement_id, entry_key, amount, currency, reference, debtor_name, debtor_iban, outcome)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'pending')
         ON CONFLICT (entry_key) DO NOTHING RETURNING id`,
        [
          lineId,
          statementId,
          credit.entryKey,
          credit.amount,
          credit.currency,
          reference,
          credit.debtorName ?? null,
          credit.debtorIban ?? null,
        ],
      ),
    );
    const base = {
      entry_key: credit.entryKey,
      amount: credit.amount,
      currency: credit.currency,
      reference,
      debtor_name: credit.debtorName ?? null,
    };
    if (!inserted.length) {
      const prev: Record<string, unknown>[] = await m.query(
        `SELECT payment_id FROM payments.statement_lines WHERE entry_key = $1`,
        [credit.entryKey],
      );
      const paymentId = (prev[0]?.payment_id as string | null) ?? null;
      const p = paymentId ? await Payments.get(m, paymentId) : undefined;
      return {
        ...base,
        outcome: 'duplicate',
        matched_by: null,
        payment_id: paymentId,
        difference: 0,
        payment_status: p?.status ?? null,
      };
    }

    if (!payment) {
      const owing = await Payments.openWireOwing(m, credit.amount, credit.currency);
      if (owing.length === 1) {
        payment = owing[0];
        matchedBy = 'amount';
      }
    }

    let outcome: Outcome = 'unknown';
    let difference = credit.amount;
    for (let attempt = 0; attempt < 5; attempt++) {
      const d = decideCredit(
        credit,
        payment && { ...payment, amountReceived: payment.amount_received },
      );
      outcome = d.outcome;
      difference = d.difference;
      const journal = {
        header: { kind: `wire_${d.outcome}`, statement_line_id: lineId, memo: reference },
        lines: d.journal,
      };
      if (!payment || d.amountReceived === undefined) {
        await Ledger.post(m, { ...journal.header, payment_id: payment?.id ?? null }, d.journal);
        break;
      }
      if (d.newStatus) {
        const moved = await this.state.move(m, after, payment, d.newStatus, {
          fields: { amount_received: d.amountReceived },
          journal,
          once: true,
        });
        if (moved.applied) {
          payment = moved.payment;
          break;
        }
        payment = moved.payment;
        continue;
      }
      const updated = await Payments.cas(m, payment, { amount_received: d.amountReceived });
      if (updated) {
        await Ledger.post(m, { ...journal.header, payment_id: payment.id }, d.journal);
        payment = updated;
        break;
      }
      payment = (await Payments.get(m, payment.id))!;
    }
    await m.query(
      `UPDATE payments.statement_lines SET outcome = $2, payment_id = $3, difference = $4 WHERE id = $1`,
      [lineId, outcome, payment?.id ?? null, difference],
    );
    return {
      ...base,
      outcome,
      matched_by: payment ? matchedBy : null,
      payment_id: payment?.id ?? null,
      difference,
      payment_status: payment?.status ?? null,
    };
  }
}
