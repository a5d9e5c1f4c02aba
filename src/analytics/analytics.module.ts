import { Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../platform/config/index.js';
import { AnalyticsClock } from './application/analytics-clock.js';
import { IngestionService } from './application/ingestion.service.js';
import { Pseudonyms } from './application/pseudonyms.js';
import { QueryService } from './application/query.service.js';
import { EventStore } from './persistence/event.store.js';
import { PartitionManager } from './persistence/partition.manager.js';
import { AnalyticsRpcController } from './rpc/analytics-rpc.controller.js';
import { DeliveryController } from './rpc/delivery.controller.js';

const PARTITION_CHECK_MS = 6 * 3600_000;

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
export class AnalyticsModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Analytics');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly partitions: PartitionManager,
    private readonly clock: AnalyticsClock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Partitions for last month, this month and the next ANALYTICS_PARTITIONS_AHEAD, at start and
   * every few hours after (batches also create a missing one on demand).
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.ensurePartitions();
    this.timer = setInterval(() => {
      this.ensurePartitions().catch((err) =>
        this.logger.warn(`creating partitions ahead failed: ${(err as Error).message}`),
      );
    }, PARTITION_CHECK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private ensurePartitions(): Promise<void> {
    return this.partitions.ensureAround(
      this.clock.now(),
      this.config.get('ANALYTICS_PARTITIONS_AHEAD'),
    );
  }
}
