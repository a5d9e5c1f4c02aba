import { Controller, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type {
  ActiveUsersQuery,
  AnalyticsUserExport,
  EventMetricsQuery,
  FunnelQuery,
  IngestCommand,
  IngestResult,
  RetentionQuery,
  RevenueQuery,
} from '../../contracts/analytics/analytics.dto.js';
import { AnalyticsPatterns } from '../../contracts/analytics/analytics.patterns.js';
import { ProblemException, validationProblem } from '../../platform/errors/index.js';
import { Rpc, type RpcEnvelope, type RpcMeta } from '../../platform/transport/index.js';
import { MAX_BATCH_EVENTS } from '../domain/event-rules.js';
import { IngestionService } from '../application/ingestion.service.js';
import { QueryService } from '../application/query.service.js';
import { EventStore } from '../persistence/event.store.js';

const EXPORT_LIMIT = 10_000;

/**
 * The message as sent, as a custom parameter so the global pipe does not walk all 500 events
 * of a batch again (the gateway has refused input too deep, with NUL or with lone surrogates,
 * and checkEvent checks each event).
 */
const BatchPayload = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  ctx.switchToRpc().getData<unknown>(),
);

/** Queries are for admins only; checked here too, whatever route led to the call. */
function requireAdmin(meta: RpcMeta | undefined): void {
  if (!meta?.actor) throw new ProblemException(401, 'unauthorized', 'Sign in as an admin.');
  if (meta.actor.role !== 'admin') {
    throw new ProblemException(403, 'forbidden', 'Analytics queries are for admins.');
  }
}

function userIdOf(data: unknown): string {
  const id = (data as { user_id?: unknown } | undefined)?.user_id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
    throw validationProblem([{ field: 'user_id', message: 'user_id is required' }]);
  }
  return id;
}

@Controller()
export class AnalyticsRpcController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly queries: QueryService,
    private readonly store: EventStore,
  ) {}

  @Rpc(AnalyticsPatterns.ingest)
  ingest(@BatchPayload() { meta, data }: RpcEnvelope<IngestCommand>): Promise<IngestResult> {
    const events = data?.events;
    if (!Array.isArray(events)) {
      throw validationProblem([{ field: 'events', message: 'events must be an array' }]);
    }
    if (events.length > MAX_BATCH_EVENTS) {
      throw validationProblem([
        { field: 'events', message: `a batch holds at most ${MAX_BATCH_EVENTS} events` },
      ]);
    }
    if (meta?.actor) {
      return this.ingestion.ingestBatch(events, { source: 'user', actorUserId: meta.actor.id });
    }
    if (data.write_key_id) return this.ingestion.ingestBatch(events, { source: 'server' });
    throw new ProblemException(401, 'unauthorized', 'Sign in or send an ingestion key.');
  }

  @Rpc(AnalyticsPatterns.eventMetrics)
  eventMetrics(@Payload() { meta, data }: RpcEnvelope<EventMetricsQuery>) {
    requireAdmin(meta);
    return this.queries.eventMetrics(data ?? ({} as EventMetricsQuery));
  }

  @Rpc(AnalyticsPatterns.activeUsers)
  activeUsers(@Payload() { meta, data }: RpcEnvelope<ActiveUsersQuery>) {
    requireAdmin(meta);
    return this.queries.activeUsers(data ?? ({} as ActiveUsersQuery));
  }

  @Rpc(AnalyticsPatterns.revenue)
  revenue(@Payload() { meta, data }: RpcEnvelope<RevenueQuery>) {
    requireAdmin(meta);
    return this.queries.revenue(data ?? ({} as RevenueQuery));
  }

  @Rpc(AnalyticsPatterns.funnel)
  funnel(@Payload() { meta, data }: RpcEnvelope<FunnelQuery>) {
    requireAdmin(meta);
    return this.queries.funnel(data ?? ({} as FunnelQuery));
  }

  @Rpc(AnalyticsPatterns.retention)
  retention(@Payload() { meta, data }: RpcEnvelope<RetentionQuery>) {
    requireAdmin(meta);
    return this.queries.retention(data ?? ({} as RetentionQuery));
  }

  /** For the users part's data export: everything analytics holds about the user. */
  @Rpc(AnalyticsPatterns.exportUser)
  async exportUser(
    @Payload() { data }: RpcEnvelope<{ user_id: string }>,
  ): Promise<AnalyticsUserExport> {
    const userId = userIdOf(data);
    const rows = await this.store.eventsOfUser(userId, EXPORT_LIMIT + 1);
    return {
      user_id: userId,
      truncated: rows.length > EXPORT_LIMIT,
      events: rows.slice(0, EXPORT_LIMIT).map((r) => ({
        event_id: r.event_id,
        name: r.name,
        timestamp: new Date(r.occurred_at).toISOString(),
        received_at: new Date(r.received_at).toISOString(),
        anonymous_id: r.anonymous_id,
        source: r.source,
        properties: r.properties,
      })),
    };
  }

  /** For the users part's erasure: events stay counted, pseudonymised. */
  @Rpc(AnalyticsPatterns.eraseUser)
  eraseUser(@Payload() { data }: RpcEnvelope<{ user_id: string }>) {
    return this.ingestion.eraseUser(userIdOf(data));
  }
}
