import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig } from '../config/config.js';
import { RpcTracingInterceptor } from './rpc-tracing.interceptor.js';
import { RpcTracing } from './rpc-tracing.js';

/**
 * Provides RpcTracing, and the interceptor that traces message handlers, when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; provides nothing otherwise, so the transport and the
 * outbox see no tracing and do no tracing work.
 */
@Global()
@Module({})
export class TracingModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.get('OTEL_EXPORTER_OTLP_ENDPOINT')) return { module: TracingModule };
    return {
      module: TracingModule,
      providers: [
        {
          provide: RpcTracing,
          useFactory: async (): Promise<RpcTracing> => {
            const { OtelRpcTracing } = await import('./otel-rpc-tracing.js');
            return new OtelRpcTracing(config.split ? 'nats' : 'in-process');
          },
        },
        { provide: APP_INTERCEPTOR, useClass: RpcTracingInterceptor },
      ],
      exports: [RpcTracing],
    };
  }
}
