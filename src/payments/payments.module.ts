import { Module } from '@nestjs/common';
import { EVENT_CONSUMERS } from '../contracts/events.js';
import { OutboxModule } from '../platform/outbox/index.js';
import { IdempotencyService } from './application/idempotency.service.js';
import { PaymentStateService } from './application/payment-state.service.js';
import { PaymentsService } from './application/payments.service.js';
import { ProviderRegistry } from './application/providers.registry.js';
import { RecheckService } from './application/recheck.service.js';
import { RefundsService } from './application/refunds.service.js';
import { StatementsService } from './application/statements.service.js';
import { WebhooksService } from './application/webhooks.service.js';
import { PaypalProvider } from './providers/paypal.provider.js';
import { StripeProvider } from './providers/stripe.provider.js';
import { WireProvider } from './providers/wire.provider.js';
import { PaymentsRpcController } from './rpc/payments.rpc.controller.js';

/** The payments part: message handlers, use cases and persistence. Runs where APP_ROLES has payments. */
@Module({
  imports: [OutboxModule.forPart('payments', EVENT_CONSUMERS)],
  controllers: [PaymentsRpcController],
  providers: [
    StripeProvider,
    PaypalProvider,
    WireProvider,
    ProviderRegistry,
    IdempotencyService,
    PaymentStateService,
    PaymentsService,
    RefundsService,
    WebhooksService,
    StatementsService,
    RecheckService,
  ],
  exports: [PaymentsService, RefundsService, WebhooksService, StatementsService, RecheckService],
})
export class PaymentsModule {}
