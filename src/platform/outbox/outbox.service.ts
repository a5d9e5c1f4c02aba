import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { quoteIdent } from '../database/migrator.js';
import { newId } from '../ids.js';
import { RpcTracing } from '../tracing/rpc-tracing.js';
import type { DomainEvent, EventConsumers } from './domain-event.js';

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

export interface OutboxOptions {
  schema: string;
  consumers: EventConsumers;
}

export interface NewEvent<T> {
  type: string;
  data: T;
  user_id?: string;
  actor?: { id: string; role: string };
  /** Defaults to now. */
  occurred_at?: Date;
}

/** Records events in the caller's transaction; the relay delivers them after commit. */
@Injectable()
export class Outbox {
  private readonly table: string;
  private listener?: () => void;

  constructor(
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
    @Optional() private readonly tracing?: RpcTracing,
  ) {
    this.table = `${quoteIdent(options.schema)}.outbox`;
  }

  /**
   * Adds an event inside `manager`'s transaction (use the transaction's manager, never the
   * default one, or the event and the state change are no longer atomic).
   */
  async add<T>(manager: EntityManager, event: NewEvent<T>): Promise<DomainEvent<T>> {
    const full: DomainEvent<T> = {
      id: newId('evt'),
      type: event.type,
      occurred_at: (event.occurred_at ?? new Date()).toISOString(),
      ...(event.user_id ? { user_id: event.user_id } : {}),
      ...(event.actor ? { actor: { id: event.actor.id, role: event.actor.role } } : {}),
      data: event.data,
    };
    const consumers = this.options.consumers[event.type];
    if (consumers === undefined) {
      throw new Error(`event type ${event.type} has no entry in EVENT_CONSUMERS`);
    }
    const trace = this.tracing?.current();
    for (const consumer of consumers) {
      await manager.query(
        `INSERT INTO ${this.table} (id, consumer, type, payload, trace_context)
         VALUES ($1, $2, $3, $4, $5)`,
        [full.id, consumer, full.type, JSON.stringify(full), trace ? JSON.stringify(trace) : null],
      );
    }
    if (consumers.length) setTimeout(() => this.listener?.(), 5).unref();
    return full;
  }

  /** The relay subscribes to be woken soon after an event is added. */
  onAdded(listener: () => void): void {
    this.listener = listener;
  }
}
