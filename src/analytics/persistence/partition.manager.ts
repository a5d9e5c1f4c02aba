import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** `2026-03` for the UTC month holding the instant. */
export function monthKey(instant: number): string {
  const d = new Date(instant);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function monthRange(key: string): { name: string; from: string; to: string } {
  const [y, m] = key.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return {
    name: `events_p${key.replace('-', '')}`,
    from: `${key}-01T00:00:00Z`,
    to: `${next}-01T00:00:00Z`,
  };
}

/**
 * Monthly partitions of analytics.events (UTC months). Created ahead at start and on demand
 * before a batch touches a month that has none; creation is idempotent and safe when two
 * processes race (the loser sees the winner's table).
 */
@Injectable()
export class PartitionManager {
  private readonly logger = new Logger('AnalyticsPartitions');
  private readonly known = new Set<string>();

  constructor(private readonly ds: DataSource) {}

  async ensureAround(now: number, ahead: number): Promise<void> {
    const d = new Date(now);
    const keys: string[] = [];
    for (let i = -1; i <= ahead; i++) {
      keys.push(monthKey(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + i, 1)));
    }
    await this.ensure(keys);
  }

  async ensureFor(instants: Iterable<number>): Promise<void> {
    const keys = new Set<string>();
    // Most instants of a batch fall in one month: name a month once per run of its instants.
    let from = Infinity;
    let to = -Infinity;
    for (const t of instants) {
      if (t >= from && t < to) continue;
      const d = new Date(t);
      from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      keys.add(monthKey(t));
    }
    await this.ensure(keys);
  }

  async ensure(keys: Iterable<string>): Promise<void> {
    for (const key of keys) {
      if (this.known.has(key)) continue;
      const { name, from, to } = monthRange(key);
      try {
        await this.ds.query(
          `CREATE TABLE IF NOT EXISTS analytics.${name} PARTITION OF analytics.events
             FOR VALUES FROM ('${from}') TO ('${to}')`,
        );
      } catch (err) {
        // Another process created it between our check and our CREATE.
        const exists = await this.ds.query(`SELECT to_regclass($1) AS t`, [`analytics.${name}`]);
        if (!exists[0]?.t) throw err;
      }
      this.known.add(key);
      this.logger.debug(`partition ${name} ready`);
    }
  }

  /** Existing partitions, oldest first (for docs, tests and operators). */
  async list(): Promise<string[]> {
    const rows: { name: string }[] = await this.ds.query(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = 'analytics' AND p.relname = 'events'
        ORDER BY c.relname`,
    );
    return rows.map((r) => r.name);
  }
}
