/**
 * The auth part's contract with other parts (invite, verify password, revoke all sessions,
 * export, erase) and registration's compensation, through the real in-process transport with
 * the real users part and database: PostgreSQL when DATABASE_URL is set, PGlite otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { hash } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '../../src/platform/config/config.js';
import { loadConfig, rolesOf } from '../../src/platform/config/load-config.js';
import { RootModule } from '../../src/platform/bootstrap/root.module.js';
import { InProcessBus } from '../../src/platform/transport/in-process.bus.js';
import { InProcessServer } from '../../src/platform/transport/in-process.server.js';
import { ProblemFilter } from '../../src/platform/http/problem.filter.js';
import { RpcClient } from '../../src/platform/transport/rpc-client.js';
import { ProblemException } from '../../src/platform/errors/index.js';
import { KeyValueStore } from '../../src/platform/kv/key-value.store.js';
import { authPart } from '../../src/auth/auth.part.js';
import { usersPart } from '../../src/users/users.part.js';
import { AuthClient } from '../../src/contracts/auth/auth.client.js';
import type { TokenPairDto } from '../../src/contracts/auth/auth.dto.js';
import { SessionKeys } from '../../src/contracts/auth/session-keys.js';
import { UsersClient } from '../../src/contracts/users/users.client.js';
import { UsersPatterns } from '../../src/contracts/users/users.patterns.js';
import { AuthPatterns } from '../../src/contracts/auth/auth.patterns.js';
import { newId } from '../../src/contracts/common/ids.js';
import { PendingRegistrations } from '../../src/auth/application/pending-registrations.js';

const baseDb = process.env.DATABASE_URL;
const dbName = `it_auth_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
let dataDir: string | undefined;
let app: NestFastifyApplication;
let auth: AuthClient;
let users: UsersClient;
let kv: KeyValueStore;
let db: DataSource;

const email = () => `it.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}@example.com`;
const password = () => `Pw-${randomBytes(9).toString('base64url')}-9x`;
const meta = { requestId: 'it', ip: '127.0.0.1', userAgent: 'integration' };

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: baseDb });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Ages the registration's log row past REGISTRATION_TIMEOUT_S, runs recovery: profile gone. */
async function recoverAsIfTimedOut(id: string): Promise<void> {
  await db.query(
    `UPDATE auth.pending_registrations SET started_at = now() - interval '1 hour'
      WHERE user_id = $1`,
    [id],
  );
  expect(await app.get(PendingRegistrations).recover()).toBeGreaterThanOrEqual(1);
  expect((await problemOf(users.get(id))).getStatus()).toBe(404);
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
    dataDir = mkdtempSync(join(tmpdir(), 'it-auth-'));
    env.DATA_DIR = dataDir;
  }
  if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  const config = new AppConfig(loadConfig(env), []);
  Object.assign(config, { roles: rolesOf(config.env) });
  const bus = new InProcessBus();
  app = await NestFactory.create<NestFastifyApplication>(
    RootModule.forRoles(config, bus, [
      { ...authPart, httpModule: undefined },
      { ...usersPart, httpModule: undefined },
    ]),
    new FastifyAdapter(),
    { logger: false },
  );
  app.useGlobalFilters(new ProblemFilter());
  app.connectMicroservice({ strategy: new InProcessServer(bus) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  const rpc = app.get(RpcClient);
  auth = new AuthClient(rpc);
  users = new UsersClient(rpc);
  kv = app.get(KeyValueStore);
  db = app.get(DataSource);
}, 60_000);

