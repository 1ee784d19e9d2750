import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { expectJsonError } from './support/expect.js';
import { connectDb, createUrl, createUser, rowCounts } from './support/fixtures.js';
import { request, type JsonResponse } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** fetch without the JSON helper: full control over body and content type. */
async function raw(baseUrl: string, method: string, path: string, body?: string, contentType?: string): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers['content-type'] = contentType;
  const response = await fetch(baseUrl + path, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

const WRITE_ENDPOINTS: [string, string][] = [
  ['POST', '/users'],
  ['PUT', '/users/1'],
  ['POST', '/urls'],
  ['PUT', '/urls/1'],
  ['POST', '/events'],
];

/** [label, body, content type, allowed statuses] */
const BAD_BODIES: [string, string | undefined, string | undefined, number[]][] = [
  ['a JSON string', '"hello"', 'application/json', [400]],
  ['a JSON array', '[{"username":"a","email":"a@example.com"}]', 'application/json', [400]],
  ['an empty JSON array', '[]', 'application/json', [400]],
  ['JSON null', 'null', 'application/json', [400]],
  ['a JSON number', '42', 'application/json', [400]],
  ['JSON true', 'true', 'application/json', [400]],
  ['broken JSON', '{"username": "a", ', 'application/json', [400]],
  ['a lone brace', '{', 'application/json', [400]],
  ['an empty body with application/json', '', 'application/json', [400]],
  ['an empty body without a content type', undefined, undefined, [400]],
  ['text/plain', 'username=a email=a@example.com', 'text/plain', [400, 415]],
  ['a JSON object sent as text/plain', '{"username":"txt","email":"txt@example.com"}', 'text/plain', [400, 415]],
  [
    'form data',
    'username=form&email=form%40example.com&user_id=1&original_url=https%3A%2F%2Fexample.com%2Fform&title=formtitle&url_id=1&event_type=form',
    'application/x-www-form-urlencoded',
    [400, 415],
  ],
  ['XML', '<user><username>x</username></user>', 'application/xml', [400, 415]],
];

interface Snapshot {
  counts: Record<string, number>;
  user1: unknown;
  url1: unknown;
}

describe('error responses', () => {
  let t: TestApp;
  let db: pg.Client;

  const counts = () => rowCounts(db);

  /** Row counts plus user 1 and url 1 as the API shows them. */
  async function snapshot(): Promise<Snapshot> {
    const [user, url] = await Promise.all([
      request(t.baseUrl, 'GET', '/users/1'),
      request(t.baseUrl, 'GET', '/urls/1'),
    ]);
    return { counts: await counts(), user1: user.body, url1: url.body };
  }

  beforeAll(async () => {
    t = await startTestApp();
    db = await connectDb(t);
    const user = await createUser(t.baseUrl, { username: 'erroruser', email: 'erroruser@example.com' });
    expect(user.id).toBe(1);
    const url = await createUrl(t.baseUrl, 1, 'https://example.com/errors', 'errors');
    expect(url.id).toBe(1);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  describe.each(WRITE_ENDPOINTS)('%s %s with a body that is not a JSON object', (method, path) => {
    let before: Snapshot;
    beforeAll(async () => {
      before = await snapshot();
    });

    it.each(BAD_BODIES)('%s → error JSON, never 500', async (_label, body, contentType, statuses) => {
      const res = await raw(t.baseUrl, method, path, body, contentType);
      expectJsonError(res, statuses);
    });

    it('changed nothing', async () => {
      expect(await snapshot()).toEqual(before);
    });
  });

  it('refuses a body over the size limit with JSON 413', async () => {
    const res = await request(t.baseUrl, 'POST', '/users', {
      username: 'big',
      email: 'big@example.com',
      padding: 'x'.repeat(2 * 1024 * 1024),
    });
    expectJsonError(res, 413);
  });

  it.each([
    ['POST /users', 'POST', '/users', { username: 123, email: 'n@example.com' }],
    ['POST /users', 'POST', '/users', { username: 'noemail' }],
    ['POST /users', 'POST', '/users', { username: 'bademail', email: 'not-an-email' }],
    ['PUT /users/1', 'PUT', '/users/1', { email: 'still-not-an-email' }],
    ['PUT /users/1', 'PUT', '/users/1', { username: null }],
    ['POST /urls', 'POST', '/urls', { user_id: '1', original_url: 'https://example.com/x' }],
    ['POST /urls', 'POST', '/urls', { user_id: 1, original_url: 'javascript:alert(1)' }],
    ['POST /urls', 'POST', '/urls', { user_id: 1, original_url: 'example.com' }],
    ['PUT /urls/1', 'PUT', '/urls/1', { is_active: 'false' }],
    ['PUT /urls/1', 'PUT', '/urls/1', { original_url: 'ftp://example.com/file' }],
    ['POST /events', 'POST', '/events', { url_id: 1, event_type: 'shared', details: 'a string' }],
    ['POST /events', 'POST', '/events', { url_id: 1, event_type: 'shared', details: [1, 2] }],
    ['POST /events', 'POST', '/events', { url_id: 'one', event_type: 'shared' }],
  ])('%s with invalid fields %j → 400/422 JSON', async (_label, method, path, body) => {
    const res = await request(t.baseUrl, method, path, body);
    expectJsonError(res, [400, 422]);
  });

  it.each([
    ['GET', '/nope'],
    ['GET', '/nope/deeper'],
    ['GET', '/users/1/extra'],
    ['POST', '/nowhere'],
    ['GET', '/users/1/urls/2'],
  ])('unknown route %s %s → JSON 404', async (method, path) => {
    const res = await request(t.baseUrl, method, path, method === 'POST' ? {} : undefined);
    expectJsonError(res, 404);
  });

  it.each([
    ['PATCH', '/users/1'],
    ['DELETE', '/users'],
    ['PUT', '/users'],
    ['PATCH', '/urls/1'],
    ['DELETE', '/urls'],
    ['PUT', '/events'],
    ['DELETE', '/events'],
    ['POST', '/health'],
    ['DELETE', '/health'],
  ])('wrong method %s %s → JSON 404 or 405', async (method, path) => {
    const before = await counts();
    const res = await request(t.baseUrl, method, path, method === 'GET' || method === 'DELETE' ? undefined : { username: 'x' });
    expectJsonError(res, [404, 405]);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['GET', '/users/bulk'],
    ['PUT', '/urls/bulk'],
    ['DELETE', '/events/bulk'],
  ])('%s %s (a bulk path with the wrong method) → JSON 400, 404 or 405', async (method, path) => {
    const before = await counts();
    const res = await request(t.baseUrl, method, path, method === 'PUT' ? { title: 'x' } : undefined);
    expectJsonError(res, [400, 404, 405]);
    expect(await counts()).toEqual(before);
  });

  describe.each(['users', 'urls'])('/%s/:id with an id that is not a positive int4', (resource) => {
    const body = resource === 'users' ? { username: 'renamed' } : { title: 'renamed' };
    let before: Snapshot;
    beforeAll(async () => {
      before = await snapshot();
    });
    it.each(['abc', '1.5', '-1', '0', '99999999999', '1e3', '0x10', '%20', '1abc', '9223372036854775808'])(
      'id %s → 400 or 404 JSON for GET, PUT and DELETE',
      async (id) => {
        for (const method of ['GET', 'PUT', 'DELETE']) {
          const res = await request(t.baseUrl, method, `/${resource}/${id}`, method === 'PUT' ? body : undefined);
          expect({ method, id, status: res.status }).toEqual({ method, id, status: expect.any(Number) });
          expectJsonError(res, [400, 404]);
        }
      },
    );

    it('an absent id is 404 for GET, PUT and DELETE', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await request(t.baseUrl, method, `/${resource}/424242`, method === 'PUT' ? body : undefined);
        expectJsonError(res, 404);
      }
    });

    it('left every record untouched', async () => {
      expect(await snapshot()).toEqual(before);
    });
  });

  it.each([
    '/users?page=0',
    '/users?page=abc',
    '/users?per_page=-5',
    '/users?per_page=1.5',
    '/urls?user_id=abc',
    '/urls?user_id=99999999999',
    '/urls?is_active=maybe',
    '/events?url_id=1.5',
    '/events?user_id=-1',
  ])('GET %s → 400 JSON, never 500', async (path) => {
    const res = await request(t.baseUrl, 'GET', path);
    expectJsonError(res, 400);
  });
});
