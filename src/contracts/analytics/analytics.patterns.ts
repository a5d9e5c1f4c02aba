/** Message patterns of the analytics part (`analytics.<noun>.<verb>`) and events it publishes. */
export const AnalyticsPatterns = {
  /** `IngestCommand` -> `IngestResult`: a batch from POST /analytics/events. */
  ingest: 'analytics.events.ingest',
  /** `EventMetricsQuery` -> `EventMetricsResult` (admin). */
  eventMetrics: 'analytics.metrics.events',
  /** `ActiveUsersQuery` -> `ActiveUsersResult` (admin). */
  activeUsers: 'analytics.metrics.active-users',
  /** `RevenueQuery` -> `RevenueResult` (admin). */
  revenue: 'analytics.metrics.revenue',
  /** `FunnelQuery` -> `FunnelResult` (admin). */
  funnel: 'analytics.funnels.compute',
  /** `RetentionQuery` -> `RetentionResult` (admin). */
  retention: 'analytics.retention.compute',
  /** `{ user_id }` -> `AnalyticsUserExport`: the user's events, for a data export. */
  exportUser: 'analytics.user.export',
  /** `{ user_id }` -> `{ pseudonymised }`: the user's events keep counting, unlinked from them. */
  eraseUser: 'analytics.user.erase',
} as const;

export const AnalyticsEvents = {} as const;
