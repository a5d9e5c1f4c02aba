import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { HealthModule } from '../health/health.module.js';
import { KvModule } from '../kv/kv.module.js';
import { LoggingModule } from '../logging/logging.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { TracingModule } from '../tracing/tracing.module.js';
import { InProcessBus } from '../transport/in-process.bus.js';
import { TransportModule } from '../transport/transport.module.js';
import type { PartDefinition } from './part-definition.js';

/**
 * The application for one set of roles: shared plumbing, the modules of the parts this process
 * runs, and, when it runs the gateway, every part's HTTP controllers.
 */
@Module({})
export class RootModule {
  static forRoles(config: AppConfig, bus: InProcessBus, parts: PartDefinition[]): DynamicModule {
    const running = parts.filter((p) => config.runs(p.name));
    const schemas = running.flatMap((p) => (p.schema ? [p.schema] : []));
    const partModules = running.flatMap((p) => (p.module ? [p.module] : []));
    const httpModules: Type[] = config.runs('gateway')
      ? parts.flatMap((p) => (p.httpModule ? [p.httpModule] : []))
      : [];
    return {
      module: RootModule,
      imports: [
        ConfigModule.of(config),
        LoggingModule,
        MetricsModule,
        TracingModule.forRoot(config),
        KvModule,
        TransportModule.forRoot(bus),
        ...(schemas.length ? [DatabaseModule.forRoot(schemas)] : []),
        HealthModule.forParts(config.roles),
        ...partModules,
        ...httpModules,
      ],
    };
  }
}
