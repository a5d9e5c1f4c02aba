import type { Actor } from '../../platform/transport/rpc-meta.js';

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
  actor?: Pick<Actor, 'id' | 'role'>;
  data: T;
}
