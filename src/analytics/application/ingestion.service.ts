import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DomainEvent } from '../../contracts/common/event-envelope.js';
import { newId } from '../../contracts/common/ids.js';
import type { IngestResult } from '../../contracts/analytics/analytics.dto.js';
import { UsersEvents } from '../../contracts/users/users.patterns.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { checkEvent, PERSONAL_KEYS } from '../domain/event-rules.js';
import { revenueOf } from '../domain/payment-events.js';
import { EventStore, NOT_ACTIVITY, type EventRow } from '../persistence/event.store.js';
import { PartitionManager } from '../persistence/partition.manager.js';
import { AnalyticsClock } from './analytics-clock.js';
import { Pseudonyms } from './pseudonyms.js';

export interface IngestContext {
  /** `user` (signed-in caller), `server` (write key) or `platform` (domain events). */
  source: 'user' | 'server';
  actorUserId?: string;
}

const RETRYABLE = new Set(['40P01', '40001', '23514']);

@Injectable()
export class IngestionService {
  private readonly logger = new Logger('AnalyticsIngestion');
  private readonly counter;

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly partitions: PartitionManager,
    private readonly clock: AnalyticsClock,
    private readonly pseudonyms: Pseudonyms,
    metrics: MetricsService,
  ) {
    this.counter = metrics.counter(
      'analytics_events_total',
      'Analytics events by source and outcome',
      ['source', 'outcome'] as const,
    );
  }

  /** A batch from POST /analytics/events: each event checked alone, stored in one statement. */
  async ingestBatch(events: unknown[], ctx: IngestContext): Promise<IngestResult> {
    const now = this.clock.now();
    const rejected: IngestResult['rejected'] = [];
    const rows: EventRow[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    events.forEach((raw, index) => {
      const checked = checkEvent(raw, { now, actorUserId: ctx.actorUserId });
      if (!checked.ok) {
        rejected.push({ index, errors: checked.errors });
        return;
      }
      const e = checked.event;
      const id = e.event_id ?? newId('evt');
      if (seen.has(id)) {
        duplicates++;
        return;
      }
      seen.add(id);
      rows.push({
        event_id: id,
        name: e.name,
        occurred_at: e.occurred_at,
        user_id: e.user_id,
        anonymous_id: e.anonymous_id,
        properties: e.properties,
        propertiesJson: e.propertiesJson,
        active: e.user_id !== undefined,
      });
    });
    this.withPseudonyms(rows);
    const inserted = await this.store_(rows, now, ctx.source);
    duplicates += rows.length - inserted;
    this.counter.labels(ctx.source, 'accepted').inc(inserted);
    if (duplicates) this.counter.labels(ctx.source, 'duplicate').inc(duplicates);
    if (rejected.length) this.counter.labels(ctx.source, 'rejected').inc(rejected.length);
    return { accepted: inserted, duplicates, rejected };
  }

  /**
   * A domain event delivered by another part's outbox. Its id is the event id, so a
   * redelivery is a duplicate and counts once. A user deletion pseudonymises that user.
   */
  async ingestDomainEvent(event: DomainEvent): Promise<{ stored: boolean }> {
    const occurred = Date.parse(event.occurred_at);
    const row: EventRow = {
      event_id: event.id,
      name: event.type,
      occurred_at: Number.isFinite(occurred) ? occurred : this.clock.now(),
      user_id: event.user_id ?? undefined,
      properties: withoutPersonalData(event.data ?? {}),
      active: !!event.user_id && !NOT_ACTIVITY.includes(event.type),
    };
    const money = revenueOf(event.type, event.data ?? {});
    if (money) Object.assign(row, money);
    this.withPseudonyms([row]);
    const now = this.clock.now();
    let stored: boolean;
    if (event.type === UsersEvents.deleted && event.user_id) {
      await this.partitions.ensureFor([row.occurred_at]);
      stored = await this.ds.transaction(async (m) => {
        const n = await this.store.insertBatch([row], now, 'platform', m);
        await this.store.pseudonymise(
          event.user_id!,
          this.pseudonyms.of(event.user_id!),
          PERSONAL_KEYS,
          m,
        );
        return n === 1;
      });
      // A batch that committed while we erased still linked the user: catch it now.
      await this.store.rewriteEvents(
        event.user_id,
        this.pseudonyms.of(event.user_id),
        PERSONAL_KEYS,
      );
    } else {
      stored = (await this.store_([row], now, 'platform')) === 1;
    }
    this.counter.labels('platform', stored ? 'accepted' : 'duplicate').inc();
    return { stored };
  }

  /** Erasure: the user's events keep counting under a stable pseudonym, unlinked from them. */
  async eraseUser(userId: string): Promise<{ pseudonymised: number }> {
    const pseudonym = this.pseudonyms.of(userId);
    const n = await this.ds.transaction((m) =>
      this.store.pseudonymise(userId, pseudonym, PERSONAL_KEYS, m),
    );
    const late = await this.store.rewriteEvents(userId, pseudonym, PERSONAL_KEYS);
    this.logger.log(`pseudonymised ${n + late} events of an erased user`);
    return { pseudonymised: n + late };
  }

  private withPseudonyms(rows: EventRow[]): void {
    const cache = new Map<string, string>();
    for (const r of rows) {
      if (!r.user_id) continue;
      let p = cache.get(r.user_id);
      if (!p) cache.set(r.user_id, (p = this.pseudonyms.of(r.user_id)));
      r.pseudonym = p;
    }
  }

  private async store_(rows: EventRow[], now: number, source: string): Promise<number> {
    if (rows.length === 0) return 0;
    await this.partitions.ensureFor(rows.map((r) => r.occurred_at));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.insertBatch(rows, now, source);
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (!RETRYABLE.has(code) || attempt >= 3) throw err;
        if (code === '23514') await this.partitions.ensureFor(rows.map((r) => r.occurred_at));
      }
    }
  }
}

/** Platform event data without fields that identify a person (email, name, ip, ...). */
export function withoutPersonalData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (!PERSONAL_KEYS.includes(k)) out[k] = v;
  return out;
}
