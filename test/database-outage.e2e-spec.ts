import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createUrl, createUser } from './support/fixtures.js';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * PostgreSQL unreachable for this app (its database refuses connections and its sessions are cut),
 * without stopping the PostgreSQL server other tests share: cached links keep redirecting, anything
 * needing the database answers 503 with Retry-After (never 500), and the app recovers by itself.
 */
describe('with its database unreachable', () => {
  let t: TestApp;
  let admin: pg.Client;
  let database: string;

  async function cut(): Promise<void> {
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  }

  async function restore(): Promise<void> {
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
  }

  beforeAll(async () => {
    t = await startTestApp();
    database = new URL(t.databaseUrl).pathname.slice(1);
    const server = new URL(t.databaseUrl);
    server.pathname = '/postgres';
    admin = new pg.Client({ connectionString: server.toString() });
    await admin.connect();
  });
  afterAll(async () => {
    await restore().catch(() => undefined);
    await admin?.end();
    await t?.close();
  });

  it('serves cached redirects, answers 503 + Retry-After for the rest, and recovers without a restart', async () => {
    const user = await createUser(t.baseUrl);
    const cached = await createUrl(t.baseUrl, user.id, 'https://example.com/cached-during-outage');
    const cold = await createUrl(t.baseUrl, user.id, 'https://example.com/cold-during-outage');
    expect((await request(t.baseUrl, 'GET', `/${cached.short_code}`)).status).toBe(302);
    await t.settleClicks();

    await cut();
    try {
      const hit = await request(t.baseUrl, 'GET', `/${cached.short_code}`);
      expect(hit.status).toBe(302);
      for (const [method, path, body] of [
        ['GET', `/${cold.short_code}`, undefined],
        ['GET', `/users/${user.id}`, undefined],
        ['POST', '/users', { username: 'during-outage', email: 'during@example.com' }],
      ] as const) {
        const res = await request(t.baseUrl, method, path, body);
        expect({ path, status: res.status }).toEqual({ path, status: 503 });
        expect(res.headers.get('retry-after')).toBe('5');
        expect(typeof res.body.error).toBe('string');
      }
      const health = await request(t.baseUrl, 'GET', '/health/ready');
      expect(health.status).toBe(503);
    } finally {
      await restore();
    }

    const deadline = Date.now() + 5_000;
    let recovered = await request(t.baseUrl, 'GET', `/users/${user.id}`);
    while (recovered.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      recovered = await request(t.baseUrl, 'GET', `/users/${user.id}`);
    }
    expect(recovered.status).toBe(200);
    expect((await request(t.baseUrl, 'GET', `/${cold.short_code}`)).status).toBe(302);
    // The click of the redirect served during the outage went to the stream and arrives now.
    await t.settleClicks();
    const clicks = await request(t.baseUrl, 'GET', `/events?url_id=${cached.id}&event_type=click`);
    expect(clicks.body).toHaveLength(2);
  });
});
