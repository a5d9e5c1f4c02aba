import { Injectable } from '@nestjs/common';
import { RpcClient } from '../../platform/transport/rpc-client.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import type {
  ActiveUsersQuery,
  ActiveUsersResult,
  AnalyticsUserExport,
  EventMetricsQuery,
  EventMetricsResult,
  FunnelQuery,
  FunnelResult,
  IngestCommand,
  IngestResult,
  RetentionQuery,
  RetentionResult,
  RevenueQuery,
  RevenueResult,
} from './analytics.dto.js';
import { AnalyticsPatterns } from './analytics.patterns.js';

/** Typed client of the analytics part. */
@Injectable()
export class AnalyticsClient {
  constructor(private readonly rpc: RpcClient) {}

  ingest(cmd: IngestCommand, meta?: RpcMeta): Promise<IngestResult> {
    return this.rpc.send(AnalyticsPatterns.ingest, cmd, meta);
  }

  eventMetrics(q: EventMetricsQuery, meta?: RpcMeta): Promise<EventMetricsResult> {
    return this.rpc.send(AnalyticsPatterns.eventMetrics, q, meta);
  }

  activeUsers(q: ActiveUsersQuery, meta?: RpcMeta): Promise<ActiveUsersResult> {
    return this.rpc.send(AnalyticsPatterns.activeUsers, q, meta);
  }

  revenue(q: RevenueQuery, meta?: RpcMeta): Promise<RevenueResult> {
    return this.rpc.send(AnalyticsPatterns.revenue, q, meta);
  }

  funnel(q: FunnelQuery, meta?: RpcMeta): Promise<FunnelResult> {
    return this.rpc.send(AnalyticsPatterns.funnel, q, meta, { timeoutMs: 30_000 });
  }

  retention(q: RetentionQuery, meta?: RpcMeta): Promise<RetentionResult> {
    return this.rpc.send(AnalyticsPatterns.retention, q, meta, { timeoutMs: 30_000 });
  }

  exportUser(userId: string, meta?: RpcMeta): Promise<AnalyticsUserExport> {
    return this.rpc.send(AnalyticsPatterns.exportUser, { user_id: userId }, meta);
  }

  eraseUser(userId: string, meta?: RpcMeta): Promise<{ pseudonymised: number }> {
    return this.rpc.send(AnalyticsPatterns.eraseUser, { user_id: userId }, meta);
  }
}
