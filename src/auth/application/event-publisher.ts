import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Publishes the auth part's durable events (registered, login succeeded/failed) in the
 * caller's transaction.
 */
@Injectable()
export class EventPublisher {
  async publish(
    _manager: EntityManager,
    _type: string,
    _userId: string | undefined,
    _data: Record<string, unknown>,
  ): Promise<void> {
    // Wired to the transactional outbox (platform/outbox) once it is available.
  }
}
