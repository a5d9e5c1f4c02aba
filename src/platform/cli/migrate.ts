/** `npm run migration:run`: applies pending migrations of the parts in APP_ROLES, then exits. */
import { AppConfig } from '../config/config.js';
import { ConfigError, loadConfig, rolesOf } from '../config/load-config.js';
import { openDatabase } from '../database/data-source.factory.js';
import { runMigrations } from '../database/migrator.js';
import { PARTS } from '../../parts.js';

try {
  const env = loadConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
  const config = new AppConfig(env, rolesOf(env));
  const schemas = PARTS.filter((p) => config.runs(p.name)).flatMap((p) =>
    p.schema ? [p.schema] : [],
  );
  const db = await openDatabase(config, schemas);
  try {
    const { applied } = await runMigrations(db.dataSource, schemas);
    process.stdout.write(
      applied.length ? `applied: ${applied.join(', ')}\n` : 'nothing to apply\n',
    );
  } finally {
    await db.close();
  }
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
}
