import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '../../contracts/common/ids.js';
import type {
  CreateRefundCommand,
  IdempotentResult,
  RefundDto,
} from '../../contracts/payments/payment.dto.js';
import { KeyValueStore } from '../../platform/kv/index.js';
import { ProblemException, notFound, validationProblem } from '../../platform/errors/index.js';
import type { Actor, RpcMeta } from '../../platform/transport/index.js';
import { refundIssued } from '../domain/ledger.js';
import { MAX_MINOR_AMOUNT } from '../domain/money.js';
import { isSettled, refundedStatus } from '../domain/payment-state.js';
import { rfReference } from '../domain/rf-reference.js';
import {
  Payments,
  Refunds,
  refundDto,
  type PaymentRow,
  type RefundRow,
} from '../persistence/payment.rows.js';
import { newReferenceBody } from '../providers/wire.provider.js';
import { requireAdmin } from './access.js';
import {
  IdempotencyService,
  fingerprint,
  providerKey,
  replayedProblem,
} from './idempotency.service.js';
import { ProviderError } from './payment-provider.js';
import { PaymentStateService } from './payment-state.service.js';
import { checkIdempotencyKey, rejectCardNumbers } from './payments.service.js';
import { ProviderRegistry, providerProblem } from './providers.registry.js';
import { inTx, type AfterCommit } from './tx.js';

/** Refused before anything ran: the key is given back, like Stripe does for invalid requests. */
class Refused extends Error {
  constructor(readonly problem: ProblemException) {
    super(problem.message);
  }
}

/**
 * Refunds (admin): partial refunds until the amount is used up. One refund per payment runs
 * at a time (a lock in the shared key-value store), and the database refuses a refunded total
 * above the amount (CHECK constraint) whatever happens.
 */
@Injectable()
export class RefundsService {
  private readonly logger = new Logger('Refunds');

  constructor(
    private readonly db: DataSource,
    private readonly kv: KeyValueStore,
    private readonly idem: IdempotencyService,
    private readonly state: PaymentStateService,
    private readonly providers: ProviderRegistry,
  ) {}

  async refund(cmd: CreateRefundCommand, meta: RpcMeta): Promise<IdempotentResult<RefundDto>> {
    const actor = requireAdmin(meta);
    const key = checkIdempotencyKey(cmd.idempotency_key);
    const request = { amount: cmd.amount, reason: cmd.reason };
    rejectCardNumbers(request);
    if (
      cmd.amount !== undefined &&
      (!Number.isSafeInteger(cmd.amount) || cmd.amount < 1 || cmd.amount > MAX_MINOR_AMOUNT)
    ) {
      throw validationProblem([
        { field: 'amount', message: 'must be a positive integer (minor units)' },
      ]);
    }
    const paymentId = String(cmd.payment_id);
    const hash = fingerprint(`POST /payments/${paymentId}/refunds`, request);
    const begun = await inTx(this.db, (m) =>
      this.idem.begin(m, actor.id, key, hash, async () => null),
    );
    if (begun.kind === 'replay') {
      if (begun.status >= 400) throw replayedProblem(begun.body);
      return { status: begun.status, body: begun.body as RefundDto, replayed: true };
    }
    const lock = `payments:refund-lock:${paymentId}`;
    if (!(await this.kv.setIfAbsent(lock, key, 120_000))) {
      await inTx(this.db, (m) => this.idem.forget(m, actor.id, key));
      throw new ProblemException(
        409,
        'refund-in-progress',
        'Another refund of this payment is running; retry shortly.',
      );
    }
    try {
      const body = await this.run(paymentId, request, actor, key);
      return { status: 201, body, replayed: false };
    } catch (err) {
      if (err instanceof Refused) {
        await inTx(this.db, (m) => this.idem.forget(m, actor.id, key));
        throw err.problem;
      }
      throw err;
    } finally {
      await this.kv.del(lock).catch(() => undefined);
    }
  }

