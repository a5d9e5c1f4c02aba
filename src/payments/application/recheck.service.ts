import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../platform/config/config.js';
import { KeyValueStore } from '../../platform/kv/index.js';
import type { RpcMeta } from '../../platform/transport/index.js';
import { Payments, toPayment } from '../persistence/payment.rows.js';
import { requireAdmin } from './access.js';
import { IdempotencyService } from './idempotency.service.js';
import { PaymentStateService } from './payment-state.service.js';
import { ProviderRegistry } from './providers.registry.js';
import { inTx } from './tx.js';

const LOCK = 'payments:recheck-lock';
const BATCH = 100;

/**
 * The janitor: every PAYMENTS_RECHECK_INTERVAL_MS, payments stuck in `processing` for longer
 * than PAYMENTS_RECHECK_AFTER_MS are asked about at their provider and moved to what the
 * provider says. A lock in the shared key-value store lets one replica run it at a time.
 */
@Injectable()
export class RecheckService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PaymentsRecheck');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: DataSource,
    private readonly kv: KeyValueStore,
    private readonly config: AppConfig,
    private readonly state: PaymentStateService,
    private readonly providers: ProviderRegistry,
    private readonly idem: IdempotencyService,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('PAYMENTS_RECHECK_INTERVAL_MS');
    if (!every) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick(this.config.get('PAYMENTS_RECHECK_AFTER_MS'))
        .catch((err) => this.logger.warn(`re-check failed: ${(err as Error).message}`))
        .finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Admin trigger: re-check every payment in processing now. */
  async runNow(meta: RpcMeta): Promise<{ checked: number; changed: number }> {
    requireAdmin(meta);
    return this.tick(0);
  }

  async tick(olderThanMs: number): Promise<{ checked: number; changed: number }> {
    const ttl = Math.max(this.config.get('PAYMENTS_RECHECK_INTERVAL_MS'), 60_000);
    if (!(await this.kv.setIfAbsent(LOCK, String(process.pid), ttl)))
      return { checked: 0, changed: 0 };
    try {
      await inTx(this.db, (m) => this.idem.purgeExpired(m));
      const rows: Record<string, unknown>[] = await this.db.query(
        `SELECT * FROM payments.payments
          WHERE status = 'processing' AND method <> 'wire'
            AND updated_at <= now() - ($1 || ' milliseconds')::interval
            AND (last_checked_at IS NULL OR last_checked_at <= now() - ($1 || ' milliseconds')::interval)
          ORDER BY updated_at LIMIT ${BATCH}`,
        [String(olderThanMs)],
      );
      let changed = 0;
      for (const row of rows.map(toPayment)) {
        const provider = this.providers.of(row.method);
        if (provider.missingSetting()) continue;
        let state;
        try {
          state = await provider.retrieve(row);
        } catch (err) {
          this.logger.warn(`re-check of ${row.id} failed: ${(err as Error).message}`);
          continue;
        }
        const moved = await inTx(this.db, async (m, after) => {
          let p = (await Payments.get(m, row.id))!;
          p = await this.state.update(m, p, {
            last_checked_at: new Date(),
            ...(state?.captureRef && !p.capture_ref ? { capture_ref: state.captureRef } : {}),
          });
          if (!state || state.status === p.status) return false;
          const r = await this.state.move(m, after, p, state.status, {
            ...(state.failure
              ? {
                  fields: {
                    failure_code: state.failure.code,
                    failure_message: state.failure.message,
                  },
                }
              : {}),
          });
          return r.applied;
        });
        if (moved) changed++;
      }
      if (changed) this.logger.log(`re-check: ${changed} of ${rows.length} payments changed`);
      return { checked: rows.length, changed };
    } finally {
      await this.kv.del(LOCK).catch(() => undefined);
    }
  }
}
