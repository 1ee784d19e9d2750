import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectFreshTimestamp, expectJsonError, TIMESTAMP } from './support/expect.js';
import { createUrl, createUser, uniqueName, type User } from './support/fixtures.js';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('users API', () => {
  let t: TestApp;

  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    request(t.baseUrl, method, path, body, headers);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('POST /users', () => {
    it('creates a user: 201 with id, username, email and a YYYY-MM-DDTHH:MM:SS created_at', async () => {
      const res = await api('POST', '/users', { username: 'livelypioneer98', email: 'livelypioneer98@hackstack.io' });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Object.keys(res.body).sort()).toEqual(['created_at', 'email', 'id', 'username']);
      expect(Number.isInteger(res.body.id)).toBe(true);
      expect(res.body.id).toBeGreaterThan(0);
      expect(res.body.username).toBe('livelypioneer98');
      expect(res.body.email).toBe('livelypioneer98@hackstack.io');
      expectFreshTimestamp(res.body.created_at);
    });

    it('gives each new user a new, increasing id', async () => {
      const a = await createUser(t.baseUrl);
      const b = await createUser(t.baseUrl);
      expect(b.id).toBeGreaterThan(a.id);
    });

    it('ignores unknown fields instead of storing or echoing them', async () => {
      const name = uniqueName();
      const res = await api('POST', '/users', { username: name, email: `${name}@example.com`, id: 999_999, admin: true });
      expect(res.status).toBe(201);
      expect(res.body.id).not.toBe(999_999);
      expect(res.body.admin).toBeUndefined();
    });

    const invalidBodies: [string, unknown][] = [
      ['username missing', { email: 'missing-username@example.com' }],
      ['email missing', { username: 'missingemail' }],
      ['both missing (empty object)', {}],
      ['username a number', { username: 12345, email: 'numeric-username@example.com' }],
      ['email a number', { username: 'numericemail', email: 42 }],
      ['username null', { username: null, email: 'null-username@example.com' }],
      ['email null', { username: 'nullemail', email: null }],
      ['username an array', { username: ['a', 'b'], email: 'array-username@example.com' }],
      ['email an object', { username: 'objectemail', email: { address: 'x@example.com' } }],
      ['username a boolean', { username: true, email: 'bool-username@example.com' }],
      ['username empty', { username: '', email: 'empty-username@example.com' }],
      ['username blank', { username: '   ', email: 'blank-username@example.com' }],
      ['email without @', { username: 'bademail1', email: 'not-an-email' }],
      ['email without domain', { username: 'bademail2', email: 'someone@' }],
      ['email without local part', { username: 'bademail3', email: '@example.com' }],
      ['email with spaces', { username: 'bademail4', email: 'some one@example.com' }],
      ['email empty', { username: 'bademail5', email: '' }],
    ];
    it.each(invalidBodies)('refuses %s with 400 and a JSON error', async (_label, body) => {
      const res = await api('POST', '/users', body);
      expectJsonError(res, 400);
    });

    it('creates nothing when the body is invalid', async () => {
      const before = await api('GET', '/users?per_page=1000');
      await api('POST', '/users', { username: 'ghost-user', email: 'not-an-email' });
      await api('POST', '/users', { username: 'ghost-user2', email: null });
      const after = await api('GET', '/users?per_page=1000');
      expect(after.body).toEqual(before.body);
      expect((after.body as User[]).some((u) => u.username.startsWith('ghost-user'))).toBe(false);
    });

    const nonObjectBodies: [string, string, Record<string, string>][] = [
      ['a JSON string', '"hello"', {}],
      ['a JSON array', '[{"username":"x","email":"x@example.com"}]', {}],
      ['JSON null', 'null', {}],
      ['a JSON number', '42', {}],
      ['broken JSON', '{"username": "x", "email":', {}],
      ['an empty body', '', {}],
      ['text/plain', 'username=x&email=x@example.com', { 'content-type': 'text/plain' }],
      ['form data', 'username=x&email=x%40example.com', { 'content-type': 'application/x-www-form-urlencoded' }],
    ];
    it.each(nonObjectBodies)('refuses %s as body with a JSON 4xx, never 500', async (_label, body, headers) => {
      const res = await api('POST', '/users', body, headers);
      expectJsonError(res, [400, 415, 422]);
    });

    it('refuses a duplicate username with 409', async () => {
      const first = await createUser(t.baseUrl);
      const res = await api('POST', '/users', { username: first.username, email: `${uniqueName('other')}@example.com` });
      expectJsonError(res, 409);
    });

    it('refuses a duplicate email with 409', async () => {
      const first = await createUser(t.baseUrl);
      const res = await api('POST', '/users', { username: uniqueName('other'), email: first.email });
      expectJsonError(res, 409);
    });

    it('treats emails case-insensitively when checking for duplicates', async () => {
      const name = uniqueName();
      await createUser(t.baseUrl, { username: name, email: `${name}@Example.com` });
      const res = await api('POST', '/users', { username: uniqueName('other'), email: `${name.toUpperCase()}@EXAMPLE.COM` });
      expectJsonError(res, 409);
    });

    it('lets exactly one of several simultaneous creates with the same username or email win', async () => {
      const name = uniqueName('race');
      const sameName = await Promise.all(
        [0, 1, 2, 3].map((i) => api('POST', '/users', { username: name, email: `${name}-${i}@example.com` })),
      );
      expect(sameName.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);

      const email = `${uniqueName('race')}@example.com`;
      const sameEmail = await Promise.all(
        [0, 1, 2, 3].map((i) =>
          api('POST', '/users', { username: uniqueName(`race${i}`), email: i % 2 ? email.toUpperCase() : email }),
        ),
      );
      expect(sameEmail.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    });

    it('does not create the duplicate', async () => {
      const first = await createUser(t.baseUrl);
      await api('POST', '/users', { username: first.username, email: `${uniqueName('dup')}@example.com` });
      const list = await api('GET', '/users?per_page=1000');
      expect((list.body as User[]).filter((u) => u.username === first.username)).toHaveLength(1);
    });
  });

  describe('GET /users', () => {
    it('lists users as a JSON array in id order, with the contract fields', async () => {
      const created = [await createUser(t.baseUrl), await createUser(t.baseUrl), await createUser(t.baseUrl)];
      const res = await api('GET', '/users?per_page=1000');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const users = res.body as User[];
      const ids = users.map((u) => u.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      for (const user of created) expect(users).toContainEqual(user);
      for (const user of users) {
        expect(Object.keys(user).sort()).toEqual(['created_at', 'email', 'id', 'username']);
        expect(user.created_at).toMatch(TIMESTAMP);
      }
    });

    it('paginates with ?page=&per_page=', async () => {
      while (((await api('GET', '/users?per_page=1000')).body as User[]).length < 7) await createUser(t.baseUrl);
      const all = (await api('GET', '/users?per_page=1000')).body as User[];

      const first = await api('GET', '/users?page=1&per_page=3');
      expect(first.status).toBe(200);
      expect(first.body).toEqual(all.slice(0, 3));

      const second = await api('GET', '/users?page=2&per_page=3');
      expect(second.status).toBe(200);
      expect(second.body).toEqual(all.slice(3, 6));

      const perPageOnly = await api('GET', '/users?per_page=2');
      expect(perPageOnly.body).toEqual(all.slice(0, 2));

      const beyond = await api('GET', `/users?page=${all.length + 1}&per_page=1`);
      expect(beyond.status).toBe(200);
      expect(beyond.body).toEqual([]);

      const lastPartial = await api('GET', `/users?page=2&per_page=${all.length - 1}`);
      expect(lastPartial.body).toEqual(all.slice(all.length - 1));
    });

    it.each(['page=0', 'page=-1', 'page=abc', 'page=1.5', 'per_page=0', 'per_page=-5', 'per_page=abc', 'per_page=2.5'])(
      'refuses ?%s with 400',
      async (query) => {
        const res = await api('GET', `/users?${query}`);
        expectJsonError(res, 400);
      },
    );
  });

  describe('GET /users/:id', () => {
    it('returns the user exactly as created', async () => {
      const user = await createUser(t.baseUrl);
      const res = await api('GET', `/users/${user.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(user);
    });

    it('answers 404 JSON for an absent id', async () => {
      expectJsonError(await api('GET', '/users/987654'), 404);
    });

    it.each(['abc', '1.5', '1e3', '12abc'])('answers 400 for the non-integer id %s', async (id) => {
      expectJsonError(await api('GET', `/users/${id}`), 400);
    });

    it.each(['0', '-1', '99999999999999999999'])('answers 400 or 404 (never 500) for the out-of-range id %s', async (id) => {
      expectJsonError(await api('GET', `/users/${id}`), [400, 404]);
    });
  });

  describe('PUT /users/:id', () => {
    it('updates only the username when only username is sent', async () => {
      const user = await createUser(t.baseUrl);
      const username = uniqueName('renamed');
      const res = await api('PUT', `/users/${user.id}`, { username });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...user, username });
      expect((await api('GET', `/users/${user.id}`)).body).toEqual({ ...user, username });
    });

    it('updates only the email when only email is sent', async () => {
      const user = await createUser(t.baseUrl);
      const email = `${uniqueName('moved')}@example.org`;
      const res = await api('PUT', `/users/${user.id}`, { email });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...user, email });
      expect((await api('GET', `/users/${user.id}`)).body).toEqual({ ...user, email });
    });

    it('updates both fields together', async () => {
      const user = await createUser(t.baseUrl);
      const username = uniqueName('both');
      const email = `${username}@example.net`;
      const res = await api('PUT', `/users/${user.id}`, { username, email });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: user.id, username, email, created_at: user.created_at });
    });

    it('accepts an empty object and changes nothing', async () => {
      const user = await createUser(t.baseUrl);
      const res = await api('PUT', `/users/${user.id}`, {});
      expect(res.status).toBe(200);
      expect(res.body).toEqual(user);
    });

    it('accepts the user\'s own unchanged username and email', async () => {
      const user = await createUser(t.baseUrl);
      const res = await api('PUT', `/users/${user.id}`, { username: user.username, email: user.email });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(user);
    });

    it('lets a user change the case of their own email', async () => {
      const user = await createUser(t.baseUrl);
      const email = user.email.toUpperCase();
      const res = await api('PUT', `/users/${user.id}`, { email });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe(email);
    });

    it('refuses another user\'s username with 409 and leaves the user unchanged', async () => {
      const taken = await createUser(t.baseUrl);
      const user = await createUser(t.baseUrl);
      expectJsonError(await api('PUT', `/users/${user.id}`, { username: taken.username }), 409);
      expect((await api('GET', `/users/${user.id}`)).body).toEqual(user);
    });

    it('refuses another user\'s email (in any case) with 409 and leaves the user unchanged', async () => {
      const taken = await createUser(t.baseUrl);
      const user = await createUser(t.baseUrl);
      expectJsonError(await api('PUT', `/users/${user.id}`, { email: taken.email }), 409);
      expectJsonError(await api('PUT', `/users/${user.id}`, { email: taken.email.toUpperCase() }), 409);
      expect((await api('GET', `/users/${user.id}`)).body).toEqual(user);
    });

    const invalidUpdates: [string, unknown][] = [
      ['username null', { username: null }],
      ['email null', { email: null }],
      ['username a number', { username: 7 }],
      ['email a number', { email: 7 }],
      ['username blank', { username: '  ' }],
      ['a bad email', { email: 'nope' }],
      ['an email without domain', { email: 'nope@' }],
    ];
    it.each(invalidUpdates)('refuses %s with 400 and leaves the user unchanged', async (_label, body) => {
      const user = await createUser(t.baseUrl);
      expectJsonError(await api('PUT', `/users/${user.id}`, body), 400);
      expect((await api('GET', `/users/${user.id}`)).body).toEqual(user);
    });

    it.each([
      ['a JSON string', '"x"', {}],
      ['a JSON array', '[]', {}],
      ['broken JSON', '{"username"', {}],
      ['text/plain', 'username=x', { 'content-type': 'text/plain' }],
      ['form data', 'username=formrenamed', { 'content-type': 'application/x-www-form-urlencoded' }],
    ])('refuses %s as body with a JSON 4xx and leaves the user unchanged', async (_label, body, headers) => {
      const user = await createUser(t.baseUrl);
      expectJsonError(await api('PUT', `/users/${user.id}`, body, headers as Record<string, string>), [400, 415, 422]);
      expect((await api('GET', `/users/${user.id}`)).body).toEqual(user);
    });

    it('answers 404 for an absent user', async () => {
      expectJsonError(await api('PUT', '/users/987654', { username: uniqueName('absent') }), 404);
    });

    it('answers 400 for a non-integer id', async () => {
      expectJsonError(await api('PUT', '/users/abc', { username: uniqueName('abc') }), 400);
      expectJsonError(await api('PUT', '/users/1.5', { username: uniqueName('abc') }), 400);
    });
  });

  describe('DELETE /users/:id', () => {
    it('deletes: 204 with no body, then GET 404, a second DELETE 404, PUT 404, and gone from the list', async () => {
      const user = await createUser(t.baseUrl);
      const res = await api('DELETE', `/users/${user.id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectJsonError(await api('GET', `/users/${user.id}`), 404);
      expectJsonError(await api('DELETE', `/users/${user.id}`), 404);
      expectJsonError(await api('PUT', `/users/${user.id}`, { username: uniqueName('zombie') }), 404);
      const list = (await api('GET', '/users?per_page=1000')).body as User[];
      expect(list.map((u) => u.id)).not.toContain(user.id);
    });

    it('answers 404 for an absent user and 400 for a non-integer id', async () => {
      expectJsonError(await api('DELETE', '/users/987654'), 404);
      expectJsonError(await api('DELETE', '/users/abc'), 400);
      expectJsonError(await api('DELETE', '/users/1.5'), 400);
    });

    it('does not touch other users', async () => {
      const keep = await createUser(t.baseUrl);
      const gone = await createUser(t.baseUrl);
      expect((await api('DELETE', `/users/${gone.id}`)).status).toBe(204);
      expect((await api('GET', `/users/${keep.id}`)).body).toEqual(keep);
    });

    it('removes the user\'s urls, stops their codes redirecting and writes a deleted event per url', async () => {
      const owner = await createUser(t.baseUrl);
      const other = await createUser(t.baseUrl);
      const urlA = await createUrl(t.baseUrl, owner.id, 'https://example.com/a', 'a title');
      const urlB = await createUrl(t.baseUrl, owner.id, 'https://example.com/b', 'a title');
      const kept = await createUrl(t.baseUrl, other.id, 'https://example.com/kept', 'a title');

      const before = await api('GET', `/${urlA.short_code}`);
      expect(before.status).toBe(302);

      expect((await api('DELETE', `/users/${owner.id}`)).status).toBe(204);

      for (const url of [urlA, urlB]) {
        expectJsonError(await api('GET', `/urls/${url.id}`), 404);
        expectJsonError(await api('GET', `/${url.short_code}`), 404);
        const events = await api('GET', `/events?url_id=${url.id}&event_type=deleted`);
        expect(events.status).toBe(200);
        expect(events.body).toHaveLength(1);
        expect(events.body[0]).toMatchObject({ url_id: url.id, user_id: owner.id, event_type: 'deleted' });
        expect(typeof events.body[0].details).toBe('object');
        expect(Array.isArray(events.body[0].details)).toBe(false);
      }
      const ownerUrls = await api('GET', `/urls?user_id=${owner.id}`);
      expect(ownerUrls.status).toBe(200);
      expect(ownerUrls.body).toEqual([]);
      const allUrls = (await api('GET', '/urls?per_page=1000')).body as { id: number }[];
      expect(allUrls.map((u) => u.id)).not.toContain(urlA.id);
      expect(allUrls.map((u) => u.id)).not.toContain(urlB.id);

      // The other user's url is untouched.
      expect((await api('GET', `/urls/${kept.id}`)).status).toBe(200);
      expect((await api('GET', `/${kept.short_code}`)).status).toBe(302);
      expect((await api('GET', `/events?url_id=${kept.id}&event_type=deleted`)).body).toEqual([]);
    });

    it('refuses new urls for a deleted user with 404', async () => {
      const user = await createUser(t.baseUrl);
      expect((await api('DELETE', `/users/${user.id}`)).status).toBe(204);
      const res = await api('POST', '/urls', { user_id: user.id, original_url: 'https://example.com/late', title: 'late' });
      expectJsonError(res, 404);
    });
  });
});
