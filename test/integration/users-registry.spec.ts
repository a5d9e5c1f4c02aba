/**
 * The users part's contract with other parts (create, get, get-by-email, discard), called
 * through the real transport against the real database: PostgreSQL when DATABASE_URL is set
 * (a fresh database per run), PGlite otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '../../src/platform/config/config.js';
import { loadConfig, rolesOf } from '../../src/platform/config/load-config.js';
import { RootModule } from '../../src/platform/bootstrap/root.module.js';
import { InProcessBus } from '../../src/platform/transport/in-process.bus.js';
import { InProcessServer } from '../../src/platform/transport/in-process.server.js';
import { ProblemFilter } from '../../src/platform/http/problem.filter.js';
import { usersPart } from '../../src/users/users.part.js';
import { UsersClient } from '../../src/contracts/users/users.client.js';
import { RpcClient } from '../../src/platform/transport/rpc-client.js';
import { newId } from '../../src/contracts/common/ids.js';
import { ProblemException } from '../../src/platform/errors/index.js';

const baseDb = process.env.DATABASE_URL;
const dbName = `it_users_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
let dataDir: string | undefined;
let app: NestFastifyApplication;
let users: UsersClient;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: baseDb });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function problemOf(p: Promise<unknown>): Promise<ProblemException> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProblemException) return err;
    throw err;
  }
  throw new Error('expected a problem');
}

const email = () => `it.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}@example.com`;

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = {
    APP_ROLES: 'all',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    KV_PREFIX: `it:${dbName}:`,
  };
  if (baseDb) {
    await admin(`CREATE DATABASE "${dbName}"`);
    const u = new URL(baseDb);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'it-users-'));
    env.DATA_DIR = dataDir;
  }
  if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  // The users part alone on the in-process transport (no HTTP listener, no Swagger).
  const config = new AppConfig(loadConfig(env), []);
  Object.assign(config, { roles: rolesOf(config.env) });
  const bus = new InProcessBus();
  app = await NestFactory.create<NestFastifyApplication>(
    RootModule.forRoles(config, bus, [{ ...usersPart, httpModule: undefined }]),
    new FastifyAdapter(),
    { logger: false },
  );
  app.useGlobalFilters(new ProblemFilter());
  app.connectMicroservice({ strategy: new InProcessServer(bus) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  users = new UsersClient(app.get(RpcClient));
}, 60_000);

afterAll(async () => {
  await app?.close();
  if (baseDb) await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('users part contract (users.user.*)', () => {
  it('creates a member with a trimmed, lower-cased email and reads it by id and email', async () => {
    const id = newId('usr');
    const address = email();
    const created = await users.create({ id, email: `  ${address.toUpperCase()} `, name: ' Ada ' });
    expect(created).toMatchObject({
      id,
      email: address,
      name: 'Ada',
      role: 'member',
      email_verified: false,
      disabled: false,
      deleted_at: null,
    });
    expect(new Date(created.created_at).toISOString()).toBe(created.created_at);
    expect(await users.get(id)).toEqual(created);
    expect(await users.getByEmail(address.toUpperCase())).toEqual(created);
  });

  it('keeps the role and email_verified it is given', async () => {
    const id = newId('usr');
    const u = await users.create({
      id,
      email: email(),
      name: 'Root',
      role: 'admin',
      email_verified: true,
    });
    expect(u.role).toBe('admin');
    expect(u.email_verified).toBe(true);
  });

  it('answers 409 when the email is taken, whatever its case', async () => {
    const address = email();
    await users.create({ id: newId('usr'), email: address, name: 'First' });
    const p = await problemOf(
      users.create({ id: newId('usr'), email: address.toUpperCase(), name: 'Second' }),
    );
    expect(p.getStatus()).toBe(409);
  });

  it('answers 409 for two registrations of one email racing', async () => {
    const address = email();
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => users.create({ id: newId('usr'), email: address, name: 'Racer' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(((r as PromiseRejectedResult).reason as ProblemException).getStatus()).toBe(409);
    }
  });

  it('rejects invalid input with 400 naming the fields', async () => {
    const p = await problemOf(
      users.create({ id: 'nope', email: 'not-an-email', name: '', role: 'root' as never }),
    );
    expect(p.getStatus()).toBe(400);
    expect(p.problem.errors?.map((e) => e.field).sort()).toEqual(['email', 'id', 'name', 'role']);
  });

  it('answers 404 for unknown ids and emails', async () => {
    expect((await problemOf(users.get(newId('usr')))).getStatus()).toBe(404);
    expect((await problemOf(users.getByEmail(email()))).getStatus()).toBe(404);
  });

  it('discards a profile (compensation), idempotently, freeing the email', async () => {
    const id = newId('usr');
    const address = email();
    await users.create({ id, email: address, name: 'Temp' });
    await users.discard(id);
    await users.discard(id);
    expect((await problemOf(users.get(id))).getStatus()).toBe(404);
    const again = await users.create({ id: newId('usr'), email: address, name: 'Again' });
    expect(again.email).toBe(address);
  });
});
