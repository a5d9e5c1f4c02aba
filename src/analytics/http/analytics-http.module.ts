import { Module } from '@nestjs/common';
import { AnalyticsClient } from '../../contracts/analytics/analytics.client.js';
import { TokenVerifierModule } from '../../contracts/auth/token-verifier.module.js';
import { AnalyticsController } from './analytics.controller.js';
import { IngestAuthGuard } from './ingest-auth.guard.js';

/** HTTP controllers of the analytics part, mounted by the gateway; they reach the part via its client. */
@Module({
  imports: [TokenVerifierModule],
  controllers: [AnalyticsController],
  providers: [AnalyticsClient, IngestAuthGuard],
})
export class AnalyticsHttpModule {}
