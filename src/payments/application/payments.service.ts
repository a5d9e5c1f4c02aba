import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newId } from '../../contracts/common/ids.js';
import { findCardNumber } from '../../contracts/payments/card-number.js';
import {
  MAX_LEDGER_LINES,
  type CreatePaymentCommand,
  type IdempotentResult,
  type LedgerDto,
  type ListPaymentsQuery,
  type PaymentDto,
  type PaymentPage,
  type RefundDto,
  type TrialBalanceDto,
} from '../../contracts/payments/payment.dto.js';
import {
  ProblemException,
  validationProblem,
  type FieldError,
} from '../../platform/errors/index.js';
import type { RpcMeta } from '../../platform/transport/index.js';
import { MAX_MINOR_AMOUNT, isCurrency } from '../domain/money.js';
import { PAYMENT_METHODS, isPaymentStatus, type PaymentMethod } from '../domain/payment-state.js';
import { Ledger, totalsOf } from '../persistence/ledger.repository.js';
import {
  Payments,
  Refunds,
  paymentDto,
  refundDto,
  type PaymentRow,
} from '../persistence/payment.rows.js';
import { actorOf, isAdmin, requireAdmin, visible } from './access.js';
import {
  IdempotencyService,
  fingerprint,
  providerKey,
  replayedProblem,
} from './idempotency.service.js';
import { ProviderError } from './payment-provider.js';
import { PaymentStateService } from './payment-state.service.js';
import { ProviderRegistry, providerProblem } from './providers.registry.js';
import { inTx } from './tx.js';

export function checkIdempotencyKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new ProblemException(
      400,
      'idempotency-key-required',
      'The Idempotency-Key header is required (a unique value per request, at most 255 characters).',
    );
  }
  if (key.length > 255) {
    throw validationProblem([
      { field: 'Idempotency-Key', message: 'must be at most 255 characters' },
    ]);
  }
  return key;
}

/** PCI-DSS: a body with anything shaped like a card number is refused, never stored. */
export function rejectCardNumbers(body: unknown): void {
  const at = findCardNumber(body);
  if (at) {
    throw new ProblemException(
      400,
      'card-number-not-accepted',
      'The request contains something shaped like a card number. Card details go to the payment provider, never to this API.',
      { errors: [{ field: at, message: 'looks like a card number' }] },
    );
  }
}

