import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { Writable } from 'node:stream';
import { ShutdownState } from '../libs/health/shutdown-state.js';
import { RequestObserver } from '../libs/metrics/request-observer.js';
import { RedisConnection } from '../libs/cache/redis-connection.js';
import { createUrl, createUser } from './support/fixtures.js';
import { request } from './support/http.js';
import { PrivateRedis } from './support/private-redis.js';
import { SERVICE_METRICS } from './support/service-metrics.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Every series an SRE's dashboard and alerts rely on. */
const EXPECTED_SERIES = [
  'http_request_duration_seconds_bucket',
  'http_request_duration_seconds_sum',
  'http_request_duration_seconds_count',
  ...SERVICE_METRICS,
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_eventloop_lag_p99_seconds',
];

function series(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
    found.set(name, [...(found.get(name) ?? []), line]);
  }
  return found;
}

describe('observability', () => {
  let t: TestApp;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    t.app.get(RequestObserver).log = pino({ level: 'debug' }, sink);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('health', () => {
    it('GET /health reports ok with database and redis up', async () => {
      const res = await request(t.baseUrl, 'GET', '/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        degraded: false,
        checks: { database: { status: 'up' }, redis: { status: 'up' } },
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      });
      expect(typeof res.body.uptime_seconds).toBe('number');
    });

    it('GET /health/live answers without checking dependencies', async () => {
      const res = await request(t.baseUrl, 'GET', '/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', uptime_seconds: expect.any(Number), version: expect.any(String) });
    });

    it('GET /health/ready checks the database, the migrations and shutdown', async () => {
      const res = await request(t.baseUrl, 'GET', '/health/ready');
      expect(res.status).toBe(200);
      expect(res.body.checks).toMatchObject({
        database: { status: 'up' },
        migrations: { status: 'up' },
        shutdown: { status: 'up', draining: false },
      });
    });
  });

  describe('metrics', () => {
    beforeAll(async () => {
      const user = await createUser(t.baseUrl);
      const url = await createUrl(t.baseUrl, user.id, 'https://example.com/metrics-traffic');
      for (let i = 0; i < 3; i++) await request(t.baseUrl, 'GET', `/${url.short_code}`);
      await request(t.baseUrl, 'GET', '/NoSuchCode1');
      await request(t.baseUrl, 'GET', `/users/${user.id}`);
      await request(t.baseUrl, 'GET', '/users/abc');
      await request(t.baseUrl, 'GET', '/not/a/route');
      await t.settleClicks();
    });

    it('exports every golden-signal, cache, click, pool and process series', async () => {
      const res = await request(t.baseUrl, 'GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const found = series(res.text);
      expect(EXPECTED_SERIES.filter((name) => !found.has(name))).toEqual([]);
    });

    it('labels requests by route template and status, never by raw path or short code', async () => {
      const found = series((await request(t.baseUrl, 'GET', '/metrics')).text);
      const counts = found.get('http_request_duration_seconds_count')!;
      const routes = new Set(counts.map((line) => /route="([^"]*)"/.exec(line)![1]));
      expect([...routes].every((route) => route === 'unmatched' || route.startsWith('/'))).toBe(true);
      expect(routes).toEqual(new Set([...routes].filter((r) => !/NoSuchCode1|\/users\/\d|\/users\/abc|\/not\/a/.test(r))));
      expect(counts.some((line) => line.includes('route="/:short_code"') && line.includes('status_code="302"'))).toBe(true);
      expect(counts.some((line) => line.includes('route="/:short_code"') && line.includes('status_code="404"'))).toBe(true);
      expect(counts.some((line) => line.includes('route="/users/:id"') && line.includes('status_code="400"'))).toBe(true);
      expect(counts.some((line) => line.includes('route="unmatched"') && line.includes('status_code="404"'))).toBe(true);
    });

    it('counts redirects, cache lookups and clicks', async () => {
      const found = series((await request(t.baseUrl, 'GET', '/metrics')).text);
      const value = (name: string, labels: string) =>
        Number(found.get(name)?.find((line) => line.includes(labels))?.split(' ').pop() ?? NaN);
      expect(value('shortener_redirects_total', 'outcome="redirected",method="GET"')).toBeGreaterThanOrEqual(3);
      expect(value('shortener_redirects_total', 'outcome="not_found"')).toBeGreaterThanOrEqual(1);
      expect(value('shortener_cache_lookups_total', 'tier="l1",result="hit"')).toBeGreaterThanOrEqual(2);
      expect(value('shortener_clicks_accepted_total', 'store="stream"')).toBeGreaterThanOrEqual(3);
      expect(value('shortener_clicks_persisted_total', '')).toBeGreaterThanOrEqual(3);
      expect(value('shortener_redis_up', '')).toBe(1);
      expect(value('shortener_db_pool_connections', 'state="total"')).toBeGreaterThanOrEqual(1);
    });
  });

  describe('request ids and logs', () => {
    it('returns the caller’s X-Request-Id, or a new one', async () => {
      const given = await request(t.baseUrl, 'GET', '/health/live', undefined, { 'x-request-id': 'trace-abc.123' });
      expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
      const made = await request(t.baseUrl, 'GET', '/health/live');
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const forged = await request(t.baseUrl, 'GET', '/health/live', undefined, { 'x-request-id': 'a"b' });
      expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('writes one JSON line per request with id, method, route, status and latency, and no headers', async () => {
      lines.length = 0;
      await request(t.baseUrl, 'GET', '/users/999999', undefined, { 'x-request-id': 'log-test-1', authorization: 'Bearer s3cret' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const mine = lines.filter((line) => line.request_id === 'log-test-1');
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ method: 'GET', route: '/users/:id', path: '/users/999999', status: 404, msg: 'request' });
      expect(typeof mine[0].latency_ms).toBe('number');
      expect(JSON.stringify(lines)).not.toContain('s3cret');
    });

    it('logs redirects at debug so they can be switched off on the hot path', async () => {
      lines.length = 0;
      await request(t.baseUrl, 'GET', '/NoSuchCode2', undefined, { 'x-request-id': 'log-test-2' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lines.find((line) => line.request_id === 'log-test-2')).toMatchObject({ level: 20, route: '/:short_code' });
    });
  });

  describe('readiness while shutting down', () => {
    it('turns /health/ready to 503 once draining, while liveness stays 200', async () => {
      t.app.get(ShutdownState).beginDraining();
      const ready = await request(t.baseUrl, 'GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('error');
      expect(ready.body.checks.shutdown).toEqual({ status: 'down', draining: true });
      expect((await request(t.baseUrl, 'GET', '/health/live')).status).toBe(200);
    });
  });
});

describe('health with Redis down', () => {
  const redis = new PrivateRedis();
  let t: TestApp;

  beforeAll(async () => {
    await redis.start();
    t = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await redis.kill();
  });

  it('stays 200 and says degraded, and /metrics shows Redis down', async () => {
    const deadline = Date.now() + 5_000;
    while (!t.app.get(RedisConnection).isReady && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await redis.kill();
    const res = await request(t.baseUrl, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.degraded).toBe(true);
    expect(res.body.checks.redis.status).toBe('down');
    expect((await request(t.baseUrl, 'GET', '/health/ready')).status).toBe(200);
    expect((await request(t.baseUrl, 'GET', '/metrics')).text).toMatch(/^shortener_redis_up 0$/m);
  });
});
