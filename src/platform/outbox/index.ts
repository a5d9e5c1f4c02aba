export { OutboxModule } from './outbox.module.js';
export { Outbox, type NewEvent } from './outbox.service.js';
export { OutboxRelay } from './outbox.relay.js';
export { outboxMigrations } from './outbox.migration.js';
export { deliveryPattern, type DomainEvent, type EventConsumers } from './domain-event.js';
