import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { SeedService } from '../libs/seed/seed.service.js';
import { connectDb, rowCounts } from './support/fixtures.js';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ROW_COUNTS = { users: 400, urls: 2000, events: 3422 };

/**
 * main.ts seeds the database at boot when SEED_ON_START is true, by calling SeedService.seedIfEmpty()
 * before listening. startTestApp does not run that step, so this file runs it as main.ts does.
 */
describe('seed on start (SEED_ON_START=true)', () => {
  let t: TestApp;
  let db: pg.Client;
  let seeder: SeedService;

  const counts = () => rowCounts(db);

  beforeAll(async () => {
    t = await startTestApp({ SEED_ON_START: 'true' });
    db = await connectDb(t);
    seeder = t.app.get(SeedService);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('is configured to seed and starts from an empty database', async () => {
    expect(t.config.seedOnStart).toBe(true);
    expect(await counts()).toEqual({ users: 0, urls: 0, events: 0 });
  });

  it('loads the shipped seed into an empty database', async () => {
    await expect(seeder.seedIfEmpty()).resolves.toBe(true);
    expect(await counts()).toEqual(ROW_COUNTS);
  });

  it('keeps the CSV ids, repeated usernames, booleans, timestamps and details objects', async () => {
    const user3 = await request(t.baseUrl, 'GET', '/users/3');
    expect(user3.status).toBe(200);
    expect(user3.body).toEqual({
      id: 3,
      username: 'navyzenith64',
      email: 'navyzenith64@acme.dev',
      created_at: '2024-12-12T05:53:19',
    });
    const user112 = await request(t.baseUrl, 'GET', '/users/112');
    expect(user112.body).toMatchObject({ id: 112, username: 'navyzenith64', email: 'navyzenith64@relay.cloud' });

    const url5 = await request(t.baseUrl, 'GET', '/urls/5');
    expect(url5.status).toBe(200);
    expect(url5.body).toEqual({
      id: 5,
      user_id: 1,
      short_code: 'aPgkMG',
      original_url: 'https://opswise.net/mellow/engine/5',
      title: 'Alert feed delta',
      is_active: false,
      created_at: '2025-08-04T18:25:16',
      updated_at: '2025-12-11T14:13:53',
    });

    const events = await request(t.baseUrl, 'GET', '/events?url_id=1&per_page=1000');
    expect(events.status).toBe(200);
    expect(events.body[0]).toEqual({
      id: 1,
      url_id: 1,
      user_id: 1,
      event_type: 'created',
      timestamp: '2025-09-27T19:12:17',
      details: { short_code: '0Y7puX', original_url: 'https://opswise.net/clear/zenith/1' },
    });
    const types = await db.query<{ kind: string; n: string }>(
      'SELECT jsonb_typeof(details) AS kind, count(*) AS n FROM events GROUP BY 1',
    );
    expect(types.rows).toEqual([{ kind: 'object', n: '3422' }]);
  });

  it('serves the seeded short codes: an active one redirects, an inactive one is 404', async () => {
    const active = await request(t.baseUrl, 'GET', '/0Y7puX');
    expect(active.status).toBe(302);
    expect(active.headers.get('location')).toBe('https://opswise.net/clear/zenith/1');
    const inactive = await request(t.baseUrl, 'GET', '/aPgkMG');
    expect(inactive.status).toBe(404);
  });

  it('does nothing when called a second time', async () => {
    const before = await counts();
    await expect(seeder.seedIfEmpty()).resolves.toBe(false);
    expect(await counts()).toEqual(before);
  });

  it('never re-adds what was deleted once the database has users', async () => {
    expect((await request(t.baseUrl, 'DELETE', '/users/7')).status).toBe(204);
    const before = await counts();
    await expect(seeder.seedIfEmpty()).resolves.toBe(false);
    expect(await counts()).toEqual(before);
    expect((await request(t.baseUrl, 'GET', '/users/7')).status).toBe(404);
  });

  it('moves the id sequences past the seeded ids', async () => {
    const user = await request(t.baseUrl, 'POST', '/users', { username: 'post-seed', email: 'post-seed@example.com' });
    expect(user.status).toBe(201);
    expect(user.body.id).toBe(401);
    const url = await request(t.baseUrl, 'POST', '/urls', {
      user_id: user.body.id,
      original_url: 'https://example.com/post-seed',
    });
    expect(url.status).toBe(201);
    expect(url.body.id).toBe(2001);
    const created = await request(t.baseUrl, 'GET', `/events?url_id=${url.body.id}&event_type=created`);
    expect(created.status).toBe(200);
    expect(created.body).toHaveLength(1);
    expect(created.body[0].id).toBeGreaterThanOrEqual(3423);
  });
});

describe('seed on start with two replicas booting at once', () => {
  let t: TestApp;
  let db: pg.Client;

  beforeAll(async () => {
    t = await startTestApp({ SEED_ON_START: 'true' });
    db = await connectDb(t);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('loads each seed row exactly once', async () => {
    const seeder = t.app.get(SeedService);
    const results = await Promise.all([seeder.seedIfEmpty(), seeder.seedIfEmpty()]);
    expect(results).toContain(true);
    expect(await rowCounts(db)).toEqual({ users: 400, urls: 2000, events: 3422 });
    const user = await request(t.baseUrl, 'POST', '/users', { username: 'after-race', email: 'after-race@example.com' });
    expect(user.status).toBe(201);
    expect(user.body.id).toBe(401);
  });
});
