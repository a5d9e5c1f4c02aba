import { Module, type DynamicModule } from '@nestjs/common';
import type { EventConsumers } from './domain-event.js';
import { Outbox, OUTBOX_OPTIONS } from './outbox.service.js';
import { OutboxRelay } from './outbox.relay.js';

/**
 * `imports: [OutboxModule.forPart('payments', EVENT_CONSUMERS)]` in a part's module gives it
 * an `Outbox` over `<schema>.outbox` and runs the relay in the processes that run the part.
 * The part lists `...outboxMigrations('<schema>')` among its migrations.
 */
@Module({})
export class OutboxModule {
  static forPart(schema: string, consumers: EventConsumers): DynamicModule {
    return {
      module: OutboxModule,
      providers: [
        { provide: OUTBOX_OPTIONS, useValue: { schema, consumers } },
        Outbox,
        OutboxRelay,
      ],
      exports: [Outbox, OutboxRelay],
    };
  }
}