function validateCreate(cmd: Omit<CreatePaymentCommand, 'idempotency_key'>): FieldError[] {
  const errors: FieldError[] = [];
  if (!Number.isSafeInteger(cmd.amount) || cmd.amount < 1 || cmd.amount > MAX_MINOR_AMOUNT) {
    errors.push({
      field: 'amount',
      message: `must be an integer from 1 to ${MAX_MINOR_AMOUNT} (minor units)`,
    });
  }
  if (!isCurrency(cmd.currency)) {
    errors.push({ field: 'currency', message: 'must be an active ISO 4217 currency code' });
  }
  if (!(PAYMENT_METHODS as readonly string[]).includes(cmd.method)) {
    errors.push({ field: 'method', message: `must be one of ${PAYMENT_METHODS.join(', ')}` });
  }
  return errors;
}

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly db: DataSource,
    private readonly idem: IdempotencyService,
    private readonly state: PaymentStateService,
    private readonly providers: ProviderRegistry,
  ) {}

  async create(cmd: CreatePaymentCommand, meta: RpcMeta): Promise<IdempotentResult<PaymentDto>> {
    const actor = actorOf(meta);
    const key = checkIdempotencyKey(cmd.idempotency_key);
    const { idempotency_key: _key, ...body } = cmd;
    rejectCardNumbers(body);
    const currency = typeof cmd.currency === 'string' ? cmd.currency.toUpperCase() : cmd.currency;
    const request = { ...body, currency };
    const errors = validateCreate(request);
    if (errors.length) throw validationProblem(errors);
    const method = request.method as PaymentMethod;
    const provider = this.providers.configured(method);
    const hash = fingerprint('POST /payments', request);

    const begun = await inTx(this.db, (m, after) =>
      this.idem.begin(m, actor.id, key, hash, async () => {
        const p = await Payments.insert(m, {
          id: newId('pay'),
          user_id: actor.id,
          amount: request.amount,
          currency,
          method,
          status: 'requires_action',
          description: request.description ?? null,
          metadata: request.metadata ?? {},
        });
        this.state.countNew(after, p);
        return p.id;
      }),
    );
    if (begun.kind === 'replay') {
      if (begun.status >= 400) throw replayedProblem(begun.body);
      return { status: begun.status, body: begun.body as PaymentDto, replayed: true };
    }
    const payment = (await Payments.get(this.db.manager, begun.resourceId!))!;
    const attemptKey = providerKey(actor.id, key, 'pay');

    let created;
    try {
      created = await provider.create(payment, attemptKey);
    } catch (err) {
      if (!(err instanceof ProviderError)) {
        await inTx(this.db, (m) => this.idem.release(m, actor.id, key));
        throw err;
      }
      this.logger.warn(`${method} create for ${payment.id} failed: ${err.kind} ${err.code}`);
      const problem = providerProblem(err);
      if (err.kind === 'unavailable') {
        await inTx(this.db, (m) => this.idem.release(m, actor.id, key));
        throw problem;
      }
      await inTx(this.db, async (m, after) => {
        await this.state.move(m, after, payment, 'failed', {
          fields: { failure_code: err.code, failure_message: err.message.slice(0, 500) },
          actor,
        });
        await this.idem.complete(m, actor.id, key, problem.getStatus(), problem.toWire());
      });
      throw problem;
    }

    const dto = await inTx(this.db, async (m, after) => {
      let p = (await Payments.get(m, payment.id))!;
      p = await this.state.update(m, p, {
        provider_ref: created.providerRef,
        next_action: created.nextAction,
        ...(created.wireReference ? { wire_reference: created.wireReference } : {}),
      });
      if (created.status !== 'requires_action') {
        p = (await this.state.move(m, after, p, created.status, { actor })).payment;
      }
      const out = paymentDto(p);
      await this.idem.complete(m, actor.id, key, 201, out);
      return out;
    });
    return { status: 201, body: dto, replayed: false };
  }

  async get(id: string, meta: RpcMeta): Promise<PaymentDto> {
    const actor = actorOf(meta);
    return paymentDto(visible(await Payments.get(this.db.manager, String(id)), actor));
  }

  async list(q: ListPaymentsQuery, meta: RpcMeta): Promise<PaymentPage> {
    const actor = actorOf(meta);
    const limit = Math.min(Math.max(Number(q.limit ?? 20) || 20, 1), 100);
    if (q.status !== undefined && !isPaymentStatus(q.status)) {
      throw validationProblem([{ field: 'status', message: 'unknown status' }]);
    }
    const rows = await Payments.list(this.db.manager, {
      userId: isAdmin(actor) ? undefined : actor.id,
      status: q.status,
      cursor: q.cursor,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    return {
      data: page.map(paymentDto),
      has_more: hasMore,
      next_cursor: hasMore ? page[page.length - 1].id : null,
    };
  }

  /** Captures an approved PayPal order (the payer came back from PayPal). */
  async capture(id: string, meta: RpcMeta): Promise<PaymentDto> {
    const actor = actorOf(meta);
    const payment = visible(await Payments.get(this.db.manager, String(id)), actor);
    if (payment.method !== 'paypal') {
      throw new ProblemException(
        409,
        'capture-not-applicable',
        `Only PayPal payments are captured through the API; ${payment.method} payments complete on their own.`,
      );
    }
    if (['succeeded', 'partially_refunded', 'refunded'].includes(payment.status)) {
      return paymentDto(payment); // already captured: capturing again changes nothing
    }
    if (payment.status !== 'requires_action' && payment.status !== 'processing') {
      throw new ProblemException(
        409,
        'payment-not-capturable',
        `The payment is ${payment.status}.`,
      );
    }
    const provider = this.providers.configured('paypal');
    let state;
    try {
      state = await provider.capture(payment, `capture-${payment.id}`);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'conflict') {
        throw new ProblemException(
          409,
          'payment-not-approved',
          'The payer has not approved this PayPal payment yet.',
          { provider_code: err.code },
        );
      }
      if (err instanceof ProviderError) throw providerProblem(err);
      throw err;
    }
    return inTx(this.db, async (m, after) => {
      let p = (await Payments.get(m, payment.id))!;
      if (state.captureRef && p.capture_ref !== state.captureRef) {
        p = await this.state.update(m, p, { capture_ref: state.captureRef });
      }
      if (state.status !== p.status) {
        p = (
          await this.state.move(m, after, p, state.status, {
            actor,
            ...(state.failure
              ? {
                  fields: {
                    failure_code: state.failure.code,
                    failure_message: state.failure.message,
                  },
                }
              : {}),
          })
        ).payment;
      }
      return paymentDto(p);
    });
  }

  async cancel(id: string, meta: RpcMeta): Promise<PaymentDto> {
    const actor = actorOf(meta);
    const payment = visible(await Payments.get(this.db.manager, String(id)), actor);
    if (payment.status === 'canceled') return paymentDto(payment);
    const cancelable =
      payment.status === 'requires_action' ||
      (payment.status === 'processing' && payment.method === 'paypal');
    if (!cancelable) {
      throw new ProblemException(
        409,
        'payment-not-cancelable',
        `A ${payment.status} payment cannot be canceled.`,
      );
    }
    let state;
    try {
      state = await this.providers.of(payment.method).cancel(payment);
    } catch (err) {
      if (err instanceof ProviderError) throw providerProblem(err);
      throw err;
    }
    const p = await inTx(this.db, async (m, after) => {
      const current = (await Payments.get(m, payment.id))!;
      return (await this.state.move(m, after, current, state.status, { actor })).payment;
    });
    if (p.status !== 'canceled') {
      throw new ProblemException(409, 'payment-not-cancelable', `The payment is ${p.status}.`, {
        payment_status: p.status,
      });
    }
    return paymentDto(p);
  }

  async ledger(id: string, meta: RpcMeta): Promise<LedgerDto> {
    const actor = actorOf(meta);
    const payment = visible(await Payments.get(this.db.manager, String(id)), actor);
    const lines = await Ledger.linesOfPayment(this.db.manager, payment.id);
    return {
      payment_id: payment.id,
      lines: lines.slice(0, MAX_LEDGER_LINES),
      ...totalsOf(lines),
    };
  }

  async trialBalance(meta: RpcMeta): Promise<TrialBalanceDto> {
    requireAdmin(meta);
    const accounts = await Ledger.trialBalance(this.db.manager);
    return { accounts, ...totalsOf(accounts) };
  }

  async exportUser(userId: string): Promise<{ payments: PaymentDto[]; refunds: RefundDto[] }> {
    const rows: PaymentRow[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await Payments.list(this.db.manager, {
        userId: String(userId),
        cursor,
        limit: 500,
      });
      rows.push(...page);
      if (page.length < 500) break;
      cursor = page[page.length - 1].id;
    }
    const byId = new Map(rows.map((p) => [p.id, p]));
    const refunds = await Refunds.ofPayments(
      this.db.manager,
      rows.map((p) => p.id),
    );
    return {
      payments: rows.map(paymentDto),
      refunds: refunds.map((r) => refundDto(r, byId.get(r.payment_id)!)),
    };
  }

  /**
   * Erasure: bookkeeping law keeps amounts, dates and references; the free text a user typed
   * (description, metadata) is removed.
   */
  async eraseUser(userId: string): Promise<{ pseudonymised: number }> {
    const res = await this.db.query(
      `UPDATE payments.payments SET description = NULL, metadata = '{}'::jsonb, updated_at = now(),
              version = version + 1
        WHERE user_id = $1 AND (description IS NOT NULL OR metadata <> '{}'::jsonb)`,
      [String(userId)],
    );
    const count = Array.isArray(res) && typeof res[1] === 'number' ? res[1] : 0;
    return { pseudonymised: count };
  }
}
