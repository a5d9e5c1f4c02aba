import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Outbox } from '../../platform/outbox/outbox.service.js';

/**
 * Publishes the auth part's durable events (registered, login succeeded/failed) through the
 * transactional outbox, in the caller's transaction: an event exists if and only if the state
 * change it reports was committed.
 */
@Injectable()
export class EventPublisher {
  constructor(private readonly outbox: Outbox) {}

  async publish(
    manager: EntityManager,
    type: string,
    userId: string | undefined,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.outbox.add(manager, { type, user_id: userId, data });
  }
}
