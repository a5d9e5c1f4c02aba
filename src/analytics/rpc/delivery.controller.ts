import { Controller, Logger } from '@nestjs/common';
import type { DomainEvent } from '../../contracts/common/event-envelope.js';
import { deliveryPattern, EVENT_CONSUMERS } from '../../contracts/events.js';
import { Rpc, type RpcEnvelope } from '../../platform/transport/index.js';
import { IngestionService } from '../application/ingestion.service.js';

/** Every durable event type routed to analytics in src/contracts/events.ts. */
export const DELIVERED_TYPES = Object.entries(EVENT_CONSUMERS)
  .filter(([, consumers]) => consumers.includes('analytics'))
  .map(([type]) => type);

const ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Receives the platform's domain events from the producers' outboxes
 * (`analytics.deliver.<type>`). Returning acknowledges; a redelivery is a duplicate by event id
 * and counts once. A malformed event is acknowledged and dropped (retrying cannot fix it);
 * a storage failure throws so the outbox retries.
 */
@Controller()
export class DeliveryController {
  private readonly logger = new Logger('AnalyticsDelivery');

  constructor(private readonly ingestion: IngestionService) {}

  async receive(type: string, envelope: RpcEnvelope<DomainEvent>): Promise<{ stored: boolean }> {
    const event = envelope?.data;
    if (!event || typeof event.id !== 'string' || !ID.test(event.id) || event.type !== type) {
      this.logger.warn(`dropped a malformed ${type} delivery`);
      return { stored: false };
    }
    if (
      event.user_id !== undefined &&
      event.user_id !== null &&
      typeof event.user_id !== 'string'
    ) {
      this.logger.warn(`dropped ${type} ${event.id}: user_id is not a string`);
      return { stored: false };
    }
    const data =
      event.data && typeof event.data === 'object' && !Array.isArray(event.data) ? event.data : {};
    return this.ingestion.ingestDomainEvent({ ...event, data });
  }
}

// One handler per delivered type, so NATS subscribes to exactly those subjects.
for (const type of DELIVERED_TYPES) {
  const method = `deliver_${type.replace(/[^a-z0-9]+/gi, '_')}`;
  Object.defineProperty(DeliveryController.prototype, method, {
    value: function (this: DeliveryController, envelope: RpcEnvelope<DomainEvent>) {
      return this.receive(type, envelope);
    },
    writable: true,
    configurable: true,
  });
  const descriptor = Object.getOwnPropertyDescriptor(DeliveryController.prototype, method)!;
  Rpc(deliveryPattern('analytics', type))(DeliveryController.prototype, method, descriptor);
}
