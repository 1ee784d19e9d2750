import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { LinkCache, type CachedLink } from '../libs/cache/link-cache.js';
import { RedisConnection } from '../libs/cache/redis-connection.js';
import { request } from './support/http.js';
import { PrivateRedis } from './support/private-redis.js';
import { createTestDatabase, startTestApp, type TestApp } from './support/test-app.js';

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function makeUrl(t: TestApp, target: string): Promise<{ id: number; short_code: string }> {
  const user = await request(t.baseUrl, 'POST', '/users', {
    username: `u${Math.random().toString(36).slice(2)}`,
    email: `${Math.random().toString(36).slice(2)}@example.com`,
  });
  const url = await request(t.baseUrl, 'POST', '/urls', { user_id: user.body.id, original_url: target });
  expect(url.status).toBe(201);
  return url.body;
}

async function clickCount(databaseUrl: string, urlId: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM events WHERE url_id = $1 AND event_type = 'click'`, [urlId]);
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

describe('link cache across two replicas', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ REDIS_KEY_PREFIX: a.config.redisKeyPrefix }, { sharedDatabaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a change made through one replica stops the other serving its cached link at once', async () => {
    const url = await makeUrl(a, 'https://example.com/v1');
    // Replica b caches the link (L1 and Redis).
    expect((await request(b.baseUrl, 'GET', `/${url.short_code}`)).headers.get('location')).toBe('https://example.com/v1');
    expect((await request(b.baseUrl, 'GET', `/${url.short_code}`)).status).toBe(302);

    await request(a.baseUrl, 'PUT', `/urls/${url.id}`, { original_url: 'https://example.com/v2' });
    await until(async () => (await request(b.baseUrl, 'HEAD', `/${url.short_code}`)).headers.get('location') === 'https://example.com/v2', 1_000);

    await request(a.baseUrl, 'PUT', `/urls/${url.id}`, { is_active: false });
    await until(async () => (await request(b.baseUrl, 'HEAD', `/${url.short_code}`)).status === 404, 1_000);

    await request(a.baseUrl, 'PUT', `/urls/${url.id}`, { is_active: true });
    await until(async () => (await request(b.baseUrl, 'HEAD', `/${url.short_code}`)).status === 302, 1_000);

    expect((await request(a.baseUrl, 'DELETE', `/urls/${url.id}`)).status).toBe(204);
    await until(async () => (await request(b.baseUrl, 'HEAD', `/${url.short_code}`)).status === 404, 1_000);
  });

  it('deleting a user stops their links on the other replica', async () => {
    const url = await makeUrl(a, 'https://example.com/owned');
    expect((await request(b.baseUrl, 'GET', `/${url.short_code}`)).status).toBe(302);
    const owner = (await request(a.baseUrl, 'GET', `/urls/${url.id}`)).body.user_id as number;
    expect((await request(a.baseUrl, 'DELETE', `/users/${owner}`)).status).toBe(204);
    await until(async () => (await request(b.baseUrl, 'HEAD', `/${url.short_code}`)).status === 404, 2_500);
  });

  it('concurrent misses for one code cost one load', async () => {
    const cache = a.app.get(LinkCache);
    let loads = 0;
    const link: CachedLink = { id: 1, user_id: 1, original_url: 'https://example.com/flight' };
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return link;
    };
    const results = await Promise.all(Array.from({ length: 25 }, () => cache.get('flight01', load)));
    expect(results.every((result) => result?.original_url === link.original_url)).toBe(true);
    expect(loads).toBe(1);
    // The other replica now finds it in Redis without loading.
    expect(await b.app.get(LinkCache).get('flight01', load)).toEqual(link);
    expect(loads).toBe(1);
  });

  it('caches an unknown code briefly without hiding the 404', async () => {
    expect((await request(a.baseUrl, 'GET', '/NoSuch1')).status).toBe(404);
    expect((await request(b.baseUrl, 'GET', '/NoSuch1')).status).toBe(404);
  });
});

describe('with Redis down', () => {
  const redis = new PrivateRedis();
  let t: TestApp;

  beforeAll(async () => {
    await redis.start();
    t = await startTestApp({ REDIS_URL: redis.url });
    await until(async () => t.app.get(RedisConnection).isReady);
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await redis.kill();
  });

  it('keeps redirecting and recording every click, and recovers by itself when Redis returns', async () => {
    const cached = await makeUrl(t, 'https://example.com/cached');
    expect((await request(t.baseUrl, 'GET', `/${cached.short_code}`)).status).toBe(302);
    await t.settleClicks();
    expect(await clickCount(t.databaseUrl, cached.id)).toBe(1);

    await redis.kill();
    const uncached = await makeUrl(t, 'https://example.com/uncached');
    const started = Date.now();
    for (const code of [cached.short_code, uncached.short_code, cached.short_code]) {
      const res = await request(t.baseUrl, 'GET', `/${code}`);
      expect(res.status).toBe(302);
    }
    // Fail-fast: three redirects with Redis gone take nowhere near a connect timeout each.
    expect(Date.now() - started).toBeLessThan(3_000);
    // Clicks went straight to PostgreSQL, so they are there already.
    expect(await clickCount(t.databaseUrl, cached.id)).toBe(3);
    expect(await clickCount(t.databaseUrl, uncached.id)).toBe(1);

    await redis.start();
    await until(async () => t.app.get(RedisConnection).isReady, 10_000);
    await until(async () => (await request(t.baseUrl, 'GET', `/${uncached.short_code}`)).status === 302);
    await t.settleClicks();
    expect(await clickCount(t.databaseUrl, uncached.id)).toBe(2);
    const health = await request(t.baseUrl, 'GET', '/health');
    expect(health.status).toBe(200);
  });
});

describe('shutdown', () => {
  it('flushes every accepted click to PostgreSQL before the app closes', async () => {
    const database = await createTestDatabase();
    try {
      const t = await startTestApp({}, { sharedDatabaseUrl: database.url });
      const url = await makeUrl(t, 'https://example.com/flush');
      const redirects = await Promise.all(Array.from({ length: 60 }, () => request(t.baseUrl, 'GET', `/${url.short_code}`)));
      expect(redirects.every((res) => res.status === 302)).toBe(true);
      await t.close();
      expect(await clickCount(database.url, url.id)).toBe(60);
    } finally {
      await database.drop();
    }
  });
});