afterAll(async () => {
  await app?.close();
  if (baseDb) await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function registered() {
  const e = email();
  const p = password();
  const user = await auth.register({ email: e, password: p, name: 'Ada' }, meta);
  return { id: user.id, email: e, password: p };
}

describe('auth part contract', () => {
  it('registration leaves no profile behind when storing the credentials fails', async () => {
    const e = email();
    await db.query(`ALTER TABLE auth.audit_events RENAME TO audit_events_off`);
    try {
      const failed = await problemOf(
        auth.register({ email: e, password: password(), name: 'Half' }, meta),
      );
      expect(failed.getStatus()).toBe(500);
    } finally {
      await db.query(`ALTER TABLE auth.audit_events_off RENAME TO audit_events`);
    }
    expect((await problemOf(users.getByEmail(e))).getStatus()).toBe(404);
    const rows = await db.query(`SELECT 1 FROM auth.credentials WHERE email = $1`, [e]);
    expect(rows).toHaveLength(0);
    // The address is free again.
    const ok = await auth.register({ email: e, password: password(), name: 'Whole' }, meta);
    expect(ok.email).toBe(e);
  });

  it('undoes a registration whose process died between the profile and the credentials', async () => {
    const pending = app.get(PendingRegistrations);
    const e = email();
    const id = newId('usr');
    // What a registration had done when its process was killed: logged, profile created.
    await pending.begin(id);
    await users.create({ id, email: e, name: 'Killed' }, meta);
    expect(
      (
        await problemOf(auth.register({ email: e, password: password(), name: 'Again' }, meta))
      ).getStatus(),
    ).toBe(409);
    // REGISTRATION_TIMEOUT_S later, a recovery pass of any auth process undoes it.
    await recoverAsIfTimedOut(id);
    const again = await auth.register({ email: e, password: password(), name: 'Again' }, meta);
    expect(again.email).toBe(e);
    expect(await db.query(`SELECT 1 FROM auth.pending_registrations`)).toHaveLength(0);
  });

  it('a registration is either completed or undone, never both', async () => {
    const pending = app.get(PendingRegistrations);
    const start = async () => {
      const id = newId('usr');
      await pending.begin(id);
      await users.create({ id, email: email(), name: 'Race' }, meta);
      return id;
    };
    // Undone first: its credentials can no longer commit.
    const undone = await start();
    await pending.abandon(undone, meta);
    const late = await problemOf(db.transaction((m) => pending.complete(m, undone)));
    expect(late.getStatus()).toBe(503);
    expect((await problemOf(users.get(undone))).getStatus()).toBe(404);
    // Completed first: undoing it changes nothing.
    const completed = await start();
    await db.transaction((m) => pending.complete(m, completed));
    await pending.abandon(completed, meta);
    expect((await users.get(completed)).id).toBe(completed);
  });

  it('refuses a profile create that arrives after its registration was undone', async () => {
    const pending = app.get(PendingRegistrations);
    const id = newId('usr');
    const e = email();
    // The registration gave up (its create was held past the timeout) and was undone first...
    await pending.begin(id);
    await pending.abandon(id, meta);
    // ...then the held create runs: no profile nobody would discard.
    const late = await problemOf(users.create({ id, email: e, name: 'Late' }, meta));
    expect(late.getStatus()).toBe(409);
    expect((await problemOf(users.get(id))).getStatus()).toBe(404);
    // The address is not taken by it.
    const ok = await auth.register({ email: e, password: password(), name: 'Fresh' }, meta);
    expect(ok.email).toBe(e);
  });

  it('undoes an admin-created user whose process died before the invitation', async () => {
    const rpc = app.get(RpcClient);
    const adminMeta = { ...meta, actor: { id: newId('usr'), role: 'admin' } };
    // A whole admin create: logged, profile, invitation; completing removes the log row.
    const created = await rpc.send<{ id: string; email: string }>(
      UsersPatterns.adminCreate,
      { email: email(), name: 'Invited' },
      adminMeta,
    );
    expect((await users.get(created.id)).id).toBe(created.id);
    expect(
      await db.query(`SELECT 1 FROM auth.pending_registrations WHERE user_id = $1`, [created.id]),
    ).toHaveLength(0);
    // What an admin create had done when its process was killed: logged, profile created.
    const id = newId('usr');
    const e = email();
    await rpc.send(AuthPatterns.beginRegistration, { user_id: id }, adminMeta);
    await users.create({ id, email: e, name: 'Killed' }, meta);
    await recoverAsIfTimedOut(id);
    // An invitation that arrives after the undo cannot complete it.
    const late = await problemOf(auth.invite({ user_id: id, email: e, name: 'Killed' }, meta));
    expect(late.getStatus()).toBe(503);
    expect(await db.query(`SELECT 1 FROM auth.credentials WHERE user_id = $1`, [id])).toHaveLength(
      0,
    );
  });

  it('registration answers 409 when the users part already has the email, creating nothing', async () => {
    const e = email();
    await users.create({ id: newId('usr'), email: e, name: 'Existing' });
    const dup = await problemOf(auth.register({ email: e, password: password(), name: 'X' }, meta));
    expect(dup.getStatus()).toBe(409);
    const rows = await db.query(`SELECT 1 FROM auth.credentials WHERE email = $1`, [e]);
    expect(rows).toHaveLength(0);
  });

  it('upgrades a hash with weaker parameters at the next successful sign-in', async () => {
    const u = await registered();
    const weak = await hash(u.password, { algorithm: 2, memoryCost: 4096, timeCost: 1 });
    await db.query(`UPDATE auth.credentials SET password_hash = $1 WHERE user_id = $2`, [
      weak,
      u.id,
    ]);
    const stored = async () =>
      (await db.query(`SELECT password_hash FROM auth.credentials WHERE user_id = $1`, [u.id]))[0]
        .password_hash as string;
    expect(
      (
        await problemOf(auth.login({ email: u.email, password: 'wrong-password' }, meta))
      ).getStatus(),
    ).toBe(401);
    expect(await stored()).toBe(weak); // a failed sign-in changes nothing
    await auth.login({ email: u.email, password: u.password }, meta);
    const upgraded = await stored();
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await auth.login({ email: u.email, password: u.password }, meta);
  });

  it('verifies passwords for re-authentication', async () => {
    const u = await registered();
    expect(await auth.verifyPassword(u.id, u.password)).toEqual({ valid: true });
    expect(await auth.verifyPassword(u.id, 'nope-nope-nope')).toEqual({ valid: false });
    expect(await auth.verifyPassword(newId('usr'), u.password)).toEqual({ valid: false });
  });

  it('invites: credentials without a password until the invitation is used; twice is fine', async () => {
    const id = newId('usr');
    const e = email();
    // As an admin create does: logged, profile, invitation (then the invitation sent again).
    await app.get(RpcClient).send(AuthPatterns.beginRegistration, { user_id: id }, meta);
    await users.create({ id, email: e, name: 'Invitee' });
    await auth.invite({ user_id: id, email: e, name: 'Invitee' }, meta);
    await auth.invite({ user_id: id, email: e, name: 'Invitee' }, meta);
    const rows = await db.query(`SELECT password_hash FROM auth.credentials WHERE user_id = $1`, [
      id,
    ]);
    expect(rows).toEqual([{ password_hash: null }]);
    const tokens = await db.query(
      `SELECT used_at FROM auth.one_time_tokens WHERE user_id = $1 AND purpose = 'invite' ORDER BY created_at`,
      [id],
    );
    expect(tokens).toHaveLength(2);
    expect(tokens[0].used_at).not.toBeNull(); // the newer invitation replaced the older one
    expect(tokens[1].used_at).toBeNull();
    expect(await auth.verifyPassword(id, '')).toEqual({ valid: false });
    // A user who already has a password cannot be invited over it.
    const u = await registered();
    const taken = await problemOf(auth.invite({ user_id: u.id, email: u.email, name: 'X' }, meta));
    expect(taken.getStatus()).toBe(409);
  });

  it('revokes all sessions of a user (but the one kept) and kills their keys at once', async () => {
    const u = await registered();
    const a = (await auth.login({ email: u.email, password: u.password }, meta)) as TokenPairDto;
    const b = (await auth.login({ email: u.email, password: u.password }, meta)) as TokenPairDto;
    const c = (await auth.login({ email: u.email, password: u.password }, meta)) as TokenPairDto;
    const sid = (t: string) =>
      JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()).sid as string;
    expect(await kv.get(SessionKeys.session(sid(a.access_token)))).toBe(u.id);
    const res = await auth.revokeUserSessions(u.id, meta, sid(c.access_token));
    expect(res).toEqual({ revoked: 2 });
    expect(await kv.get(SessionKeys.session(sid(a.access_token)))).toBeNull();
    expect(await kv.get(SessionKeys.session(sid(b.access_token)))).toBeNull();
    expect(await kv.get(SessionKeys.session(sid(c.access_token)))).toBe(u.id);
    expect((await problemOf(auth.refresh(a.refresh_token, meta))).getStatus()).toBe(401);
    expect(await auth.revokeUserSessions(u.id, meta)).toEqual({ revoked: 1 });
  });

  it('exports what auth holds, without any secret', async () => {
    const u = await registered();
    const t = (await auth.login({ email: u.email, password: u.password }, meta)) as TokenPairDto;
    const out = await auth.exportUser(u.id);
    expect(out.credentials).toMatchObject({ email: u.email, has_password: true });
    expect(out.sessions).toHaveLength(1);
    expect(out.audit.map((e) => e.type)).toEqual(
      expect.arrayContaining(['user.registered', 'login.succeeded']),
    );
    const text = JSON.stringify(out);
    expect(text).not.toContain(u.password);
    expect(text).not.toContain(t.refresh_token);
    expect(text).not.toContain('argon2');
  });

  it('exports and erases the provider accounts linked for social sign-in', async () => {
    const u = await registered();
    const subject = `sub-${randomBytes(4).toString('hex')}`;
    await db.query(
      `INSERT INTO auth.federated_identities (provider, subject, user_id, email, created_at)
       VALUES ('acme', $1, $2, $3, now())`,
      [subject, u.id, u.email],
    );
    expect((await auth.exportUser(u.id)).identities).toEqual([
      { provider: 'acme', subject, email: u.email, created_at: expect.any(String) },
    ]);
    await auth.eraseUser(u.id, meta);
    const left = await db.query(
      `SELECT count(*)::int AS n FROM auth.federated_identities WHERE subject = $1`,
      [subject],
    );
    expect(left[0].n).toBe(0);
  });

  it('erases: sign-in stops at once, credentials go, the audit keeps a pseudonym only', async () => {
    const u = await registered();
    const t = (await auth.login({ email: u.email, password: u.password }, meta)) as TokenPairDto;
    await auth.eraseUser(u.id, meta);
    expect(
      (await problemOf(auth.login({ email: u.email, password: u.password }, meta))).getStatus(),
    ).toBe(401);
    expect((await problemOf(auth.refresh(t.refresh_token, meta))).getStatus()).toBe(401);
    const out = await auth.exportUser(u.id);
    expect(out).toEqual({
      credentials: null,
      sessions: [],
      audit: [],
      mfa: { totp: null, recovery_codes: [] },
      identities: [],
    });
    const left = await db.query(
      `SELECT count(*)::int AS n FROM auth.audit_events WHERE user_id = $1 OR ip = '127.0.0.1' AND user_id LIKE 'erased_%'`,
      [u.id],
    );
    expect(left[0].n).toBe(0);
  });
});
