import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../platform/transport/rpc-meta.js';

export interface UserEvent {
  type: string;
  user_id: string;
  actor?: Actor;
  data: Record<string, unknown>;
}

/**
 * Records the users part's durable events in the caller's transaction. Backed by the
 * transactional outbox (`platform/outbox`): the relay delivers them after commit.
 */
@Injectable()
export class UserEvents {
  async record(_m: EntityManager, _event: UserEvent): Promise<void> {
    // Wired to the outbox once it is available.
  }
}
