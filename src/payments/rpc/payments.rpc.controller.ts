import { Controller } from '@nestjs/common';
import type {
  CreatePaymentCommand,
  CreateRefundCommand,
  ListPaymentsQuery,
} from '../../contracts/payments/payment.dto.js';
import { PaymentsPatterns } from '../../contracts/payments/payments.patterns.js';
import { Rpc, type RpcEnvelope } from '../../platform/transport/index.js';
import { PaymentsService } from '../application/payments.service.js';
import { RecheckService } from '../application/recheck.service.js';
import { RefundsService } from '../application/refunds.service.js';
import { StatementsService } from '../application/statements.service.js';
import { WebhooksService } from '../application/webhooks.service.js';

/** The payments part's front door on the transport. */
@Controller()
export class PaymentsRpcController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly refunds: RefundsService,
    private readonly webhooks: WebhooksService,
    private readonly statements: StatementsService,
    private readonly recheck: RecheckService,
  ) {}

  @Rpc(PaymentsPatterns.create)
  create({ meta, data }: RpcEnvelope<CreatePaymentCommand>) {
    return this.payments.create(data, meta);
  }

  @Rpc(PaymentsPatterns.get)
  get({ meta, data }: RpcEnvelope<{ id: string }>) {
    return this.payments.get(data.id, meta);
  }

  @Rpc(PaymentsPatterns.list)
  list({ meta, data }: RpcEnvelope<ListPaymentsQuery>) {
    return this.payments.list(data ?? {}, meta);
  }

  @Rpc(PaymentsPatterns.capture)
  capture({ meta, data }: RpcEnvelope<{ id: string }>) {
    return this.payments.capture(data.id, meta);
  }

  @Rpc(PaymentsPatterns.cancel)
  cancel({ meta, data }: RpcEnvelope<{ id: string }>) {
    return this.payments.cancel(data.id, meta);
  }

  @Rpc(PaymentsPatterns.refund)
  refund({ meta, data }: RpcEnvelope<CreateRefundCommand>) {
    return this.refunds.refund(data, meta);
  }

  @Rpc(PaymentsPatterns.ledger)
  ledger({ meta, data }: RpcEnvelope<{ id: string }>) {
    return this.payments.ledger(data.id, meta);
  }

  @Rpc(PaymentsPatterns.trialBalance)
  trialBalance({ meta }: RpcEnvelope<unknown>) {
    return this.payments.trialBalance(meta);
  }

  @Rpc(PaymentsPatterns.stripeWebhook)
  stripeWebhook({ data }: RpcEnvelope<{ payload_base64: string; signature: string }>) {
    return this.webhooks.stripe(data.payload_base64, data.signature);
  }

  @Rpc(PaymentsPatterns.paypalWebhook)
  paypalWebhook({
    data,
  }: RpcEnvelope<{ payload_base64: string; headers: Record<string, string> }>) {
    return this.webhooks.paypal(data.payload_base64, data.headers);
  }

  @Rpc(PaymentsPatterns.importStatement)
  importStatement({ meta, data }: RpcEnvelope<{ xml: string }>) {
    return this.statements.import(data.xml, meta);
  }

  @Rpc(PaymentsPatterns.recheck)
  recheckNow({ meta }: RpcEnvelope<unknown>) {
    return this.recheck.runNow(meta);
  }

  @Rpc(PaymentsPatterns.exportUser)
  exportUser({ data }: RpcEnvelope<{ user_id: string }>) {
    return this.payments.exportUser(data.user_id);
  }

  @Rpc(PaymentsPatterns.eraseUser)
  eraseUser({ data }: RpcEnvelope<{ user_id: string }>) {
    return this.payments.eraseUser(data.user_id);
  }
}