  private async run(
    paymentId: string,
    request: { amount?: number; reason?: string },
    actor: Actor,
    key: string,
  ): Promise<RefundDto> {
    const payment = await Payments.get(this.db.manager, paymentId);
    if (!payment) throw new Refused(notFound('Payment'));
    if (!isSettled(payment.status)) {
      throw new Refused(
        new ProblemException(
          409,
          'payment-not-refundable',
          payment.status === 'refunded'
            ? 'The payment is already fully refunded.'
            : `A ${payment.status} payment has no money to refund.`,
          { payment_status: payment.status },
        ),
      );
    }
    const remaining = payment.amount - payment.amount_refunded;
    const amount = request.amount ?? remaining;
    if (amount > remaining) {
      throw new Refused(
        new ProblemException(
          422,
          'refund-exceeds-remaining',
          `The refund (${amount}) is more than what is left to refund (${remaining}).`,
          {
            refundable_amount: remaining,
            errors: [{ field: 'amount', message: `at most ${remaining}` }],
          },
        ),
      );
    }
    const provider = this.providers.of(payment.method);
    if (payment.method !== 'wire') this.providers.configured(payment.method);
    let result;
    try {
      result = await provider.refund(
        payment,
        amount,
        request.reason,
        providerKey(actor.id, key, 'refund'),
      );
    } catch (err) {
      if (!(err instanceof ProviderError)) {
        await inTx(this.db, (m) => this.idem.release(m, actor.id, key));
        throw err;
      }
      const problem = providerProblem(err);
      await inTx(this.db, (m) =>
        err.kind === 'unavailable'
          ? this.idem.release(m, actor.id, key)
          : this.idem.complete(m, actor.id, key, problem.getStatus(), problem.toWire()),
      );
      throw problem;
    }
    return inTx(this.db, async (m, after) => {
      const current = (await Payments.get(m, payment.id))!;
      if (result.providerRef) {
        const known = await Refunds.byProviderRef(m, payment.id, result.providerRef);
        if (known) {
          // The provider's webhook recorded this refund first.
          const dto = refundDto(known, current);
          await this.idem.complete(m, actor.id, key, 201, dto);
          return dto;
        }
      }
      const payout = payment.method === 'wire' ? await this.payoutFor(m, current, amount) : null;
      const { refund, payment: after2 } = await this.record(m, after, current, {
        amount,
        reason: request.reason ?? null,
        status: result.status,
        providerRef: result.providerRef,
        payout,
        actor,
      });
      const dto = refundDto(refund, after2);
      await this.idem.complete(m, actor.id, key, 201, dto);
      return dto;
    });
  }

  /**
   * Books a refund: the refund row, the payment's refunded total and status (compare-and-set),
   * the journal entry and the refunded event, all in `m`'s transaction.
   */
  async record(
    m: EntityManager,
    after: AfterCommit,
    payment: PaymentRow,
    r: {
      amount: number;
      reason: string | null;
      status: 'succeeded' | 'pending';
      providerRef: string | null;
      payout: RefundRow['payout'];
      actor?: Actor;
    },
  ): Promise<{ refund: RefundRow; payment: PaymentRow }> {
    let current = payment;
    for (let attempt = 0; attempt < 5; attempt++) {
      const total = current.amount_refunded + r.amount;
      if (total > current.amount) {
        throw new ProblemException(
          422,
          'refund-exceeds-remaining',
          'The refund is more than what is left.',
        );
      }
      const refundId = newId('rfd');
      const moved = await this.state.move(
        m,
        after,
        current,
        refundedStatus(current.amount, total),
        {
          fields: { amount_refunded: total },
          journal: {
            header: { kind: 'refund', refund_id: refundId },
            lines: refundIssued(current.method, r.amount, current.currency),
          },
          actor: r.actor,
          once: true,
        },
      );
      if (!moved.applied) {
        if (moved.payment.version === current.version) {
          throw new ProblemException(
            409,
            'payment-not-refundable',
            `The payment is ${moved.payment.status}.`,
          );
        }
        current = moved.payment;
        continue;
      }
      const refund = await Refunds.insert(m, {
        id: refundId,
        payment_id: current.id,
        amount: r.amount,
        currency: current.currency,
        reason: r.reason,
        status: r.status,
        provider_ref: r.providerRef,
        payout: r.payout,
        created_by: r.actor?.id ?? null,
      });
      await this.state.emitRefunded(m, moved.payment, refund, r.actor);
      return { refund, payment: moved.payment };
    }
    throw new ProblemException(409, 'payment-busy', 'The payment is changing; try again.');
  }

  /**
   * A refund made at the provider (dashboard) or reported by its webhook: booked once per
   * provider refund id, never above the amount.
   */
  async recordExternal(
    m: EntityManager,
    after: AfterCommit,
    payment: PaymentRow,
    providerRef: string,
    amount: number,
    status: 'succeeded' | 'pending',
  ): Promise<'applied' | 'ignored'> {
    if (await Refunds.byProviderRef(m, payment.id, providerRef)) return 'ignored';
    if (!isSettled(payment.status)) return 'ignored';
    const remaining = payment.amount - payment.amount_refunded;
    const booked = Math.min(amount, remaining);
    if (booked <= 0) return 'ignored';
    if (booked < amount)
      this.logger.warn(`refund ${providerRef} above what is left on ${payment.id}`);
    await this.record(m, after, payment, {
      amount: booked,
      reason: 'reported by provider',
      status,
      providerRef,
      payout: null,
    });
    return 'applied';
  }

  /** The bank transfer back: to the account the money came from, with a new RF reference. */
  private async payoutFor(
    m: EntityManager,
    p: PaymentRow,
    amount: number,
  ): Promise<RefundRow['payout']> {
    const rows: { debtor_name: string | null; debtor_iban: string | null }[] = await m.query(
      `SELECT debtor_name, debtor_iban FROM payments.statement_lines
        WHERE payment_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [p.id],
    );
    return {
      type: 'wire_payout',
      amount,
      currency: p.currency,
      reference: rfReference(newReferenceBody()),
      beneficiary: rows[0]?.debtor_name ?? null,
      iban: rows[0]?.debtor_iban ?? null,
    };
  }
}
