import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { expectJsonError, TIMESTAMP } from './support/expect.js';
import { connectDb, countRows, createUrl, createUser } from './support/fixtures.js';
import { request, uploadCsv } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('GET /:short_code', () => {
  let t: TestApp;
  let db: pg.Client;
  let userId: number;

  /** Clicks reach the events table through the Redis stream: wait for the pipeline to drain first. */
  async function clickCount(urlId?: number): Promise<number> {
    await t.settleClicks();
    const result = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM events WHERE event_type = 'click' AND ($1::int IS NULL OR url_id = $1)`,
      [urlId ?? null],
    );
    return Number(result.rows[0].n);
  }

  const eventCount = () => countRows(db, 'events');

  beforeAll(async () => {
    t = await startTestApp();
    db = await connectDb(t);
    userId = (await createUser(t.baseUrl, { username: 'redirector', email: 'redirector@example.com' })).id;
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('answers 302 with Location = original_url and a Cache-Control header', async () => {
    const url = await createUrl(t.baseUrl, userId, 'https://example.com/landing/page?campaign=spring&x=1');
    const res = await request(t.baseUrl, 'GET', `/${url.short_code}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(url.original_url);
    expect(url.original_url).toBe('https://example.com/landing/page?campaign=spring&x=1');
    const cacheControl = res.headers.get('cache-control');
    expect(cacheControl).toBeTruthy();
    // A redirect a browser or proxy may cache would stop clicks from being counted.
    expect(cacheControl).toMatch(/no-store|no-cache|max-age=0|private/);
  });

  it('records exactly one click event per redirect, with referrer and user agent in details', async () => {
    const url = await createUrl(t.baseUrl, userId, 'https://example.org/one-click');
    const headers = { referer: 'https://news.example.net/post/42', 'user-agent': 'RedirectTest/1.0 (jest)' };
    for (let i = 0; i < 3; i++) {
      const res = await request(t.baseUrl, 'GET', `/${url.short_code}`, undefined, headers);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://example.org/one-click');
    }
    await t.settleClicks();
    const clicks = await request(t.baseUrl, 'GET', `/events?url_id=${url.id}&event_type=click`);
    expect(clicks.status).toBe(200);
    expect(clicks.body).toHaveLength(3);
    for (const click of clicks.body) {
      expect(click).toMatchObject({ url_id: url.id, event_type: 'click' });
      expect(click.timestamp).toMatch(TIMESTAMP);
      expect(typeof click.details).toBe('object');
      expect(click.details).toMatchObject({
        referrer: 'https://news.example.net/post/42',
        user_agent: 'RedirectTest/1.0 (jest)',
      });
    }
    expect(await clickCount(url.id)).toBe(3);
    const kinds = await db.query<{ kind: string }>(
      `SELECT DISTINCT jsonb_typeof(details) AS kind FROM events WHERE url_id = $1 AND event_type = 'click'`,
      [url.id],
    );
    expect(kinds.rows).toEqual([{ kind: 'object' }]);
  });

  it('counts every one of many concurrent redirects exactly once', async () => {
    const url = await createUrl(t.baseUrl, userId, 'https://example.org/burst');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => request(t.baseUrl, 'GET', `/${url.short_code}`)),
    );
    expect(responses.map((res) => res.status)).toEqual(Array(20).fill(302));
    expect(await clickCount(url.id)).toBe(20);
  });

  it('records a click without a Referer as a click with a null/absent referrer', async () => {
    const url = await createUrl(t.baseUrl, userId, 'https://example.org/no-referrer');
    const res = await request(t.baseUrl, 'GET', `/${url.short_code}`, undefined, { 'user-agent': 'NoRef/2.0' });
    expect(res.status).toBe(302);
    await t.settleClicks();
    const clicks = await request(t.baseUrl, 'GET', `/events?url_id=${url.id}&event_type=click`);
    expect(clicks.body).toHaveLength(1);
    expect(clicks.body[0].details.user_agent).toBe('NoRef/2.0');
    expect(clicks.body[0].details.referrer ?? null).toBeNull();
  });

  it('redirects to original_url even when the request has a query string', async () => {
    const url = await createUrl(t.baseUrl, userId, 'https://example.org/with-query?a=1');
    const res = await request(t.baseUrl, 'GET', `/${url.short_code}?utm_source=test`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.org/with-query?a=1');
    expect(await clickCount(url.id)).toBe(1);
  });

  it('answers HEAD with the 302 but records no click', async () => {
    const url = await createUrl(t.baseUrl, userId, 'https://example.org/head-only');
    const res = await request(t.baseUrl, 'HEAD', `/${url.short_code}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.org/head-only');
    expect(await clickCount(url.id)).toBe(0);
  });

  it('answers 404 JSON for an unknown code and records no event', async () => {
    const before = await eventCount();
    const res = await request(t.baseUrl, 'GET', '/Zz9Yy8X');
    expectJsonError(res, 404);
    expect(res.headers.get('location')).toBeNull();
    expect(await eventCount()).toBe(before);
  });

  it('answers 404 for a deactivated url, records no click, and redirects again once reactivated', async () => {
    const url = await createUrl(t.baseUrl, userId, 'https://example.org/inactive');
    const off = await request(t.baseUrl, 'PUT', `/urls/${url.id}`, { is_active: false });
    expect(off.status).toBe(200);
    expect(off.body.is_active).toBe(false);

    const res = await request(t.baseUrl, 'GET', `/${url.short_code}`);
    expectJsonError(res, 404);
    expect(res.headers.get('location')).toBeNull();
    expect(await clickCount(url.id)).toBe(0);

    const on = await request(t.baseUrl, 'PUT', `/urls/${url.id}`, { is_active: true });
    expect(on.status).toBe(200);
    const again = await request(t.baseUrl, 'GET', `/${url.short_code}`);
    expect(again.status).toBe(302);
    expect(await clickCount(url.id)).toBe(1);
  });

  it('answers 404 for a deleted url at once (after it redirected) and records no click', async () => {
    const url = await createUrl(t.baseUrl, userId, 'https://example.org/deleted');
    const first = await request(t.baseUrl, 'GET', `/${url.short_code}`);
    expect(first.status).toBe(302);
    expect(await clickCount(url.id)).toBe(1);

    const del = await request(t.baseUrl, 'DELETE', `/urls/${url.id}`);
    expect(del.status).toBe(204);
    const res = await request(t.baseUrl, 'GET', `/${url.short_code}`);
    expectJsonError(res, 404);
    expect(res.headers.get('location')).toBeNull();
    const head = await request(t.baseUrl, 'HEAD', `/${url.short_code}`);
    expect(head.status).toBe(404);
    expect(await clickCount(url.id)).toBe(1);
  });

  it('answers 404 for a url of a deleted user and records no click', async () => {
    const owner = await createUser(t.baseUrl, { username: 'leaving', email: 'leaving@example.com' });
    const created = await createUrl(t.baseUrl, owner.id, 'https://example.org/owner-left', null);
    expect((await request(t.baseUrl, 'DELETE', `/users/${owner.id}`)).status).toBe(204);
    const res = await request(t.baseUrl, 'GET', `/${created.short_code}`);
    expectJsonError(res, 404);
    expect(await clickCount(created.id)).toBe(0);
  });

  it.each([
    ['bad-code!', '/bad-code!'],
    ['a 33-character code', '/' + 'b'.repeat(33)],
    ['a 101-character code', '/' + 'c'.repeat(101)],
    ['a very long code (2000 characters)', '/' + 'a'.repeat(2000)],
    ['an encoded NUL', '/abc%00'],
    ['an encoded emoji', '/%E2%98%83'],
    ['a space', '/ab%20cd'],
    ['an encoded slash', '/..%2F..%2Fetc%2Fpasswd'],
    ['a quote', "/abc'%22;--"],
    ['non-ASCII', '/caf%C3%A9'],
  ])('answers 404 JSON, not 500, for %s', async (_label, path) => {
    const before = await eventCount();
    const res = await request(t.baseUrl, 'GET', path);
    expectJsonError(res, 404);
    expect(await eventCount()).toBe(before);
  });

  it.each(['/%ff', '/abc%', '/%E0%A4%A'])('answers 400 or 404 JSON, not 500, for the malformed percent-encoding %s', async (path) => {
    const before = await eventCount();
    const res = await request(t.baseUrl, 'GET', path);
    expectJsonError(res, [400, 404]);
    expect(await eventCount()).toBe(before);
  });

  describe('never shadows the API routes', () => {
    const reserved = ['health', 'users', 'urls', 'events', 'docs', 'metrics'];

    beforeAll(async () => {
      // The import refuses API route names as codes...
      const csv = [
        'id,user_id,short_code,original_url,title,is_active,created_at,updated_at',
        ...reserved.map(
          (code, i) => `${9000 + i},${userId},${code},https://evil.example.com/${code},${code},True,2025-01-01 00:00:00,2025-01-01 00:00:00`,
        ),
        '',
      ].join('\n');
      const res = await uploadCsv(t.baseUrl, '/urls/bulk', csv);
      expect(res.status).toBe(201);
      expect(res.body.imported).toBe(0);
      expect(res.body.failed).toBe(reserved.length);
      expect(res.body.errors[0]).toEqual({ line: 2, error: 'short_code "health" is reserved for the API' });
      // ...and even rows written behind the API's back must not hide those routes.
      for (const [i, code] of reserved.entries()) {
        await db.query(
          `INSERT INTO urls (id, user_id, short_code, original_url, title) VALUES ($1, $2, $3::text, $4, $3::text)`,
          [9000 + i, userId, code, `https://evil.example.com/${code}`],
        );
      }
    });

    it('GET /health is the health check', async () => {
      const res = await request(t.baseUrl, 'GET', '/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
    });

    it.each(['/users', '/urls', '/events'])('GET %s is the JSON list', async (path) => {
      const res = await request(t.baseUrl, 'GET', path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body.length).toBeGreaterThan(0);
    });

    it('GET /docs is the HTML API documentation', async () => {
      const res = await request(t.baseUrl, 'GET', '/docs');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toMatch(/<html/i);
      expect(res.headers.get('location')).toBeNull();
    });

    it('GET /docs-json is the OpenAPI document listing /users, /urls and /events', async () => {
      const res = await request(t.baseUrl, 'GET', '/docs-json');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.body.openapi).toMatch(/^3\./);
      const paths = Object.keys(res.body.paths);
      for (const path of ['/users', '/users/{id}', '/users/bulk', '/urls', '/urls/{id}', '/urls/bulk', '/events', '/events/bulk']) {
        expect(paths).toContain(path);
      }
    });

    it('GET /metrics is the Prometheus endpoint, not a redirect', async () => {
      const res = await request(t.baseUrl, 'GET', '/metrics');
      expect(res.headers.get('location')).toBeNull();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
    });

    it('recorded no click for any of these requests', async () => {
      const result = await db.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE url_id >= 9000`);
      expect(Number(result.rows[0].n)).toBe(0);
    });
  });
});
