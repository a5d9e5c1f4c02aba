import { Injectable, Optional } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config.js';
import { KeyValueStore } from '../kv/key-value.store.js';
import { RpcClient } from '../transport/rpc-client.js';

const CHECK_TIMEOUT_MS = 2000;

/**
 * Readiness: the database (when this process has one), the key-value store, and the transport.
 * The gateway pings every part; a process without the gateway pings the parts it runs, which
 * proves its own NATS round trip.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly config: AppConfig,
    private readonly kv: KeyValueStore,
    private readonly rpc: RpcClient,
    @Optional() private readonly db?: DataSource,
  ) {}

  check() {
    const checks: (() => Promise<HealthIndicatorResult>)[] = [];
    if (this.db) checks.push(() => this.timed('database', () => this.db!.query('SELECT 1')));
    checks.push(() =>
      this.timed('kv', async () => {
        if (!(await this.kv.ping())) throw new Error('ping failed');
      }),
    );
    const parts = this.config.runs('gateway')
      ? ['auth', 'users', 'payments', 'analytics']
      : this.config.roles.filter((r) => r !== 'gateway');
    for (const part of parts) {
      checks.push(() =>
        this.timed(`part:${part}`, () =>
          this.rpc.send(`${part}.health.ping`, {}, {}, { timeoutMs: CHECK_TIMEOUT_MS }),
        ),
      );
    }
    return this.health.check(checks);
  }

  private async timed(key: string, probe: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(key);
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
        }),
      ]);
      return session.up({ latency_ms: Date.now() - started });
    } catch (err) {
      return session.down({ message: (err as Error).message ?? 'failed' });
    } finally {
      clearTimeout(timer);
    }
  }
}
