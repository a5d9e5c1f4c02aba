import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config.js';
import { openDatabase, type OpenedDatabase } from './data-source.factory.js';
import { runMigrations } from './migrator.js';
import type { PartSchema } from './part-schema.js';

const OPENED = Symbol('OPENED_DATABASE');

/**
 * One DataSource per process holding the entities of the parts it runs. Parts inject
 * `DataSource` and use only their own schema. Pending migrations run at start unless
 * MIGRATIONS_RUN=false (then `npm run migration:run` or the Helm hook does it).
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(OPENED) private readonly opened: OpenedDatabase) {}

  static forRoot(parts: PartSchema[]): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: OPENED,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const migrate = config.get('MIGRATIONS_RUN');
            const opened = await openDatabase(config, parts, { fromTemplate: migrate });
            if (migrate) {
              const { applied } = await runMigrations(opened.dataSource, parts);
              if (applied.length)
                new Logger('Database').log(`applied migrations: ${applied.join(', ')}`);
              await opened.saveTemplate?.();
            }
            return opened;
          },
        },
        { provide: DataSource, inject: [OPENED], useFactory: (o: OpenedDatabase) => o.dataSource },
      ],
      exports: [DataSource],
    };
  }

  async onApplicationShutdown() {
    await this.opened.close();
  }
}
