import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectFreshTimestamp, expectJsonError, TIMESTAMP } from './support/expect.js';
import { createUrl, createUser, type Event } from './support/fixtures.js';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const EVENT_FIELDS = ['details', 'event_type', 'id', 'timestamp', 'url_id', 'user_id'];

function expectWellFormed(event: Event): void {
  expect(Object.keys(event).sort()).toEqual(EVENT_FIELDS);
  expect(Number.isInteger(event.id)).toBe(true);
  expect(Number.isInteger(event.url_id)).toBe(true);
  expect(event.user_id === null || Number.isInteger(event.user_id)).toBe(true);
  expect(typeof event.event_type).toBe('string');
  expect(event.timestamp).toMatch(TIMESTAMP);
  expect(typeof event.details).toBe('object');
  expect(event.details).not.toBeNull();
  expect(Array.isArray(event.details)).toBe(false);
}

describe('events API', () => {
  let t: TestApp;
  let alice: { id: number };
  let bob: { id: number };
  let aliceUrl: { id: number; short_code: string };
  let bobUrl: { id: number; short_code: string };

  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    request(t.baseUrl, method, path, body, headers);

  async function postEvent(body: Record<string, unknown>): Promise<Event> {
    const res = await api('POST', '/events', body);
    expect(res.status).toBe(201);
    return res.body as Event;
  }

  async function allEvents(query = ''): Promise<Event[]> {
    const res = await api('GET', `/events?per_page=1000${query ? `&${query}` : ''}`);
    expect(res.status).toBe(200);
    return res.body as Event[];
  }

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUser(t.baseUrl);
    bob = await createUser(t.baseUrl);
    aliceUrl = await createUrl(t.baseUrl, alice.id);
    bobUrl = await createUrl(t.baseUrl, bob.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('POST /events', () => {
    it('creates an event: 201 with id, url_id, user_id, event_type, timestamp and details', async () => {
      const res = await api('POST', '/events', {
        url_id: aliceUrl.id,
        user_id: alice.id,
        event_type: 'shared',
        details: { channel: 'newsletter' },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expectWellFormed(res.body);
      expect(res.body).toMatchObject({
        url_id: aliceUrl.id,
        user_id: alice.id,
        event_type: 'shared',
        details: { channel: 'newsletter' },
      });
      expect(res.body.details).toEqual({ channel: 'newsletter' });
      expectFreshTimestamp(res.body.timestamp);
    });

    it('stores the event so GET /events returns it unchanged, nested details included', async () => {
      const details = { campaign: { name: 'spring', tags: ['a', 'b'] }, count: 3, ok: true, none: null, text: 'ünï' };
      const event = await postEvent({ url_id: aliceUrl.id, user_id: alice.id, event_type: 'nested', details });
      expect(event.details).toEqual(details);
      const listed = await allEvents(`url_id=${aliceUrl.id}&event_type=nested`);
      expect(listed).toEqual([event]);
    });

    it('gives each event a new, increasing id', async () => {
      const a = await postEvent({ url_id: aliceUrl.id, event_type: 'seq', details: {} });
      const b = await postEvent({ url_id: aliceUrl.id, event_type: 'seq', details: {} });
      expect(b.id).toBeGreaterThan(a.id);
    });

    it('defaults user_id to the url owner when it is omitted', async () => {
      const forAlice = await postEvent({ url_id: aliceUrl.id, event_type: 'defaulted', details: { n: 1 } });
      expect(forAlice.user_id).toBe(alice.id);
      const forBob = await postEvent({ url_id: bobUrl.id, event_type: 'defaulted', details: { n: 2 } });
      expect(forBob.user_id).toBe(bob.id);
    });

    it('keeps an explicit user_id that is not the owner', async () => {
      const event = await postEvent({ url_id: aliceUrl.id, user_id: bob.id, event_type: 'visited-by', details: {} });
      expect(event.user_id).toBe(bob.id);
      expect(event.url_id).toBe(aliceUrl.id);
    });

    it('accepts a missing details and answers with an empty object', async () => {
      const event = await postEvent({ url_id: aliceUrl.id, user_id: alice.id, event_type: 'bare' });
      expect(event.details).toEqual({});
    });

    it.each([
      ['a string', 'not an object'],
      ['a JSON-encoded string', '{"channel":"newsletter"}'],
      ['an array', [{ channel: 'newsletter' }]],
      ['an empty array', []],
      ['a number', 42],
      ['a boolean', true],
    ])('refuses details that is %s with 400', async (_label, details) => {
      const res = await api('POST', '/events', { url_id: aliceUrl.id, user_id: alice.id, event_type: 'bad', details });
      expectJsonError(res, 400);
    });

    it.each([
      ['event_type missing', () => ({ url_id: aliceUrl.id, user_id: alice.id, details: {} })],
      ['event_type a number', () => ({ url_id: aliceUrl.id, user_id: alice.id, event_type: 5, details: {} })],
      ['event_type null', () => ({ url_id: aliceUrl.id, user_id: alice.id, event_type: null, details: {} })],
      ['event_type an object', () => ({ url_id: aliceUrl.id, event_type: { t: 'x' }, details: {} })],
      ['url_id missing', () => ({ user_id: alice.id, event_type: 'x', details: {} })],
      ['url_id a string', () => ({ url_id: 'abc', event_type: 'x', details: {} })],
      ['url_id a numeric string', () => ({ url_id: String(aliceUrl.id), event_type: 'x', details: {} })],
      ['url_id a float', () => ({ url_id: 1.5, event_type: 'x', details: {} })],
      ['user_id a string', () => ({ url_id: aliceUrl.id, user_id: 'alice', event_type: 'x', details: {} })],
    ])('refuses %s with 400', async (_label, body) => {
      expectJsonError(await api('POST', '/events', body()), 400);
    });

    it('answers 404 for an unknown url', async () => {
      expectJsonError(await api('POST', '/events', { url_id: 987654, user_id: alice.id, event_type: 'x', details: {} }), 404);
      expectJsonError(await api('POST', '/events', { url_id: 987654, event_type: 'x', details: {} }), 404);
    });

    it('answers 404 for an unknown user', async () => {
      expectJsonError(await api('POST', '/events', { url_id: aliceUrl.id, user_id: 987654, event_type: 'x', details: {} }), 404);
    });

    it('writes nothing for a refused event', async () => {
      const before = await allEvents();
      await api('POST', '/events', { url_id: aliceUrl.id, event_type: 'refused', details: 'x' });
      await api('POST', '/events', { url_id: 987654, event_type: 'refused', details: {} });
      await api('POST', '/events', { url_id: aliceUrl.id, user_id: 987654, event_type: 'refused', details: {} });
      expect(await allEvents()).toEqual(before);
      expect(await allEvents('event_type=refused')).toEqual([]);
    });

    it.each([
      ['a JSON string', '"click"', {}],
      ['a JSON array', '[]', {}],
      ['JSON null', 'null', {}],
      ['broken JSON', '{"url_id": 1, ', {}],
      ['an empty body', '', {}],
      ['text/plain', 'url_id=1', { 'content-type': 'text/plain' }],
    ])('refuses %s as body with a JSON 4xx', async (_label, body, headers) => {
      expectJsonError(await api('POST', '/events', body, headers as Record<string, string>), [400, 415, 422]);
    });

    it('refuses a form-data body with a JSON 4xx', async () => {
      const body = `url_id=${aliceUrl.id}&event_type=form`;
      expectJsonError(await api('POST', '/events', body, { 'content-type': 'application/x-www-form-urlencoded' }), [400, 415, 422]);
    });
  });

  describe('GET /events', () => {
    let carol: { id: number };
    let carolUrl: { id: number; short_code: string };
    let carolEvents: Event[];

    beforeAll(async () => {
      carol = await createUser(t.baseUrl);
      carolUrl = await createUrl(t.baseUrl, carol.id);
      carolEvents = (await allEvents(`url_id=${carolUrl.id}`)).slice();
      for (let i = 0; i < 4; i++) {
        carolEvents.push(await postEvent({ url_id: carolUrl.id, event_type: i % 2 ? 'share' : 'like', details: { i } }));
      }
      carolEvents.push(await postEvent({ url_id: aliceUrl.id, user_id: carol.id, event_type: 'like', details: { on: 'alice' } }));
    });

    it('lists events as a JSON array in id order, every details an object', async () => {
      const res = await api('GET', '/events?per_page=1000');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const events = res.body as Event[];
      expect(events.length).toBeGreaterThan(0);
      const ids = events.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      for (const event of events) expectWellFormed(event);
      for (const event of carolEvents) expect(events).toContainEqual(event);
    });

    it('includes the created event written by POST /urls', async () => {
      const created = await allEvents(`url_id=${carolUrl.id}&event_type=created`);
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ url_id: carolUrl.id, user_id: carol.id, event_type: 'created' });
      expect(created[0].details).toEqual({ short_code: carolUrl.short_code, original_url: expect.any(String) });
    });

    it('filters by ?url_id=', async () => {
      const events = await allEvents(`url_id=${carolUrl.id}`);
      expect(events.every((e) => e.url_id === carolUrl.id)).toBe(true);
      expect(events).toEqual(carolEvents.filter((e) => e.url_id === carolUrl.id));
      expect(events.map((e) => e.event_type)).toEqual(['created', 'like', 'share', 'like', 'share']);
    });

    it('filters by ?user_id=', async () => {
      const events = await allEvents(`user_id=${carol.id}`);
      expect(events).toEqual(carolEvents);
      expect(events.every((e) => e.user_id === carol.id)).toBe(true);
    });

    it('filters by ?event_type=', async () => {
      const likes = await allEvents('event_type=like');
      expect(likes.length).toBeGreaterThanOrEqual(3);
      expect(likes.every((e) => e.event_type === 'like')).toBe(true);
      for (const event of carolEvents.filter((e) => e.event_type === 'like')) expect(likes).toContainEqual(event);
      expect(await allEvents('event_type=no-such-type')).toEqual([]);
    });

    it('combines filters', async () => {
      expect(await allEvents(`url_id=${carolUrl.id}&event_type=share`)).toEqual(
        carolEvents.filter((e) => e.url_id === carolUrl.id && e.event_type === 'share'),
      );
      expect(await allEvents(`user_id=${carol.id}&url_id=${aliceUrl.id}`)).toEqual([carolEvents[carolEvents.length - 1]]);
      expect(await allEvents(`user_id=${alice.id}&url_id=${carolUrl.id}`)).toEqual([]);
    });

    it('paginates with ?page=&per_page=, together with filters', async () => {
      const own = carolEvents.filter((e) => e.url_id === carolUrl.id);
      expect((await api('GET', `/events?url_id=${carolUrl.id}&page=1&per_page=2`)).body).toEqual(own.slice(0, 2));
      expect((await api('GET', `/events?url_id=${carolUrl.id}&page=2&per_page=2`)).body).toEqual(own.slice(2, 4));
      expect((await api('GET', `/events?url_id=${carolUrl.id}&page=3&per_page=2`)).body).toEqual(own.slice(4));
      expect((await api('GET', `/events?url_id=${carolUrl.id}&page=4&per_page=2`)).body).toEqual([]);
      const all = await allEvents();
      expect((await api('GET', '/events?page=2&per_page=3')).body).toEqual(all.slice(3, 6));
    });

    it('returns an empty array for an unknown url or user', async () => {
      expect(await allEvents('url_id=987654')).toEqual([]);
      expect(await allEvents('user_id=987654')).toEqual([]);
    });

    it.each(['url_id=abc', 'url_id=1.5', 'user_id=abc', 'user_id=2.5', 'page=0', 'page=abc', 'per_page=0', 'per_page=abc'])(
      'refuses ?%s with 400',
      async (query) => {
        expectJsonError(await api('GET', `/events?${query}`), 400);
      },
    );
  });
});
