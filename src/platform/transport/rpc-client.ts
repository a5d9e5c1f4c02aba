import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom, timeout } from 'rxjs';
import { AppConfig } from '../config/config.js';
import { MetricsService, seriesCache } from '../metrics/metrics.service.js';
import { RpcTracing } from '../tracing/rpc-tracing.js';
import type { RpcEnvelope, RpcMeta } from './rpc-meta.js';
import { toProblemException } from './transport-errors.js';

export const TRANSPORT_CLIENT = Symbol('TRANSPORT_CLIENT');

export interface SendOptions {
  /** Overrides RPC_TIMEOUT_MS for a call known to take longer. */
  timeoutMs?: number;
}

/**
 * The only way a part calls another. Every call has a timeout, and every failure comes back as
 * a ProblemException with the status the HTTP caller should see (the part's own 4xx, or
 * 502/503/504 when the part fails, is missing or is too slow).
 */
@Injectable()
export class RpcClient {
  private readonly logger = new Logger('RpcClient');
  private readonly rpcSeries: ReturnType<typeof seriesCache>;

  constructor(
    @Inject(TRANSPORT_CLIENT) private readonly proxy: ClientProxy,
    private readonly config: AppConfig,
    metrics: MetricsService,
    /** Present only when tracing is on: without it a call does no tracing work at all. */
    @Optional() private readonly tracing?: RpcTracing,
  ) {
    this.rpcSeries = seriesCache(metrics.rpcDuration);
  }

  send<R, D = unknown>(
    pattern: string,
    data: D,
    meta: RpcMeta = {},
    options: SendOptions = {},
  ): Promise<R> {
    if (this.tracing) {
      return this.tracing.send(pattern, meta, (traced) =>
        this.call<R, D>(pattern, data, traced, options),
      );
    }
    return this.call<R, D>(pattern, data, meta, options);
  }

  private async call<R, D>(
    pattern: string,
    data: D,
    meta: RpcMeta,
    options: SendOptions,
  ): Promise<R> {
    const started = process.hrtime.bigint();
    const ms = options.timeoutMs ?? this.config.get('RPC_TIMEOUT_MS');
    const envelope: RpcEnvelope<D> = { meta, data };
    let outcome = 'ok';
    try {
      return (await lastValueFrom(this.proxy.send<R>(pattern, envelope).pipe(timeout(ms)), {
        defaultValue: undefined as R,
      })) as R;
    } catch (err) {
      const problem = toProblemException(err, pattern);
      outcome = problem.getStatus() >= 500 ? 'error' : 'rejected';
      throw problem;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.rpcSeries(pattern, outcome).observe(seconds);
    }
  }

  /** Fire-and-forget event. Events that must not be lost go through the outbox instead. */
  emit<D>(pattern: string, data: D, meta: RpcMeta = {}): void {
    const envelope: RpcEnvelope<D> = {
      meta: this.tracing ? this.tracing.emit(pattern, meta) : meta,
      data,
    };
    this.proxy.emit(pattern, envelope).subscribe({
      error: (err: unknown) => this.logger.warn(`event ${pattern} not sent: ${String(err)}`),
    });
  }
}
