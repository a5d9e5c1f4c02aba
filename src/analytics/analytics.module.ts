import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../platform/config/index.js';
import { AnalyticsClock } from './application/analytics-clock.js';
import { IngestionService } from './application/ingestion.service.js';
import { Pseudonyms } from './application/pseudonyms.js';
import { QueryService } from './application/query.service.js';
import { EventStore } from './persistence/event.store.js';
import { PartitionManager } from './persistence/partition.manager.js';
import { AnalyticsRpcController } from './rpc/analytics-rpc.controller.js';
import { DeliveryController } from './rpc/delivery.controller.js';

/** The analytics part: message handlers, use cases and persistence. Runs where APP_ROLES has analytics. */
@Module({
  controllers: [AnalyticsRpcController, DeliveryController],
  providers: [
    AnalyticsClock,
    EventStore,
    PartitionManager,
    Pseudonyms,
    IngestionService,
    QueryService,
  ],
})
export class AnalyticsModule implements OnApplicationBootstrap {
  constructor(
    private readonly partitions: PartitionManager,
    private readonly clock: AnalyticsClock,
    private readonly config: AppConfig,
  ) {}

  /** Partitions for last month, this month and the next ANALYTICS_PARTITIONS_AHEAD. */
  async onApplicationBootstrap(): Promise<void> {
    await this.partitions.ensureAround(
      this.clock.now(),
      this.config.get('ANALYTICS_PARTITIONS_AHEAD'),
    );
  }
}
