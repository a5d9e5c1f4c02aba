import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Outbox } from '../../platform/outbox/index.js';
import type { Actor } from '../../platform/transport/rpc-meta.js';

export interface UserEvent {
  type: string;
  user_id: string;
  actor?: Actor;
  data: Record<string, unknown>;
}

/**
 * Records the users part's durable events (`users.user.*.v1`) in the caller's transaction,
 * through the transactional outbox: the relay delivers them after commit to every consumer
 * listed in EVENT_CONSUMERS. Events carry ids and facts, never personal data.
 */
@Injectable()
export class UserEvents {
  constructor(private readonly outbox: Outbox) {}

  async record(m: EntityManager, event: UserEvent): Promise<void> {
    await this.outbox.add(m, {
      type: event.type,
      user_id: event.user_id,
      actor: event.actor ? { id: event.actor.id, role: event.actor.role } : undefined,
      data: event.data,
    });
  }
}
