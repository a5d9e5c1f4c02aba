import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { healthRpcControllerFor } from './health-rpc.controller.js';
import { HealthController } from './health.controller.js';
import { ReadinessService } from './readiness.service.js';

@Module({})
export class HealthModule {
  /** HTTP health for this process, plus a ping handler for each non-gateway part it runs. */
  static forParts(parts: readonly string[]): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [
        HealthController,
        ...parts.filter((p) => p !== 'gateway').map((p) => healthRpcControllerFor(p)),
      ],
      providers: [ReadinessService],
    };
  }
}
