import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectDb } from './support/fixtures.js';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('concurrent writers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets exactly one of many simultaneous signups with the same username win', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        request(t.baseUrl, 'POST', '/users', { username: 'racer', email: `racer${i}@example.com` }),
      ),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('lets exactly one of many simultaneous signups with the same email (any case) win', async () => {
    const attempts = await Promise.all(
      ['Same@Example.com', 'same@example.com', 'SAME@example.com', 'same@EXAMPLE.com'].map((email, i) =>
        request(t.baseUrl, 'POST', '/users', { username: `mail${i}`, email }),
      ),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(1);
    expect(attempts.filter((r) => r.status === 409)).toHaveLength(3);
  });

  it('gives every one of many simultaneous creates its own code and its own created event', async () => {
    const user = await request(t.baseUrl, 'POST', '/users', { username: 'bulkmaker', email: 'bulk@example.com' });
    const created = await Promise.all(
      Array.from({ length: 40 }, () =>
        request(t.baseUrl, 'POST', '/urls', { user_id: user.body.id, original_url: 'https://example.com/same' }),
      ),
    );
    expect(created.every((r) => r.status === 201)).toBe(true);
    expect(new Set(created.map((r) => r.body.short_code)).size).toBe(40);
    const client = await connectDb(t);
    try {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM events e JOIN urls u ON u.id = e.url_id
          WHERE u.user_id = $1 AND e.event_type = 'created'`,
        [user.body.id],
      );
      expect(rows[0].n).toBe(40);
    } finally {
      await client.end();
    }
  });

  it('creates once for any number of POST /urls with one Idempotency-Key, even at the same time', async () => {
    const user = await request(t.baseUrl, 'POST', '/users', { username: 'retrier', email: 'retrier@example.com' });
    const body = { user_id: user.body.id, original_url: 'https://example.com/retried' };
    const headers = { 'idempotency-key': 'create-once-1' };
    const attempts = await Promise.all(Array.from({ length: 10 }, () => request(t.baseUrl, 'POST', '/urls', body, headers)));
    expect(attempts.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(attempts.map((r) => r.body.id)).size).toBe(1);
    const later = await request(t.baseUrl, 'POST', '/urls', body, headers);
    expect(later.body.id).toBe(attempts[0].body.id);
    const other = await request(t.baseUrl, 'POST', '/urls', body, { 'idempotency-key': 'create-once-2' });
    expect(other.body.id).not.toBe(attempts[0].body.id);
    const created = await request(t.baseUrl, 'GET', `/events?url_id=${attempts[0].body.id}&event_type=created`);
    expect(created.body).toHaveLength(1);
    const tooLong = await request(t.baseUrl, 'POST', '/urls', body, { 'idempotency-key': 'k'.repeat(256) });
    expect(tooLong.status).toBe(400);
  });
});
