import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../platform/config/config.js';
import { KeyValueStore } from '../../platform/kv/key-value.store.js';
import { ErasureUseCases } from './erasure.use-cases.js';

const LOCK_KEY = 'users:erasure-job:lock';

/**
 * The scheduled erasure: every USERS_ERASURE_INTERVAL_MS one replica (the one that takes the
 * key-value lock) erases the accounts whose retention has passed.
 */
@Injectable()
export class ErasureJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UsersErasureJob');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private readonly owner = randomUUID();

  constructor(
    private readonly erasure: ErasureUseCases,
    private readonly kv: KeyValueStore,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('USERS_ERASURE_INTERVAL_MS');
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run, when this replica holds the lock. Returns how many accounts were erased. */
  async tick(): Promise<number> {
    const ttl = Math.max(60_000, this.config.get('USERS_ERASURE_INTERVAL_MS') * 2);
    try {
      if (!(await this.kv.setIfAbsent(LOCK_KEY, this.owner, ttl))) return 0;
    } catch (err) {
      this.logger.warn(`erasure job skipped: ${(err as Error).message}`);
      return 0;
    }
    try {
      return await this.erasure.eraseDue();
    } catch (err) {
      this.logger.warn(`erasure job failed: ${(err as Error).message}`);
      return 0;
    } finally {
      if ((await this.kv.get(LOCK_KEY).catch(() => null)) === this.owner) {
        await this.kv.del(LOCK_KEY).catch(() => undefined);
      }
    }
  }
}
