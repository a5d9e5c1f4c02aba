import type { MigrationInterface } from 'typeorm';

/** What a part brings to the database: its schema name, TypeORM entities and migrations. */
export interface PartSchema {
  /** Postgres schema owned by the part (`auth`, `users`, ...). */
  schema: string;
  entities: Function[];
  /** Applied in order; each runs once, recorded in `<schema>.schema_migrations`. */
  migrations: (new () => MigrationInterface)[];
}
