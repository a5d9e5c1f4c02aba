import type { DataSource, EntityManager } from 'typeorm';

/** Work to do once the transaction committed (metrics, waking the relay…). */
export class AfterCommit {
  private readonly jobs: (() => void)[] = [];
  add(job: () => void): void {
    this.jobs.push(job);
  }
  run(): void {
    for (const job of this.jobs.splice(0)) {
      try {
        job();
      } catch {
        // best effort: never fail a committed change
      }
    }
  }
}

/**
 * Runs `fn` in one transaction (on PGlite: the only connection, so everything inside must use
 * `m`), then the after-commit jobs. Retries on serialization failures and deadlocks.
 */
export async function inTx<T>(
  db: DataSource,
  fn: (m: EntityManager, after: AfterCommit) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const after = new AfterCommit();
    try {
      const result = await db.transaction((m) => fn(m, after));
      after.run();
      return result;
    } catch (err) {
      const code =
        (err as { code?: string; driverError?: { code?: string } }).driverError?.code ??
        (err as { code?: string }).code;
      if ((code === '40001' || code === '40P01') && attempt < 3) continue;
      throw err;
    }
  }
}
