/**
 * Users: profiles, object-level access, preferences (JSON Merge Patch), the admin API, roles
 * and session revocation, deletion. Runs in both modes (one process, and five over NATS).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { api, expectProblem, uniqueEmail, type ApiResponse } from '../support/api.js';
import { adminToken, login, registerAndLogin, type SignedInUser } from '../support/session.js';
import { waitForMail } from '../support/mailbox.js';

const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' };

function mergePatch(token: string, body: unknown) {
  return api('PATCH', '/api/v1/users/me/preferences', {
    token,
    raw: JSON.stringify(body),
    headers: MERGE_PATCH,
  });
}

function fields(res: ApiResponse): string[] {
  return [
    ...new Set<string>((res.body.errors ?? []).map((e: { field: string }) => e.field)),
  ].sort();
}

/** The parts of a 404 a client could compare (request id and path differ by nature). */
function comparable404(res: ApiResponse) {
  const { request_id: _r, instance: _i, ...rest } = res.body;
  return rest;
}

async function loginStatus(email: string, password: string): Promise<number> {
  return (await api('POST', '/api/v1/auth/login', { body: { email, password } })).status;
}

describe(`users (${process.env.E2E_MODE} mode)`, () => {
  let admin: string;
  let alice: SignedInUser;
  let bob: SignedInUser;

  beforeAll(async () => {
    admin = await adminToken();
    [alice, bob] = await Promise.all([
      registerAndLogin({ tag: 'alice', name: 'Alice Liddell' }),
      registerAndLogin({ tag: 'bob', name: 'Bob Builder' }),
    ]);
  });

  describe('profile', () => {
    it('GET /users/me answers the caller profile, and 401 without a token', async () => {
      const res = await api('GET', '/api/v1/users/me', { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: alice.id,
        email: alice.email,
        name: 'Alice Liddell',
        role: 'member',
        email_verified: false,
        locale: null,
        timezone: null,
        avatar_url: null,
      });
      expect(res.body.created_at).toBe(alice.user.created_at);
      expectProblem(await api('GET', '/api/v1/users/me'), 401);
    });

    it('GET /users/{id} of oneself has exactly the seed shape', async () => {
      const res = await api('GET', `/api/v1/users/${alice.id}`, { token: alice.token });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['created_at', 'email', 'id', 'name', 'role']);
      expect(res.body).toEqual({
        id: alice.id,
        email: alice.email,
        name: 'Alice Liddell',
        created_at: alice.user.created_at,
        role: 'member',
      });
    });

    it('PATCH /users/me changes name, locale, timezone and avatar_url (canonicalised)', async () => {
      const res = await api('PATCH', '/api/v1/users/me', {
        token: bob.token,
        body: {
          name: '  Robert Builder ',
          locale: 'en-gb',
          timezone: 'europe/london',
          avatar_url: 'https://cdn.example.com/a/bob.png',
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: bob.id,
        name: 'Robert Builder',
        locale: 'en-GB',
        timezone: 'Europe/London',
        avatar_url: 'https://cdn.example.com/a/bob.png',
      });
      const again = await api('GET', '/api/v1/users/me', { token: bob.token });
      expect(again.body).toMatchObject({ name: 'Robert Builder', timezone: 'Europe/London' });
      const cleared = await api('PATCH', '/api/v1/users/me', {
        token: bob.token,
        body: { avatar_url: null },
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body.avatar_url).toBeNull();
      expect(cleared.body.name).toBe('Robert Builder');
    });

    it('PATCH /users/me rejects invalid values with 400 naming each field', async () => {
      const res = await api('PATCH', '/api/v1/users/me', {
        token: bob.token,
        body: { name: '', locale: 'not a locale', timezone: 'Mars/Base', avatar_url: 'ftp://x' },
      });
      expectProblem(res, 400);
      expect(fields(res)).toEqual(expect.arrayContaining(['name']));
      const res2 = await api('PATCH', '/api/v1/users/me', {
        token: bob.token,
        body: { locale: 'not a locale', timezone: 'Mars/Base', avatar_url: 'ftp://x' },
      });
      expectProblem(res2, 400);
      expect(fields(res2)).toEqual(['avatar_url', 'locale', 'timezone']);
    });

    it('rejects mass assignment: a member cannot set role (or any other field) on themself', async () => {
      for (const body of [
        { role: 'admin' },
        { name: 'Sneaky', role: 'admin' },
        { email: 'x@example.com' },
        { disabled: false },
        { id: 'usr_other' },
      ]) {
        const res = await api('PATCH', '/api/v1/users/me', { token: alice.token, body });
        expectProblem(res, 400);
        expect(fields(res)).toEqual(
          Object.keys(body)
            .filter((k) => k !== 'name')
            .sort(),
        );
      }
      const me = await api('GET', '/api/v1/users/me', { token: alice.token });
      expect(me.body).toMatchObject({ role: 'member', name: 'Alice Liddell', email: alice.email });
    });
  });

  describe('object-level access', () => {
    it('a member reading another user gets the same 404 as for an unknown id; an admin reads anyone', async () => {
      const other = await api('GET', `/api/v1/users/${bob.id}`, { token: alice.token });
      expectProblem(other, 404);
      expect(other.text).not.toContain(bob.email);
      const unknown = await api('GET', '/api/v1/users/usr_0000000000000000000000zz', {
        token: alice.token,
      });
      expectProblem(unknown, 404);
      expect(comparable404(other)).toEqual(comparable404(unknown));
      const garbage = await api('GET', '/api/v1/users/not-an-id', { token: alice.token });
      expectProblem(garbage, 404);

      const byAdmin = await api('GET', `/api/v1/users/${bob.id}`, { token: admin });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body).toEqual({
        id: bob.id,
        email: bob.email,
        name: expect.any(String),
        created_at: bob.user.created_at,
        role: 'member',
      });
      const adminUnknown = await api('GET', '/api/v1/users/usr_0000000000000000000000zz', {
        token: admin,
      });
      expectProblem(adminUnknown, 404);
    });

    it('a member cannot change, disable, delete or list other users (403, never data)', async () => {
      const before = await api('GET', `/api/v1/users/${bob.id}`, { token: admin });
      const patch = await api('PATCH', `/api/v1/users/${bob.id}`, {
        token: alice.token,
        body: { name: 'Hacked' },
      });
      expectProblem(patch, 403);
      expect(patch.text).not.toContain(bob.email);
      const disable = await api('PATCH', `/api/v1/users/${bob.id}`, {
        token: alice.token,
        body: { disabled: true },
      });
      expectProblem(disable, 403);
      const promoteSelf = await api('PATCH', `/api/v1/users/${alice.id}`, {
        token: alice.token,
        body: { role: 'admin' },
      });
      expectProblem(promoteSelf, 403);
      const del = await api('DELETE', `/api/v1/users/${bob.id}`, { token: alice.token });
      expectProblem(del, 403);
      expectProblem(await api('GET', '/api/v1/users', { token: alice.token }), 403);
      expectProblem(
        await api('POST', '/api/v1/users', {
          token: alice.token,
          body: { email: uniqueEmail('nope'), name: 'Nope' },
        }),
        403,
      );
      const prefs = await api('GET', `/api/v1/users/${bob.id}/preferences`, {
        token: alice.token,
      });
      expect([403, 404]).toContain(prefs.status);

      // Bob is untouched and still signed in; Alice is still a member.
      const after = await api('GET', `/api/v1/users/${bob.id}`, { token: admin });
      expect(after.body).toEqual(before.body);
      expect((await api('GET', '/api/v1/users/me', { token: bob.token })).status).toBe(200);
      const aliceMe = await api('GET', '/api/v1/users/me', { token: alice.token });
      expect(aliceMe.body.role).toBe('member');
    });
  });

  describe('preferences (JSON Merge Patch)', () => {
    let carol: SignedInUser;
    beforeAll(async () => {
      carol = await registerAndLogin({ tag: 'carol', name: 'Carol' });
    });

    it('starts from the defaults', async () => {
      const res = await api('GET', '/api/v1/users/me/preferences', { token: carol.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        locale: null,
        timezone: null,
        theme: 'system',
        notifications: { security: true, product: true, marketing: false },
        custom: {},
      });
    });

    it('merges with application/merge-patch+json: set, keep, and remove with null', async () => {
      let res = await mergePatch(carol.token, {
        locale: 'de-de',
        timezone: 'Europe/Berlin',
        theme: 'dark',
        notifications: { marketing: true },
        custom: { dashboard: { pinned: ['revenue'], layout: 'grid' }, beta: true },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        locale: 'de-DE',
        timezone: 'Europe/Berlin',
        theme: 'dark',
        notifications: { security: true, product: true, marketing: true },
        custom: { dashboard: { pinned: ['revenue'], layout: 'grid' }, beta: true },
      });
      res = await mergePatch(carol.token, {
        notifications: { product: false },
        custom: { dashboard: { layout: null }, beta: null, seen: 3 },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        locale: 'de-DE',
        timezone: 'Europe/Berlin',
        theme: 'dark',
        notifications: { security: true, product: false, marketing: true },
        custom: { dashboard: { pinned: ['revenue'] }, seen: 3 },
      });
      const read = await api('GET', '/api/v1/users/me/preferences', { token: carol.token });
      expect(read.body).toEqual(res.body);
      // locale and timezone are the profile's too
      const me = await api('GET', '/api/v1/users/me', { token: carol.token });
      expect(me.body).toMatchObject({ locale: 'de-DE', timezone: 'Europe/Berlin' });
    });

    it('accepts application/json too, and null resets a setting to its default', async () => {
      const res = await api('PATCH', '/api/v1/users/me/preferences', {
        token: carol.token,
        body: { theme: null, notifications: null, locale: null },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        locale: null,
        timezone: 'Europe/Berlin',
        theme: 'system',
        notifications: { security: true, product: true, marketing: false },
      });
    });

    it('rejects unknown keys and invalid values with 400 naming the field, changing nothing', async () => {
      const before = (await api('GET', '/api/v1/users/me/preferences', { token: carol.token }))
        .body;
      const cases: [unknown, string[]][] = [
        [{ colour: 'red' }, ['colour']],
        [{ role: 'admin' }, ['role']],
        [{ locale: 'xx_not valid' }, ['locale']],
        [{ timezone: 'Europe/Atlantis' }, ['timezone']],
        [{ timezone: '+02:00' }, ['timezone']],
        [{ theme: 'neon' }, ['theme']],
        [{ notifications: { security: false } }, ['notifications.security']],
        [{ notifications: { sms: true } }, ['notifications.sms']],
        [{ notifications: { marketing: 'yes' } }, ['notifications.marketing']],
        [{ notifications: 'all' }, ['notifications']],
        [{ custom: { blob: 'x'.repeat(17 * 1024) } }, ['custom']],
        [{ theme: 'dark', locale: 42, extra: 1 }, ['extra', 'locale']],
      ];
      for (const [patch, expected] of cases) {
        const res = await mergePatch(carol.token, patch);
        expectProblem(res, 400);
        expect(fields(res)).toEqual(expected);
      }
      const after = (await api('GET', '/api/v1/users/me/preferences', { token: carol.token })).body;
      expect(after).toEqual(before);
    });

    it('keeps custom up to 16 KB, rejects a non-object patch, bad JSON and other media types', async () => {
      const fits = await mergePatch(carol.token, { custom: null });
      expect(fits.status).toBe(200);
      const big = await mergePatch(carol.token, { custom: { blob: 'x'.repeat(16 * 1024 - 20) } });
      expect(big.status).toBe(200);
      expect(big.body.custom.blob).toHaveLength(16 * 1024 - 20);
      const over = await mergePatch(carol.token, { custom: { more: 'x'.repeat(100) } });
      expectProblem(over, 400);
      expect(fields(over)).toEqual(['custom']);
      await mergePatch(carol.token, { custom: null });

      expectProblem(await mergePatch(carol.token, ['theme', 'dark']), 400);
      expectProblem(await mergePatch(carol.token, 'dark'), 400);
      const bad = await api('PATCH', '/api/v1/users/me/preferences', {
        token: carol.token,
        raw: '{"theme": ',
        headers: MERGE_PATCH,
      });
      expectProblem(bad, 400);
      const text = await api('PATCH', '/api/v1/users/me/preferences', {
        token: carol.token,
        raw: 'theme=dark',
        headers: { 'content-type': 'text/plain' },
      });
      expectProblem(text, 415);
    });
  });

  describe('admin API', () => {
    it('lists users with a stable cursor order, filters and a limit of at most 100', async () => {
      const tag = `lst${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const created: SignedInUser[] = [];
      for (let i = 0; i < 5; i++) {
        created.push(await registerAndLogin({ tag, name: `Listed ${tag} ${i}` }));
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      const sizes: number[] = [];
      do {
        const query: string = `?q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await api('GET', `/api/v1/users${query}`, { token: admin });
        expect(res.status).toBe(200);
        sizes.push(res.body.data.length);
        seen.push(...res.body.data.map((u: { id: string }) => u.id));
        cursor = res.body.next_cursor;
      } while (cursor);
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(created.map((u) => u.id).sort());
      expect(new Set(seen).size).toBe(5);

      const page = await api('GET', `/api/v1/users?q=${tag}&limit=100`, { token: admin });
      expect(page.body.next_cursor).toBeNull();
      expect(page.body.data[0]).toMatchObject({
        id: seen[0],
        email: expect.stringContaining(tag),
        role: 'member',
        disabled: false,
        deleted_at: null,
      });

      const byEmail = await api(
        'GET',
        `/api/v1/users?email=${encodeURIComponent(created[2].email.toUpperCase())}`,
        { token: admin },
      );
      expect(byEmail.body.data.map((u: { id: string }) => u.id)).toEqual([created[2].id]);
      const admins = await api('GET', '/api/v1/users?role=admin&limit=100', { token: admin });
      expect(admins.status).toBe(200);
      expect(admins.body.data.length).toBeGreaterThan(0);
      expect(admins.body.data.every((u: { role: string }) => u.role === 'admin')).toBe(true);

      for (const bad of ['limit=101', 'limit=0', 'limit=abc', 'role=root', 'cursor=bogus', 'x=1']) {
        const res = await api('GET', `/api/v1/users?${bad}`, { token: admin });
        expectProblem(res, 400);
        expect(fields(res)).toEqual([bad.split('=')[0]]);
      }
    });

    it('creates a user with a role and sends the invitation mail; a taken email is 409', async () => {
      const email = uniqueEmail('invited');
      const res = await api('POST', '/api/v1/users', {
        token: admin,
        body: { email: email.toUpperCase(), name: 'Invited Admin', role: 'admin' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^usr_/),
        email,
        name: 'Invited Admin',
        role: 'admin',
        disabled: false,
      });
      const mail = await waitForMail(email, /.+/);
      expect(mail.token).toBeTruthy();
      const read = await api('GET', `/api/v1/users/${res.body.id}`, { token: admin });
      expect(read.body).toMatchObject({ email, role: 'admin' });

      const dup = await api('POST', '/api/v1/users', {
        token: admin,
        body: { email, name: 'Again' },
      });
      expectProblem(dup, 409);
      const bad = await api('POST', '/api/v1/users', {
        token: admin,
        body: { email: 'nope', name: '', role: 'root', disabled: true },
      });
      expectProblem(bad, 400);
      expect(fields(bad)).toEqual(expect.arrayContaining(['disabled', 'email', 'name', 'role']));
    });

    it('a role change revokes the user sessions at once; the new role comes with the next sign-in', async () => {
      const dave = await registerAndLogin({ tag: 'dave' });
      const res = await api('PATCH', `/api/v1/users/${dave.id}`, {
        token: admin,
        body: { role: 'admin', name: 'Dave Admin' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: dave.id, role: 'admin', name: 'Dave Admin' });
      expectProblem(await api('GET', '/api/v1/users/me', { token: dave.token }), 401);
      const refreshed = await api('POST', '/api/v1/auth/refresh', {
        body: { refresh_token: dave.refresh_token },
      });
      expectProblem(refreshed, 401);
      const tokens = await login(dave.email, dave.password);
      const list = await api('GET', '/api/v1/users?limit=1', { token: tokens.access_token });
      expect(list.status).toBe(200);

      const demote = await api('PATCH', `/api/v1/users/${dave.id}`, {
        token: admin,
        body: { role: 'member' },
      });
      expect(demote.status).toBe(200);
      expectProblem(await api('GET', '/api/v1/users/me', { token: tokens.access_token }), 401);
    });

    it('disabling signs the user out everywhere and blocks sign-in; enabling restores it', async () => {
      const erin = await registerAndLogin({ tag: 'erin' });
      const off = await api('PATCH', `/api/v1/users/${erin.id}`, {
        token: admin,
        body: { disabled: true },
      });
      expect(off.status).toBe(200);
      expect(off.body.disabled).toBe(true);
      expectProblem(await api('GET', '/api/v1/users/me', { token: erin.token }), 401);
      expect(await loginStatus(erin.email, erin.password)).toBe(401);
      const on = await api('PATCH', `/api/v1/users/${erin.id}`, {
        token: admin,
        body: { disabled: false },
      });
      expect(on.body.disabled).toBe(false);
      expect(await loginStatus(erin.email, erin.password)).toBe(200);
    });

    it('rejects unknown fields and bad values on PATCH /users/{id}; unknown ids are 404', async () => {
      const res = await api('PATCH', `/api/v1/users/${bob.id}`, {
        token: admin,
        body: { role: 'owner', disabled: 'yes', email: 'x@example.com' },
      });
      expectProblem(res, 400);
      expect(fields(res)).toEqual(['disabled', 'email', 'role']);
      expectProblem(
        await api('PATCH', '/api/v1/users/usr_0000000000000000000000zz', {
          token: admin,
          body: { name: 'Ghost' },
        }),
        404,
      );
      expectProblem(
        await api('DELETE', '/api/v1/users/usr_0000000000000000000000zz', { token: admin }),
        404,
      );
    });

    it('an admin delete disables the account and revokes its sessions at once', async () => {
      const fred = await registerAndLogin({ tag: 'fred' });
      const res = await api('DELETE', `/api/v1/users/${fred.id}`, { token: admin });
      expect(res.status).toBe(204);
      expectProblem(await api('GET', '/api/v1/users/me', { token: fred.token }), 401);
      expect(await loginStatus(fred.email, fred.password)).toBe(401);
      const listed = await api('GET', `/api/v1/users?email=${encodeURIComponent(fred.email)}`, {
        token: admin,
      });
      expect(listed.body.data[0]).toMatchObject({ id: fred.id, disabled: true });
      expect(listed.body.data[0].deleted_at).toEqual(expect.any(String));
      // Deleting twice is not an error; a deleted account cannot be re-enabled.
      expect((await api('DELETE', `/api/v1/users/${fred.id}`, { token: admin })).status).toBe(204);
      expectProblem(
        await api('PATCH', `/api/v1/users/${fred.id}`, {
          token: admin,
          body: { disabled: false },
        }),
        409,
      );
    });
  });

  describe('data export', () => {
    it('gathers profile, preferences, sessions, audit, payments and analytics events from every part', async () => {
      const u = await registerAndLogin({ tag: 'export', name: 'Export Me' });
      expect((await mergePatch(u.token, { theme: 'dark', custom: { k: 'v' } })).status).toBe(200);
      const pay = await api('POST', '/api/v1/payments', {
        token: u.token,
        headers: { 'idempotency-key': `export-${u.id}` },
        body: { amount: 1234, currency: 'EUR', method: 'wire', description: 'export probe' },
      });
      expect(pay.status).toBe(201);
      const probe = `export_probe_${Date.now().toString(36)}`;
      const ev = await api('POST', '/api/v1/analytics/events', {
        token: u.token,
        body: { events: [{ name: probe, properties: { plan: 'pro' } }] },
      });
      expect(ev.status).toBe(202);

      const res = await api('GET', '/api/v1/users/me/export', { token: u.token });
      expect(res.status).toBe(200);
      const doc = res.body;
      expect(doc).toMatchObject({
        format: 'platform.user-export.v1',
        user_id: u.id,
        profile: { id: u.id, email: u.email, name: 'Export Me', role: 'member' },
        preferences: { theme: 'dark', custom: { k: 'v' } },
      });
      expect(Date.parse(doc.exported_at)).not.toBeNaN();
      // auth: credentials, the live session, the security audit
      expect(doc.auth.credentials.email).toBe(u.email);
      expect(doc.auth.sessions.length).toBeGreaterThanOrEqual(1);
      expect(doc.auth.audit.length).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(doc.auth)).not.toMatch(/password_hash|\$argon2/);
      // payments: the wire payment
      expect(doc.payments.payments.map((p: { id: string }) => p.id)).toContain(pay.body.id);
      // analytics: the event sent, and the platform's own events about the user
      const names = doc.analytics.events.map((e: { name: string }) => e.name);
      expect(names).toContain(probe);

      expectProblem(await api('GET', '/api/v1/users/me/export'), 401);

      // users.user.created.v1 left through the outbox and reached analytics, linked to the user.
      let platformEvents: string[] = names;
      for (let i = 0; i < 6 && !platformEvents.includes('users.user.created.v1'); i++) {
        await new Promise((r) => setTimeout(r, 500));
        const again = await api('GET', '/api/v1/users/me/export', { token: u.token });
        platformEvents = again.body.analytics.events.map((e: { name: string }) => e.name);
      }
      expect(platformEvents).toContain('users.user.created.v1');
    });
  });

  describe('documentation', () => {
    it('documents every users endpoint in Swagger with schemas, examples and errors', async () => {
      const doc = (await api('GET', '/docs-json')).body;
      const routes: [string, string, number][] = [
        ['/api/v1/users/me', 'get', 200],
        ['/api/v1/users/me', 'patch', 200],
        ['/api/v1/users/me', 'delete', 204],
        ['/api/v1/users/me/preferences', 'get', 200],
        ['/api/v1/users/me/preferences', 'patch', 200],
        ['/api/v1/users/me/export', 'get', 200],
        ['/api/v1/users', 'get', 200],
        ['/api/v1/users', 'post', 201],
        ['/api/v1/users/{user_id}', 'get', 200],
        ['/api/v1/users/{user_id}', 'patch', 200],
        ['/api/v1/users/{user_id}', 'delete', 204],
      ];
      for (const [path, method, ok] of routes) {
        const op = doc.paths[path]?.[method];
        expect(op).toBeDefined();
        expect(op.tags).toContain('users');
        expect(op.summary).toBeTruthy();
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(op.responses[String(ok)]).toBeDefined();
        expect(op.responses['401'].content['application/problem+json']).toBeDefined();
        if (op.requestBody && method !== 'delete') {
          const content = op.requestBody.content;
          const media = content['application/json'] ?? content['application/merge-patch+json'];
          expect(media.examples ?? media.schema).toBeDefined();
        }
      }
      const prefs = doc.paths['/api/v1/users/me/preferences'].patch.requestBody.content;
      expect(Object.keys(prefs)).toEqual(
        expect.arrayContaining(['application/merge-patch+json', 'application/json']),
      );
      expect(doc.components.schemas.PublicUserDto.properties.id.example).toMatch(/^usr_/);
    });
  });

  describe('deleting one’s own account', () => {
    it('needs the password (or a fresh sign-in): wrong password 403, right one 204 and sign-in impossible', async () => {
      const gina = await registerAndLogin({ tag: 'gina' });
      const wrong = await api('DELETE', '/api/v1/users/me', {
        token: gina.token,
        body: { password: 'not-my-password-123' },
      });
      expectProblem(wrong, 403);
      expect((await api('GET', '/api/v1/users/me', { token: gina.token })).status).toBe(200);
      const extra = await api('DELETE', '/api/v1/users/me', {
        token: gina.token,
        body: { password: gina.password, role: 'admin' },
      });
      expectProblem(extra, 400);

      const ok = await api('DELETE', '/api/v1/users/me', {
        token: gina.token,
        body: { password: gina.password },
      });
      expect(ok.status).toBe(204);
      expectProblem(await api('GET', '/api/v1/users/me', { token: gina.token }), 401);
      expectProblem(
        await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: gina.refresh_token } }),
        401,
      );
      expect(await loginStatus(gina.email, gina.password)).toBe(401);
    });

    it('without a password, a sign-in younger than 5 minutes is enough', async () => {
      const hank = await registerAndLogin({ tag: 'hank' });
      const res = await api('DELETE', '/api/v1/users/me', { token: hank.token });
      expect(res.status).toBe(204);
      expect(await loginStatus(hank.email, hank.password)).toBe(401);
    });
  });
});
