import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { EntityManager } from 'typeorm';
import type {
  PaymentEventData,
  PaymentRefundedEventData,
} from '../../contracts/payments/payment.dto.js';
import { PaymentsEvents } from '../../contracts/payments/payments.patterns.js';
import { ProblemException } from '../../platform/errors/index.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { Outbox } from '../../platform/outbox/index.js';
import type { Actor } from '../../platform/transport/index.js';
import { paymentCaptured, type JournalLine } from '../domain/ledger.js';
import { canTransition, type PaymentStatus } from '../domain/payment-state.js';
import { Ledger, type EntryHeader } from '../persistence/ledger.repository.js';
import { Payments, type PaymentRow, type RefundRow } from '../persistence/payment.rows.js';
import type { AfterCommit } from './tx.js';

export interface MoveOptions {
  /** Other columns written in the same compare-and-set. */
  fields?: Record<string, unknown>;
  /** The journal entry for this change (default: a capture entry when a payment succeeds). */
  journal?: { header: Omit<EntryHeader, 'payment_id'>; lines: JournalLine[] };
  actor?: Actor;
  /**
   * One compare-and-set only: `fields` were computed from this version of the row (a running
   * total), so on a lost race the caller must re-read and compute again.
   */
  once?: boolean;
}

export interface MoveResult {
  applied: boolean;
  payment: PaymentRow;
}

/**
 * The only place a payment changes status. Each change is a compare-and-set on the row's
 * version; the journal entry and the outbox event are written in the same transaction.
 * A change that is not allowed from the current status (late or out-of-order news) is
 * ignored, so a payment never moves backwards.
 */
@Injectable()
export class PaymentStateService {
  readonly byStatus: Counter<'status' | 'method'>;

  constructor(
    private readonly outbox: Outbox,
    metrics: MetricsService,
  ) {
    this.byStatus = metrics.counter('payments_by_status_total', 'Payments entering each status', [
      'status',
      'method',
    ]);
  }

  countNew(after: AfterCommit, p: PaymentRow): void {
    after.add(() => this.byStatus.labels(p.status, p.method).inc());
  }

  async move(
    m: EntityManager,
    after: AfterCommit,
    payment: PaymentRow,
    to: PaymentStatus,
    opts: MoveOptions = {},
  ): Promise<MoveResult> {
    let current = payment;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (!canTransition(current.status, to)) return { applied: false, payment: current };
      const next = await Payments.cas(m, current, { ...opts.fields, status: to });
      if (next) {
        await this.entered(m, after, current, next, opts);
        return { applied: true, payment: next };
      }
      current = (await Payments.get(m, current.id))!;
      if (opts.once) return { applied: false, payment: current };
    }
    throw new ProblemException(409, 'payment-busy', 'The payment is changing; try again.');
  }

  /** Writes non-status columns with a compare-and-set, re-reading until it lands. */
  async update(
    m: EntityManager,
    payment: PaymentRow,
    fields: Record<string, unknown>,
  ): Promise<PaymentRow> {
    let current = payment;
    for (let attempt = 0; attempt < 5; attempt++) {
      const next = await Payments.cas(m, current, fields);
      if (next) return next;
      current = (await Payments.get(m, current.id))!;
    }
    throw new ProblemException(409, 'payment-busy', 'The payment is changing; try again.');
  }

  private async entered(
    m: EntityManager,
    after: AfterCommit,
    before: PaymentRow,
    p: PaymentRow,
    opts: MoveOptions,
  ): Promise<void> {
    after.add(() => this.byStatus.labels(p.status, p.method).inc());
    const journal =
      opts.journal ??
      (p.status === 'succeeded' && p.method !== 'wire'
        ? {
            header: { kind: 'payment_captured' },
            lines: paymentCaptured(p.method, p.amount, p.currency),
          }
        : undefined);
    if (journal) await Ledger.post(m, { ...journal.header, payment_id: p.id }, journal.lines);
    if (p.status === 'succeeded' && before.status !== 'succeeded') {
      await this.emit(m, PaymentsEvents.succeeded, p, {}, opts.actor);
    } else if (p.status === 'failed') {
      await this.emit(
        m,
        PaymentsEvents.failed,
        p,
        p.failure_code ? { failure_code: p.failure_code } : {},
        opts.actor,
      );
    }
  }

  async emitRefunded(m: EntityManager, p: PaymentRow, refund: RefundRow, actor?: Actor) {
    const extra: Omit<PaymentRefundedEventData, keyof PaymentEventData> = {
      refund_id: refund.id,
      refund_amount: refund.amount,
      amount_refunded: p.amount_refunded,
    };
    await this.emit(m, PaymentsEvents.refunded, p, extra, actor);
  }

  private async emit(
    m: EntityManager,
    type: string,
    p: PaymentRow,
    extra: Record<string, unknown>,
    actor?: Actor,
  ) {
    const data: PaymentEventData = {
      payment_id: p.id,
      user_id: p.user_id,
      amount: p.amount,
      currency: p.currency,
      method: p.method,
      status: p.status,
    };
    await this.outbox.add(m, {
      type,
      user_id: p.user_id,
      ...(actor ? { actor: { id: actor.id, role: actor.role } } : {}),
      data: { ...data, ...extra },
    });
  }
}
