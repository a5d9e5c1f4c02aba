import { Injectable } from '@nestjs/common';
import { RpcClient } from '../../platform/transport/rpc-client.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import type {
  CreatePaymentCommand,
  CreateRefundCommand,
  IdempotentResult,
  LedgerDto,
  ListPaymentsQuery,
  PaymentDto,
  PaymentPage,
  ReconciliationReport,
  RefundDto,
  TrialBalanceDto,
  WebhookAck,
} from './payment.dto.js';
import { PaymentsPatterns } from './payments.patterns.js';

/** Provider calls can take a while; the gateway waits longer than for a plain lookup. */
const PROVIDER_CALL_MS = 30_000;

/** Typed client of the payments part. */
@Injectable()
export class PaymentsClient {
  constructor(private readonly rpc: RpcClient) {}

  create(cmd: CreatePaymentCommand, meta: RpcMeta): Promise<IdempotentResult<PaymentDto>> {
    return this.rpc.send(PaymentsPatterns.create, cmd, meta, { timeoutMs: PROVIDER_CALL_MS });
  }

  get(id: string, meta: RpcMeta): Promise<PaymentDto> {
    return this.rpc.send(PaymentsPatterns.get, { id }, meta);
  }

  list(query: ListPaymentsQuery, meta: RpcMeta): Promise<PaymentPage> {
    return this.rpc.send(PaymentsPatterns.list, query, meta);
  }

  capture(id: string, meta: RpcMeta): Promise<PaymentDto> {
    return this.rpc.send(PaymentsPatterns.capture, { id }, meta, { timeoutMs: PROVIDER_CALL_MS });
  }

  cancel(id: string, meta: RpcMeta): Promise<PaymentDto> {
    return this.rpc.send(PaymentsPatterns.cancel, { id }, meta, { timeoutMs: PROVIDER_CALL_MS });
  }

  refund(cmd: CreateRefundCommand, meta: RpcMeta): Promise<IdempotentResult<RefundDto>> {
    return this.rpc.send(PaymentsPatterns.refund, cmd, meta, { timeoutMs: PROVIDER_CALL_MS });
  }

  ledger(id: string, meta: RpcMeta): Promise<LedgerDto> {
    return this.rpc.send(PaymentsPatterns.ledger, { id }, meta);
  }

  trialBalance(meta: RpcMeta): Promise<TrialBalanceDto> {
    return this.rpc.send(PaymentsPatterns.trialBalance, {}, meta);
  }

  stripeWebhook(payloadBase64: string, signature: string, meta: RpcMeta): Promise<WebhookAck> {
    return this.rpc.send(
      PaymentsPatterns.stripeWebhook,
      { payload_base64: payloadBase64, signature },
      meta,
    );
  }

  paypalWebhook(
    payloadBase64: string,
    headers: Record<string, string>,
    meta: RpcMeta,
  ): Promise<WebhookAck> {
    return this.rpc.send(
      PaymentsPatterns.paypalWebhook,
      { payload_base64: payloadBase64, headers },
      meta,
      { timeoutMs: PROVIDER_CALL_MS },
    );
  }

  importStatement(xml: string, meta: RpcMeta): Promise<ReconciliationReport> {
    return this.rpc.send(PaymentsPatterns.importStatement, { xml }, meta, { timeoutMs: 60_000 });
  }

  recheck(meta: RpcMeta): Promise<{ checked: number; changed: number }> {
    return this.rpc.send(PaymentsPatterns.recheck, {}, meta, { timeoutMs: 60_000 });
  }

  exportUser(
    userId: string,
    meta: RpcMeta = {},
  ): Promise<{ payments: PaymentDto[]; refunds: RefundDto[] }> {
    return this.rpc.send(PaymentsPatterns.exportUser, { user_id: userId }, meta);
  }

  eraseUser(userId: string, meta: RpcMeta = {}): Promise<{ pseudonymised: number }> {
    return this.rpc.send(PaymentsPatterns.eraseUser, { user_id: userId }, meta);
  }
}
