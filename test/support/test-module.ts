/**
 * Builds a Nest microservice for integration tests: validated config, key-value store, the
 * in-process transport (or NATS when `transport: 'nats'`), a real database for the given
 * schemas (PGlite in a temp dir, or a fresh PostgreSQL database when DATABASE_URL is set),
 * plus the modules and controllers under test.
 */
import { Module, type DynamicModule, type INestMicroservice, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../src/platform/config/config.js';
import { ConfigModule } from '../../src/platform/config/config.module.js';
import { loadConfig, rolesOf } from '../../src/platform/config/load-config.js';
import { DatabaseModule } from '../../src/platform/database/database.module.js';
import type { PartSchema } from '../../src/platform/database/part-schema.js';
import { KvModule } from '../../src/platform/kv/kv.module.js';
import { MetricsModule } from '../../src/platform/metrics/metrics.module.js';
import { InProcessBus } from '../../src/platform/transport/in-process.bus.js';
import { InProcessServer } from '../../src/platform/transport/in-process.server.js';
import { PrefixedNatsServer } from '../../src/platform/transport/nats.server.js';
import { TracingModule } from '../../src/platform/tracing/tracing.module.js';
import { TransportModule } from '../../src/platform/transport/transport.module.js';
import { ProblemFilter } from '../../src/platform/http/problem.filter.js';
import { dropDatabase } from './platform-process.js';
import pg from 'pg';

export interface TestApp {
  app: INestMicroservice;
  config: AppConfig;
  get<T>(token: Type<T> | string | symbol): T;
  close(): Promise<void>;
}

export interface TestAppOptions {
  schemas?: PartSchema[];
  imports?: (Type | DynamicModule)[];
  controllers?: Type[];
  providers?: Type[];
  env?: NodeJS.ProcessEnv;
  transport?: 'in-process' | 'nats';
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const tag = `it_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const cleanups: (() => Promise<void> | void)[] = [];
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    KV_PREFIX: `${tag}:`,
    NATS_SUBJECT_PREFIX: `${tag}.`,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    ...opts.env,
  };
  if (opts.transport === 'nats') {
    env.NATS_URL ??= process.env.NATS_URL;
    env.APP_ROLES = 'auth,users,payments,analytics';
  }
  if (opts.schemas?.length) {
    if (env.DATABASE_URL) {
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      await client.query(`CREATE DATABASE "${tag}"`);
      await client.end();
      const base = env.DATABASE_URL;
      const u = new URL(base);
      u.pathname = `/${tag}`;
      env.DATABASE_URL = u.toString();
      cleanups.push(() => dropDatabase(base, tag));
    } else {
      const dir = mkdtempSync(join(tmpdir(), `${tag}-`));
      env.DATA_DIR = dir;
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    }
  }
  const parsed = loadConfig(env);
  const config = new AppConfig(parsed, rolesOf(parsed));
  const bus = new InProcessBus();

  @Module({
    imports: [
      ConfigModule.of(config),
      MetricsModule,
      TracingModule.forRoot(config),
      KvModule,
      TransportModule.forRoot(bus),
      ...(opts.schemas?.length ? [DatabaseModule.forRoot(opts.schemas)] : []),
      ...(opts.imports ?? []),
    ],
    controllers: opts.controllers ?? [],
    providers: opts.providers ?? [],
  })
  class TestRootModule {}

  const moduleRef = await Test.createTestingModule({ imports: [TestRootModule] }).compile();
  const strategy =
    opts.transport === 'nats'
      ? new PrefixedNatsServer({ servers: [env.NATS_URL!] }, env.NATS_SUBJECT_PREFIX!)
      : new InProcessServer(bus);
  const app = moduleRef.createNestMicroservice({ strategy });
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks = app.enableShutdownHooks ?? (() => app);
  await app.listen();
  return {
    app,
    config,
    get: (token) => app.get(token as never),
    async close() {
      await app.close();
      for (const c of cleanups.reverse()) await c();
    },
  };
}
