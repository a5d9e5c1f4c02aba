/**
 * Every domain event (`<part>.<noun>.<past-tense>.v1`). `id` (evt_…) is unique forever;
 * consumers dedupe by it, which makes at-least-once delivery count exactly once.
 */
export interface DomainEvent<T = Record<string, unknown>> {
  id: string;
  type: string;
  occurred_at: string;
  /** The user the event is about, when there is one. */
  user_id?: string;
  actor?: { id: string; role: string };
  data: T;
}

/** Which parts must receive each event type (from `src/contracts/events.ts`). */
export type EventConsumers = Record<string, readonly string[]>;

/** The pattern a consumer part answers to receive a durable event. */
export function deliveryPattern(consumer: string, eventType: string): string {
  return `${consumer}.deliver.${eventType}`;
}
