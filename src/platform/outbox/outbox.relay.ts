import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { quoteIdent } from '../database/migrator.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RpcTracing, type TraceCarrier } from '../tracing/rpc-tracing.js';
import { RpcClient } from '../transport/rpc-client.js';
import { deliveryPattern, type DomainEvent } from './domain-event.js';
import { Outbox, OUTBOX_OPTIONS, type OutboxOptions } from './outbox.service.js';

const BATCH = 100;
const IDLE_POLL_MS = 250;
/** A claimed row is retried by anyone after this lease (the claimer may have crashed). */
const LEASE_SECONDS = 30;
const DELIVERY_TIMEOUT_MS = 10_000;

interface Claimed {
  id: string;
  consumer: string;
  type: string;
  payload: DomainEvent;
  attempts: number;
  trace_context: TraceCarrier | string | null;
}

/**
 * Delivers committed outbox rows to their consumers by request/reply and marks them delivered
 * only once the consumer acknowledged. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease,
 * so several replicas share the work and a crash only delays delivery.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly table: string;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private wake = false;

  constructor(
    @Inject(OUTBOX_OPTIONS) options: OutboxOptions,
    private readonly db: DataSource,
    private readonly rpc: RpcClient,
    outbox: Outbox,
    metrics: MetricsService,
    @Optional() private readonly tracing?: RpcTracing,
  ) {
    this.table = `${quoteIdent(options.schema)}.outbox`;
    outbox.onAdded(() => this.kick());
    metrics.gauge(
      'outbox_pending_events',
      'Outbox deliveries not yet acknowledged by their consumer, by producing part (schema)',
      ['schema'],
      async (g) => {
        const rows: { n: number }[] = await this.db.query(
          `SELECT count(*)::int AS n FROM ${this.table} WHERE delivered_at IS NULL`,
        );
        g.set({ schema: options.schema }, rows[0]?.n ?? 0);
      },
    );
  }

  onApplicationBootstrap(): void {
    this.schedule(IDLE_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs one pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wake = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .catch((err) => this.logger.warn(`outbox pass failed: ${(err as Error).message}`))
        .then((busy) => {
          this.running = undefined;
          const again = busy === true || this.wake;
          this.wake = false;
          this.schedule(again ? 0 : IDLE_POLL_MS);
        });
    }, ms);
    this.timer.unref();
  }

  /** One claim-and-deliver pass; true when a full batch was claimed (more may be waiting). */
  async pass(): Promise<boolean> {
    const rows: Claimed[] = await this.db.query(
      `UPDATE ${this.table} o
          SET available_at = now() + interval '${LEASE_SECONDS} seconds', attempts = o.attempts + 1
        WHERE (o.id, o.consumer) IN (
          SELECT id, consumer FROM ${this.table}
           WHERE delivered_at IS NULL AND available_at <= now()
           ORDER BY created_at
           LIMIT ${BATCH}
           FOR UPDATE SKIP LOCKED)
        RETURNING o.id, o.consumer, o.type, o.payload, o.attempts, o.trace_context`,
    );
    const claimed = Array.isArray(rows[0]) ? (rows[0] as unknown as Claimed[]) : rows;
    if (!claimed.length) return false;
    await Promise.all(claimed.map((row) => this.deliver(row)));
    return claimed.length === BATCH;
  }

  private async deliver(row: Claimed): Promise<void> {
    const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
    const pattern = deliveryPattern(row.consumer, row.type);
    const send = () => this.rpc.send(pattern, payload, {}, { timeoutMs: DELIVERY_TIMEOUT_MS });
    try {
      if (this.tracing) {
        // The delivery continues the trace of the request that wrote the event.
        const stored =
          typeof row.trace_context === 'string'
            ? (JSON.parse(row.trace_context) as TraceCarrier)
            : row.trace_context;
        await this.tracing.resume(`outbox deliver ${pattern}`, stored, send);
      } else {
        await send();
      }
      await this.db.query(
        `UPDATE ${this.table} SET delivered_at = now(), last_error = NULL WHERE id = $1 AND consumer = $2`,
        [row.id, row.consumer],
      );
    } catch (err) {
      // Exponential backoff capped at 5 minutes; the row stays until the consumer acknowledges.
      const delay = Math.min(300, 2 ** Math.min(row.attempts, 9));
      await this.db
        .query(
          `UPDATE ${this.table}
              SET available_at = now() + ($3 || ' seconds')::interval, last_error = $4
            WHERE id = $1 AND consumer = $2`,
          [row.id, row.consumer, String(delay), String((err as Error).message).slice(0, 500)],
        )
        .catch(() => undefined);
    }
  }
}
