import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectFreshTimestamp, expectJsonError, TIMESTAMP } from './support/expect.js';
import { createUrl, createUser, type Event, type Url } from './support/fixtures.js';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SHORT_CODE = /^[0-9A-Za-z]{6,}$/;
const URL_FIELDS = ['created_at', 'id', 'is_active', 'original_url', 'short_code', 'title', 'updated_at', 'user_id'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('urls API', () => {
  let t: TestApp;
  let owner: { id: number };

  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    request(t.baseUrl, method, path, body, headers);

  async function eventsOf(urlId: number, eventType?: string): Promise<Event[]> {
    await t.settleClicks();
    const res = await api('GET', `/events?url_id=${urlId}${eventType ? `&event_type=${eventType}` : ''}&per_page=1000`);
    expect(res.status).toBe(200);
    return res.body as Event[];
  }

  beforeAll(async () => {
    t = await startTestApp();
    owner = await createUser(t.baseUrl);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('POST /urls', () => {
    it('creates a url: 201 with a random short_code, is_active true and contract timestamps', async () => {
      const res = await api('POST', '/urls', {
        user_id: owner.id,
        original_url: 'https://example.com/some/long/page?ref=newsletter',
        title: 'Launch announcement',
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Object.keys(res.body).sort()).toEqual(URL_FIELDS);
      expect(Number.isInteger(res.body.id)).toBe(true);
      expect(res.body.user_id).toBe(owner.id);
      expect(res.body.short_code).toMatch(SHORT_CODE);
      expect(res.body.original_url).toBe('https://example.com/some/long/page?ref=newsletter');
      expect(res.body.title).toBe('Launch announcement');
      expect(res.body.is_active).toBe(true);
      expectFreshTimestamp(res.body.created_at);
      expectFreshTimestamp(res.body.updated_at);
    });

    it('can be read back with GET /urls/:id and redirects with 302 to original_url', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/read-back', 'Read back');
      const res = await api('GET', `/urls/${url.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(url);
      const redirect = await api('GET', `/${url.short_code}`);
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('https://example.com/read-back');
    });

    it('writes exactly one created event with details {short_code, original_url}', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/evented');
      const events = await eventsOf(url.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ url_id: url.id, user_id: owner.id, event_type: 'created' });
      expect(events[0].details).toEqual({ short_code: url.short_code, original_url: 'https://example.com/evented' });
      expectFreshTimestamp(events[0].timestamp);
    });

    it('gives the same URL posted twice two different codes and two rows', async () => {
      const a = await createUrl(t.baseUrl, owner.id, 'https://example.com/same');
      const b = await createUrl(t.baseUrl, owner.id, 'https://example.com/same');
      expect(b.id).not.toBe(a.id);
      expect(b.short_code).not.toBe(a.short_code);
      expect(b.short_code).toMatch(SHORT_CODE);
      expect((await api('GET', `/${a.short_code}`)).headers.get('location')).toBe('https://example.com/same');
      expect((await api('GET', `/${b.short_code}`)).headers.get('location')).toBe('https://example.com/same');
    });

    it('generates distinct, well-formed codes across many urls', async () => {
      const codes = new Set<string>();
      for (let i = 0; i < 15; i++) {
        const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/many');
        expect(url.short_code).toMatch(SHORT_CODE);
        codes.add(url.short_code);
      }
      expect(codes.size).toBe(15);
    });

    it('accepts a missing or null title and stores null', async () => {
      const missing = await api('POST', '/urls', { user_id: owner.id, original_url: 'https://example.com/untitled' });
      expect(missing.status).toBe(201);
      expect(missing.body.title).toBeNull();
      const nul = await api('POST', '/urls', { user_id: owner.id, original_url: 'https://example.com/untitled', title: null });
      expect(nul.status).toBe(201);
      expect(nul.body.title).toBeNull();
    });

    it('accepts http as well as https', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'http://example.org/plain');
      expect(url.original_url).toBe('http://example.org/plain');
    });

    it('answers 404 JSON for an unknown user and creates nothing', async () => {
      const before = (await api('GET', '/urls?per_page=1000')).body as Url[];
      const res = await api('POST', '/urls', { user_id: 987654, original_url: 'https://example.com/nobody', title: 'x' });
      expectJsonError(res, 404);
      expect((await api('GET', '/urls?per_page=1000')).body).toEqual(before);
    });

    const badTargets: [string, unknown][] = [
      ['hello', 'hello'],
      ['example.com (no scheme)', 'example.com'],
      ['an ftp URL', 'ftp://x.org'],
      ['a javascript: URL', 'javascript:alert(1)'],
      ['a data: URL', 'data:text/html,x'],
      ['a mailto: URL', 'mailto:someone@example.com'],
      ['an empty string', ''],
      ['a blank string', '   '],
      ['a scheme without host', 'http://'],
      ['a number', 12345],
      ['null', null],
      ['an object', { href: 'https://example.com' }],
    ];
    it.each(badTargets)('refuses original_url %s with 400', async (_label, original_url) => {
      const res = await api('POST', '/urls', { user_id: owner.id, original_url, title: 'bad' });
      expectJsonError(res, 400);
    });

    it('refuses a missing original_url with 400', async () => {
      expectJsonError(await api('POST', '/urls', { user_id: owner.id, title: 'no target' }), 400);
    });

    it.each([
      ['missing', { original_url: 'https://example.com/x', title: 'x' }],
      ['a string', { user_id: String(1), original_url: 'https://example.com/x', title: 'x' }],
      ['a float', { user_id: 1.5, original_url: 'https://example.com/x', title: 'x' }],
      ['null', { user_id: null, original_url: 'https://example.com/x', title: 'x' }],
    ])('refuses a user_id that is %s with 400', async (_label, body) => {
      expectJsonError(await api('POST', '/urls', body), 400);
    });

    it('refuses a title that is not a string with 400', async () => {
      expectJsonError(await api('POST', '/urls', { user_id: owner.id, original_url: 'https://example.com/x', title: 42 }), 400);
    });

    it.each([
      ['a JSON string', '"https://example.com"', {}],
      ['a JSON array', '[]', {}],
      ['broken JSON', '{"user_id": 1,', {}],
      ['an empty body', '', {}],
      ['text/plain', 'https://example.com', { 'content-type': 'text/plain' }],
      ['form data', 'user_id=1&original_url=https%3A%2F%2Fexample.com%2Fform', { 'content-type': 'application/x-www-form-urlencoded' }],
    ])('refuses %s as body with a JSON 4xx', async (_label, body, headers) => {
      expectJsonError(await api('POST', '/urls', body, headers as Record<string, string>), [400, 415, 422]);
    });

    it('creates no url and no event for invalid input', async () => {
      const before = (await api('GET', '/urls?per_page=1000')).body as Url[];
      const eventsBefore = (await api('GET', '/events?per_page=1000')).body as Event[];
      await api('POST', '/urls', { user_id: owner.id, original_url: 'javascript:alert(1)' });
      await api('POST', '/urls', { user_id: 987654, original_url: 'https://example.com/x' });
      expect((await api('GET', '/urls?per_page=1000')).body).toEqual(before);
      expect((await api('GET', '/events?per_page=1000')).body).toEqual(eventsBefore);
    });

    describe('normalisation', () => {
      it('percent-encodes non-ASCII characters in path and query', async () => {
        const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/ünï/café?q=ç');
        expect(url.original_url).toBe('https://example.com/%C3%BCn%C3%AF/caf%C3%A9?q=%C3%A7');
        const redirect = await api('GET', `/${url.short_code}`);
        expect(redirect.status).toBe(302);
        expect(redirect.headers.get('location')).toBe('https://example.com/%C3%BCn%C3%AF/caf%C3%A9?q=%C3%A7');
        const [created] = await eventsOf(url.id, 'created');
        expect(created.details.original_url).toBe('https://example.com/%C3%BCn%C3%AF/caf%C3%A9?q=%C3%A7');
      });

      it('converts an international host name to punycode', async () => {
        const url = await createUrl(t.baseUrl, owner.id, 'https://bücher.example/');
        expect(url.original_url).toBe('https://xn--bcher-kva.example/');
      });

      it('lowercases scheme and host but keeps the path\'s case', async () => {
        const url = await createUrl(t.baseUrl, owner.id, 'HTTPS://Example.COM/Some/Path');
        expect(url.original_url).toBe('https://example.com/Some/Path');
      });

      it('trims surrounding whitespace', async () => {
        const url = await createUrl(t.baseUrl, owner.id, '  https://example.com/trimmed  ');
        expect(url.original_url).toBe('https://example.com/trimmed');
      });

      it('stores only printable ASCII', async () => {
        const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/emoji/😀 space');
        expect(url.original_url).toMatch(/^[\x21-\x7e]+$/);
        expect(url.original_url).toBe('https://example.com/emoji/%F0%9F%98%80%20space');
      });
    });
  });

  describe('GET /urls', () => {
    let alice: { id: number };
    let bob: { id: number };
    let aliceUrls: Url[];
    let bobUrls: Url[];

    beforeAll(async () => {
      alice = await createUser(t.baseUrl);
      bob = await createUser(t.baseUrl);
      aliceUrls = [];
      for (let i = 0; i < 5; i++) {
        aliceUrls.push(await createUrl(t.baseUrl, alice.id, `https://alice.example/${i}`, `alice ${i}`));
      }
      bobUrls = [
        await createUrl(t.baseUrl, bob.id, 'https://bob.example/0'),
        await createUrl(t.baseUrl, bob.id, 'https://bob.example/1'),
      ];
      const off = await api('PUT', `/urls/${aliceUrls[1].id}`, { is_active: false });
      expect(off.status).toBe(200);
      aliceUrls[1] = off.body;
      const off2 = await api('PUT', `/urls/${aliceUrls[3].id}`, { is_active: false });
      expect(off2.status).toBe(200);
      aliceUrls[3] = off2.body;
    });

    it('lists urls as a JSON array in id order with the contract fields', async () => {
      const res = await api('GET', '/urls?per_page=1000');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const urls = res.body as Url[];
      const ids = urls.map((u) => u.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      for (const url of [...aliceUrls, ...bobUrls]) expect(urls).toContainEqual(url);
      for (const url of urls) expect(Object.keys(url).sort()).toEqual(URL_FIELDS);
    });

    it('filters by ?user_id=', async () => {
      const res = await api('GET', `/urls?user_id=${alice.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(aliceUrls);
      expect((await api('GET', `/urls?user_id=${bob.id}`)).body).toEqual(bobUrls);
    });

    it('returns an empty array for a user without urls', async () => {
      const res = await api('GET', '/urls?user_id=987654');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('filters by ?is_active=true and ?is_active=false', async () => {
      const active = await api('GET', '/urls?is_active=true&per_page=1000');
      expect(active.status).toBe(200);
      expect((active.body as Url[]).every((u) => u.is_active === true)).toBe(true);
      expect(active.body).toContainEqual(aliceUrls[0]);
      expect(active.body).not.toContainEqual(aliceUrls[1]);

      const inactive = await api('GET', '/urls?is_active=false&per_page=1000');
      expect(inactive.status).toBe(200);
      expect(inactive.body).toEqual([aliceUrls[1], aliceUrls[3]]);
    });

    it('combines ?user_id= with ?is_active=', async () => {
      const active = await api('GET', `/urls?user_id=${alice.id}&is_active=true`);
      expect(active.body).toEqual([aliceUrls[0], aliceUrls[2], aliceUrls[4]]);
      const inactive = await api('GET', `/urls?user_id=${alice.id}&is_active=false`);
      expect(inactive.body).toEqual([aliceUrls[1], aliceUrls[3]]);
      expect((await api('GET', `/urls?user_id=${bob.id}&is_active=false`)).body).toEqual([]);
    });

    it('paginates with ?page=&per_page=, together with filters', async () => {
      expect((await api('GET', `/urls?user_id=${alice.id}&page=1&per_page=2`)).body).toEqual(aliceUrls.slice(0, 2));
      expect((await api('GET', `/urls?user_id=${alice.id}&page=2&per_page=2`)).body).toEqual(aliceUrls.slice(2, 4));
      expect((await api('GET', `/urls?user_id=${alice.id}&page=3&per_page=2`)).body).toEqual(aliceUrls.slice(4));
      expect((await api('GET', `/urls?user_id=${alice.id}&page=4&per_page=2`)).body).toEqual([]);
      const all = (await api('GET', '/urls?per_page=1000')).body as Url[];
      expect((await api('GET', '/urls?page=2&per_page=3')).body).toEqual(all.slice(3, 6));
    });

    it.each(['is_active=maybe', 'is_active=yes', 'user_id=abc', 'user_id=1.5', 'page=0', 'page=abc', 'per_page=0', 'per_page=x'])(
      'refuses ?%s with 400',
      async (query) => {
        expectJsonError(await api('GET', `/urls?${query}`), 400);
      },
    );
  });

  describe('GET /urls/:id', () => {
    it('answers 404 JSON for an absent id', async () => {
      expectJsonError(await api('GET', '/urls/987654'), 404);
    });

    it.each(['abc', '1.5', '7x'])('answers 400 for the non-integer id %s', async (id) => {
      expectJsonError(await api('GET', `/urls/${id}`), 400);
    });

    it.each(['0', '-3', '99999999999999999999'])('answers 400 or 404 (never 500) for the id %s', async (id) => {
      expectJsonError(await api('GET', `/urls/${id}`), [400, 404]);
    });
  });

  describe('PUT /urls/:id', () => {
    it('updates only the title, writes one updated event, leaves the rest as it was', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/title', 'Old title');
      const res = await api('PUT', `/urls/${url.id}`, { title: 'New title' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...url, title: 'New title', updated_at: res.body.updated_at });
      expect(res.body.updated_at >= url.updated_at).toBe(true);
      expect((await api('GET', `/urls/${url.id}`)).body).toEqual(res.body);
      const updated = await eventsOf(url.id, 'updated');
      expect(updated).toHaveLength(1);
      expect(updated[0]).toMatchObject({ url_id: url.id, user_id: owner.id, event_type: 'updated' });
      expect(updated[0].details).toEqual({ field: 'title', new_value: 'New title' });
    });

    it('moves updated_at and keeps created_at', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/timing', 'timing');
      await sleep(1100);
      const res = await api('PUT', `/urls/${url.id}`, { title: 'later' });
      expect(res.status).toBe(200);
      expect(res.body.created_at).toBe(url.created_at);
      expect(res.body.updated_at).toMatch(TIMESTAMP);
      expect(res.body.updated_at > url.updated_at).toBe(true);
      expectFreshTimestamp(res.body.updated_at);
      expect((await api('GET', `/urls/${url.id}`)).body.updated_at).toBe(res.body.updated_at);
    });

    it('deactivates with is_active false: 404 on redirect with no click event, and back on with true', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/toggle');
      const off = await api('PUT', `/urls/${url.id}`, { is_active: false });
      expect(off.status).toBe(200);
      expect(off.body).toEqual({ ...url, is_active: false, updated_at: off.body.updated_at });
      expectJsonError(await api('GET', `/${url.short_code}`), 404);
      expect(await eventsOf(url.id, 'click')).toEqual([]);

      const on = await api('PUT', `/urls/${url.id}`, { is_active: true });
      expect(on.status).toBe(200);
      expect(on.body.is_active).toBe(true);
      const redirect = await api('GET', `/${url.short_code}`);
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('https://example.com/toggle');

      const updated = await eventsOf(url.id, 'updated');
      expect(updated.map((e) => e.details)).toEqual([
        { field: 'is_active', new_value: false },
        { field: 'is_active', new_value: true },
      ]);
    });

    it('changes original_url (normalised): the code redirects to the new target, event carries it', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/before');
      const res = await api('PUT', `/urls/${url.id}`, { original_url: 'https://Example.com/après' });
      expect(res.status).toBe(200);
      expect(res.body.original_url).toBe('https://example.com/apr%C3%A8s');
      expect(res.body.short_code).toBe(url.short_code);
      const redirect = await api('GET', `/${url.short_code}`);
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('https://example.com/apr%C3%A8s');
      const updated = await eventsOf(url.id, 'updated');
      expect(updated).toHaveLength(1);
      expect(updated[0].details).toEqual({ field: 'original_url', new_value: 'https://example.com/apr%C3%A8s' });
    });

    it('writes one updated event per changed field, none for unchanged ones', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/multi', 'multi');
      const res = await api('PUT', `/urls/${url.id}`, {
        title: 'multi 2',
        is_active: false,
        original_url: 'https://example.com/multi-2',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'multi 2', is_active: false, original_url: 'https://example.com/multi-2' });
      const updated = await eventsOf(url.id, 'updated');
      expect(updated).toHaveLength(3);
      for (const event of updated) expect(event).toMatchObject({ url_id: url.id, user_id: owner.id, event_type: 'updated' });
      const byField = (a: Event, b: Event) => String(a.details.field).localeCompare(String(b.details.field));
      expect(updated.sort(byField).map((e) => e.details)).toEqual([
        { field: 'is_active', new_value: false },
        { field: 'original_url', new_value: 'https://example.com/multi-2' },
        { field: 'title', new_value: 'multi 2' },
      ]);

      // Same values again, plus one real change: only that field gets an event.
      const again = await api('PUT', `/urls/${url.id}`, {
        title: 'multi 3',
        is_active: false,
        original_url: 'https://example.com/multi-2',
      });
      expect(again.status).toBe(200);
      const after = await eventsOf(url.id, 'updated');
      expect(after).toHaveLength(4);
      expect(after[3].details).toEqual({ field: 'title', new_value: 'multi 3' });
    });

    it('writes no updated event when nothing changes', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/same-values', 'same');
      const res = await api('PUT', `/urls/${url.id}`, { title: 'same', is_active: true, original_url: 'https://example.com/same-values' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'same', is_active: true, original_url: 'https://example.com/same-values' });
      const empty = await api('PUT', `/urls/${url.id}`, {});
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({ id: url.id, title: 'same', short_code: url.short_code });
      expect(await eventsOf(url.id, 'updated')).toEqual([]);
    });

    it('clears the title with null', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/clear', 'to clear');
      const res = await api('PUT', `/urls/${url.id}`, { title: null });
      expect(res.status).toBe(200);
      expect(res.body.title).toBeNull();
      expect((await api('GET', `/urls/${url.id}`)).body.title).toBeNull();
    });

    const invalidUpdates: [string, unknown][] = [
      ['is_active as the string "true"', { is_active: 'true' }],
      ['is_active as the string "false"', { is_active: 'false' }],
      ['is_active as 1', { is_active: 1 }],
      ['is_active as 0', { is_active: 0 }],
      ['is_active null', { is_active: null }],
      ['original_url hello', { original_url: 'hello' }],
      ['original_url example.com', { original_url: 'example.com' }],
      ['original_url ftp', { original_url: 'ftp://x.org' }],
      ['original_url javascript:', { original_url: 'javascript:alert(1)' }],
      ['original_url data:', { original_url: 'data:text/html,x' }],
      ['original_url blank', { original_url: '  ' }],
      ['original_url null', { original_url: null }],
      ['original_url a number', { original_url: 7 }],
      ['title a number', { title: 7 }],
      ['a valid title with an invalid is_active', { title: 'should not stick', is_active: 'yes' }],
    ];
    it.each(invalidUpdates)('refuses %s with 400, changing nothing and writing no event', async (_label, body) => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/invalid-update', 'untouched');
      expectJsonError(await api('PUT', `/urls/${url.id}`, body), 400);
      expect((await api('GET', `/urls/${url.id}`)).body).toEqual(url);
      expect(await eventsOf(url.id, 'updated')).toEqual([]);
    });

    it.each([
      ['a JSON string', '"x"', {}],
      ['a JSON array', '[{"title":"x"}]', {}],
      ['broken JSON', '{"title":', {}],
      ['an empty body', '', {}],
      ['text/plain', 'title=x', { 'content-type': 'text/plain' }],
      ['form data', 'title=form-title', { 'content-type': 'application/x-www-form-urlencoded' }],
    ])('refuses %s as body with a JSON 4xx, changing nothing', async (_label, body, headers) => {
      const url = await createUrl(t.baseUrl, owner.id);
      expectJsonError(await api('PUT', `/urls/${url.id}`, body, headers as Record<string, string>), [400, 415, 422]);
      expect((await api('GET', `/urls/${url.id}`)).body).toEqual(url);
      expect(await eventsOf(url.id, 'updated')).toEqual([]);
    });

    it('answers 404 for an absent url and 400 for a non-integer id', async () => {
      expectJsonError(await api('PUT', '/urls/987654', { title: 'nothing' }), 404);
      expectJsonError(await api('PUT', '/urls/abc', { title: 'nothing' }), 400);
      expectJsonError(await api('PUT', '/urls/1.5', { title: 'nothing' }), 400);
    });
  });

  describe('DELETE /urls/:id', () => {
    it('deletes: 204, then GET 404, the code stops redirecting, DELETE and PUT answer 404', async () => {
      const url = await createUrl(t.baseUrl, owner.id, 'https://example.com/doomed');
      expect((await api('GET', `/${url.short_code}`)).status).toBe(302);

      const res = await api('DELETE', `/urls/${url.id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      expectJsonError(await api('GET', `/urls/${url.id}`), 404);
      expectJsonError(await api('GET', `/${url.short_code}`), 404);
      expectJsonError(await api('DELETE', `/urls/${url.id}`), 404);
      expectJsonError(await api('PUT', `/urls/${url.id}`, { title: 'zombie' }), 404);
      const list = (await api('GET', `/urls?user_id=${owner.id}&per_page=1000`)).body as Url[];
      expect(list.map((u) => u.id)).not.toContain(url.id);
      // No click was recorded for the refused redirect.
      expect(await eventsOf(url.id, 'click')).toHaveLength(1);
    });

    it('leaves other urls (even with the same target) working', async () => {
      const gone = await createUrl(t.baseUrl, owner.id, 'https://example.com/shared-target');
      const kept = await createUrl(t.baseUrl, owner.id, 'https://example.com/shared-target');
      expect((await api('DELETE', `/urls/${gone.id}`)).status).toBe(204);
      expect((await api('GET', `/urls/${kept.id}`)).body).toEqual(kept);
      expect((await api('GET', `/${kept.short_code}`)).status).toBe(302);
    });

    it('answers 404 for an absent url and 400 for a non-integer id', async () => {
      expectJsonError(await api('DELETE', '/urls/987654'), 404);
      expectJsonError(await api('DELETE', '/urls/abc'), 400);
      expectJsonError(await api('DELETE', '/urls/2.5'), 400);
    });
  });
});
