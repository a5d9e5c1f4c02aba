export type { DomainEvent } from '../../platform/outbox/domain-event.js';
