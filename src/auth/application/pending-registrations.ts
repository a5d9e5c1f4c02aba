import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UsersClient } from '../../contracts/users/users.client.js';
import { AppConfig } from '../../platform/config/config.js';
import { ProblemException } from '../../platform/errors/problem.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';

const RECOVERY_META: RpcMeta = { requestId: 'registration-recovery' };

export const registrationInterrupted = () =>
  new ProblemException(
    503,
    'registration-interrupted',
    'The registration was interrupted and undone. Try again.',
    { headers: { 'Retry-After': '1' } },
  );

/**
 * Registration creates the profile in the users part, then the credentials here: a process
 * that dies in between would leave a profile that nobody can sign in to and whose email is
 * taken for good. So each registration is logged in `auth.pending_registrations` before the
 * profile is created, and the credentials' transaction removes the row. A row still there after
 * REGISTRATION_TIMEOUT_S is undone by any auth replica: marked abandoned, the profile discarded
 * (idempotent), the row removed. Marking and completing take the same row, so exactly one of
 * them wins: a registration is never undone after its credentials committed, nor completed
 * after it was undone.
 */
@Injectable()
export class PendingRegistrations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PendingRegistrations');
  private readonly timeoutSec: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly ds: DataSource,
    private readonly users: UsersClient,
    config: AppConfig,
  ) {
    this.timeoutSec = config.get('REGISTRATION_TIMEOUT_S');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => {
        this.running ??= this.recover()
          .catch((err) => this.logger.warn(`recovery failed: ${(err as Error).message}`))
          .finally(() => (this.running = undefined));
      },
      Math.max(1000, (this.timeoutSec * 1000) / 2),
    );
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Before the profile is created. */
  async begin(userId: string): Promise<void> {
    await this.ds.query(`INSERT INTO auth.pending_registrations (user_id) VALUES ($1)`, [userId]);
  }

  /**
   * In the credentials' transaction. A registration that was undone meanwhile (or, when
   * `required`, that was never logged) cannot complete.
   */
  async complete(m: EntityManager, userId: string, required = true): Promise<void> {
    const rows: { abandoned: boolean }[] = await m.query(
      `WITH d AS (DELETE FROM auth.pending_registrations WHERE user_id = $1 RETURNING abandoned)
       SELECT abandoned FROM d`,
      [userId],
    );
    if (rows[0]?.abandoned === true || (required && rows.length === 0)) {
      throw registrationInterrupted();
    }
  }

  /**
   * Undoes a registration that did not complete. `failed`: the caller's own registration just
   * failed before its credentials committed, so its profile goes even if the row is gone.
   */
  async abandon(userId: string, meta: RpcMeta, failed = false): Promise<void> {
    try {
      const marked: { n: number }[] = await this.ds.query(
        `WITH u AS (UPDATE auth.pending_registrations SET abandoned = true WHERE user_id = $1
                    RETURNING 1)
         SELECT count(*)::int AS n FROM u`,
        [userId],
      );
      if (!failed && !marked[0]?.n) return; // completed, or undone already
      try {
        await this.users.discard(userId, meta);
      } catch (err) {
        if (!(err instanceof ProblemException && err.getStatus() === 404)) throw err;
      }
      await this.ds.query(
        `DELETE FROM auth.pending_registrations WHERE user_id = $1 AND abandoned`,
        [userId],
      );
    } catch (err) {
      // The row stays: a later recovery pass undoes the registration.
      this.logger.warn(`could not undo registration ${userId} yet: ${String(err)}`);
    }
  }

  /** One pass: undoes the registrations left unfinished. Returns how many it undid. */
  async recover(): Promise<number> {
    const stale: { user_id: string }[] = await this.ds.query(
      `SELECT user_id FROM auth.pending_registrations
        WHERE abandoned OR started_at < now() - ($1 || ' seconds')::interval
        ORDER BY started_at LIMIT 100`,
      [String(this.timeoutSec)],
    );
    for (const { user_id } of stale) await this.abandon(user_id, RECOVERY_META);
    if (stale.length) this.logger.warn(`undid ${stale.length} unfinished registrations`);
    return stale.length;
  }
}
