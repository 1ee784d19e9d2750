import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../libs/common/project-root.js';
import { expectJsonError, TIMESTAMP } from './support/expect.js';
import { connectDb, countRows } from './support/fixtures.js';
import { request, uploadCsv } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SEED_DIR = join(projectRoot(), 'data', 'seed');

type Row = Record<string, string>;

function readCsv(file: string): Row[] {
  return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];
}

/** `2025-09-19 22:25:05` (CSV) → `2025-09-19T22:25:05` (JSON). */
function wire(timestamp: string): string {
  return timestamp.replace(' ', 'T');
}

/** A digest of every row of every table: equal digests, unchanged data. */
async function tableDigests(db: pg.Client): Promise<unknown> {
  const result = await db.query(
    `SELECT (SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u) AS users,
            (SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM urls u) AS urls,
            (SELECT md5(string_agg(e::text, ',' ORDER BY id)) FROM events e) AS events`,
  );
  return result.rows[0];
}

/** Every row of a list endpoint, fetched 1000 at a time. */
async function listAll(t: TestApp, path: string): Promise<any[]> {
  const all: any[] = [];
  for (let page = 1; ; page++) {
    const res = await request(t.baseUrl, 'GET', `${path}?per_page=1000&page=${page}`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    all.push(...res.body);
    if (res.body.length < 1000) return all;
  }
}

interface SeedSet {
  name: string;
  dir: string;
  /** Ids that share a username (the import must keep both). */
  sharedUsername: { ids: [number, number]; username: string; sameEmail: boolean };
  user3: string;
}

const SEED_SETS: SeedSet[] = [
  {
    name: 'shipped seed (data/seed)',
    dir: SEED_DIR,
    sharedUsername: { ids: [3, 112], username: 'navyzenith64', sameEmail: false },
    user3: 'navyzenith64',
  },
  {
    name: 'variant-taophycc seed',
    dir: join(SEED_DIR, 'variant-taophycc'),
    sharedUsername: { ids: [259, 331], username: 'youngdelta05', sameEmail: true },
    user3: 'tidykernel81',
  },
];

const ROW_COUNTS = { users: 400, urls: 2000, events: 3422 } as const;
const TABLES = ['users', 'urls', 'events'] as const;

describe.each(SEED_SETS)('bulk import of the $name', (set) => {
  let t: TestApp;
  let db: pg.Client;
  const csv = (table: string) => ({ file: join(set.dir, `${table}.csv`) });

  beforeAll(async () => {
    t = await startTestApp();
    db = await connectDb(t);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('imports users → urls → events, each 201 with count = imported = the row count', async () => {
    for (const table of TABLES) {
      const res = await uploadCsv(t.baseUrl, `/${table}/bulk`, csv(table));
      expect({ table, status: res.status }).toEqual({ table, status: 201 });
      expect(res.body).toEqual({
        count: ROW_COUNTS[table],
        imported: ROW_COUNTS[table],
        skipped: 0,
        failed: 0,
        errors: [],
      });
      expect(await countRows(db, table)).toBe(ROW_COUNTS[table]);
    }
  });

  it('is idempotent: a second upload of each file imports nothing and changes no row', async () => {
    const before = await tableDigests(db);
    for (const table of TABLES) {
      const res = await uploadCsv(t.baseUrl, `/${table}/bulk`, csv(table));
      expect({ table, status: res.status }).toEqual({ table, status: 201 });
      expect(res.body).toEqual({
        count: ROW_COUNTS[table],
        imported: 0,
        skipped: ROW_COUNTS[table],
        failed: 0,
        errors: [],
      });
      expect(await countRows(db, table)).toBe(ROW_COUNTS[table]);
    }
    expect(await tableDigests(db)).toEqual(before);
  });

  it('keeps every user as written in the CSV: ids, repeated usernames, timestamps', async () => {
    const expected = readCsv(join(set.dir, 'users.csv')).map((row) => ({
      id: Number(row.id),
      username: row.username,
      email: row.email,
      created_at: wire(row.created_at),
    }));
    expect(await listAll(t, '/users')).toEqual(expected);

    const user3 = await request(t.baseUrl, 'GET', '/users/3');
    expect(user3.status).toBe(200);
    expect(user3.body.id).toBe(3);
    expect(user3.body.username).toBe(set.user3);

    const [a, b] = await Promise.all(set.sharedUsername.ids.map((id) => request(t.baseUrl, 'GET', `/users/${id}`)));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.username).toBe(set.sharedUsername.username);
    expect(b.body.username).toBe(set.sharedUsername.username);
    expect(a.body.email === b.body.email).toBe(set.sharedUsername.sameEmail);
  });

  it('keeps every url: ids, short codes, True/False as booleans, timestamps', async () => {
    const rows = readCsv(join(set.dir, 'urls.csv'));
    const expected = rows.map((row) => ({
      id: Number(row.id),
      user_id: Number(row.user_id),
      short_code: row.short_code,
      original_url: row.original_url,
      title: row.title,
      is_active: row.is_active === 'True',
      created_at: wire(row.created_at),
      updated_at: wire(row.updated_at),
    }));
    const urls = await listAll(t, '/urls');
    expect(urls).toEqual(expected);
    for (const url of urls) expect(typeof url.is_active).toBe('boolean');

    const inactive = await request(t.baseUrl, 'GET', '/urls?is_active=false&per_page=1000');
    expect(inactive.status).toBe(200);
    expect(inactive.body.length).toBe(rows.filter((row) => row.is_active === 'False').length);
    expect(inactive.body.every((url: { is_active: unknown }) => url.is_active === false)).toBe(true);

    const db_ = await db.query<{ t: string; f: string }>(
      `SELECT count(*) FILTER (WHERE is_active) AS t, count(*) FILTER (WHERE NOT is_active) AS f FROM urls`,
    );
    expect(Number(db_.rows[0].t)).toBe(rows.filter((row) => row.is_active === 'True').length);
    expect(Number(db_.rows[0].f)).toBe(rows.filter((row) => row.is_active === 'False').length);
  });

  it('keeps every event: ids, timestamps, details parsed to JSON objects (also in the database)', async () => {
    const expected = readCsv(join(set.dir, 'events.csv')).map((row) => ({
      id: Number(row.id),
      url_id: Number(row.url_id),
      user_id: row.user_id ? Number(row.user_id) : null,
      event_type: row.event_type,
      timestamp: wire(row.timestamp),
      details: JSON.parse(row.details) as unknown,
    }));
    const events = await listAll(t, '/events');
    expect(events).toEqual(expected);

    const kinds = await db.query<{ kind: string; n: string }>(
      `SELECT jsonb_typeof(details) AS kind, count(*) AS n FROM events GROUP BY 1`,
    );
    expect(kinds.rows).toEqual([{ kind: 'object', n: String(ROW_COUNTS.events) }]);

    const created = await request(t.baseUrl, 'GET', '/events?url_id=1&event_type=created');
    expect(created.status).toBe(200);
    expect(created.body).toHaveLength(1);
    expect(typeof created.body[0].details).toBe('object');
    expect(created.body[0].details.short_code).toBe(readCsv(join(set.dir, 'urls.csv'))[0].short_code);
  });

  it('continues the id sequences after the imported ids', async () => {
    const user = await request(t.baseUrl, 'POST', '/users', {
      username: 'after-import-user',
      email: 'after-import-user@example.com',
    });
    expect(user.status).toBe(201);
    expect(user.body.id).toBe(ROW_COUNTS.users + 1);

    const url = await request(t.baseUrl, 'POST', '/urls', {
      user_id: user.body.id,
      original_url: 'https://example.com/after-import',
      title: 'after import',
    });
    expect(url.status).toBe(201);
    expect(url.body.id).toBe(ROW_COUNTS.urls + 1);

    const createdEvents = await request(t.baseUrl, 'GET', `/events?url_id=${url.body.id}`);
    expect(createdEvents.status).toBe(200);
    expect(createdEvents.body).toHaveLength(1);
    expect(createdEvents.body[0].event_type).toBe('created');
    expect(createdEvents.body[0].id).toBeGreaterThanOrEqual(ROW_COUNTS.events + 1);

    const event = await request(t.baseUrl, 'POST', '/events', {
      url_id: url.body.id,
      user_id: user.body.id,
      event_type: 'shared',
      details: { channel: 'test' },
    });
    expect(event.status).toBe(201);
    expect(event.body.id).toBeGreaterThan(createdEvents.body[0].id);
    expect(event.body.id).toBeGreaterThanOrEqual(ROW_COUNTS.events + 1);

    expect(await countRows(db, 'users')).toBe(ROW_COUNTS.users + 1);
    expect(await countRows(db, 'urls')).toBe(ROW_COUNTS.urls + 1);
    expect(await countRows(db, 'events')).toBe(ROW_COUNTS.events + 2);
  });
});

describe('bulk import: headers, row errors and refused uploads', () => {
  let t: TestApp;
  let db: pg.Client;

  beforeAll(async () => {
    t = await startTestApp();
    db = await connectDb(t);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('accepts a users CSV with only username,email, idempotently', async () => {
    const file = 'username,email\nalice,alice@example.com\nbob,bob@example.com\n';
    const first = await uploadCsv(t.baseUrl, '/users/bulk', file);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ count: 2, imported: 2, skipped: 0, failed: 0, errors: [] });

    const second = await uploadCsv(t.baseUrl, '/users/bulk', file);
    expect(second.status).toBe(201);
    expect(second.body).toEqual({ count: 2, imported: 0, skipped: 2, failed: 0, errors: [] });
    expect(await countRows(db, 'users')).toBe(2);

    const users = await request(t.baseUrl, 'GET', '/users');
    expect(users.status).toBe(200);
    expect(users.body.map((u: { username: string; email: string }) => [u.username, u.email])).toEqual([
      ['alice', 'alice@example.com'],
      ['bob', 'bob@example.com'],
    ]);
    for (const user of users.body) {
      expect(Number.isInteger(user.id)).toBe(true);
      expect(user.created_at).toMatch(TIMESTAMP);
    }
  });

  it('keeps a naive CSV timestamp as the same UTC wall-clock time', async () => {
    const res = await uploadCsv(
      t.baseUrl,
      '/users/bulk',
      'id,username,email,created_at\n50,clockuser,clockuser@example.com,2025-09-19 22:25:05\n',
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ count: 1, imported: 1, failed: 0 });
    const user = await request(t.baseUrl, 'GET', '/users/50');
    expect(user.status).toBe(200);
    expect(user.body).toEqual({
      id: 50,
      username: 'clockuser',
      email: 'clockuser@example.com',
      created_at: '2025-09-19T22:25:05',
    });
    const raw = await db.query<{ utc: string }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS utc FROM users WHERE id = 50`,
    );
    expect(raw.rows[0].utc).toBe('2025-09-19 22:25:05');
  });

  it('reports a bad email by line and imports the valid users of the same file', async () => {
    const res = await uploadCsv(
      t.baseUrl,
      '/users/bulk',
      [
        'id,username,email,created_at',
        '101,gooduser1,gooduser1@example.com,2025-01-01 00:00:00',
        '102,baduser,not-an-email,2025-01-01 00:00:00',
        '103,gooduser2,gooduser2@example.com,2025-01-01 00:00:00',
        '',
      ].join('\n'),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ count: 3, imported: 2, skipped: 0, failed: 1 });
    expect(res.body.errors).toEqual([{ line: 3, error: expect.stringContaining('email') }]);
    expect((await request(t.baseUrl, 'GET', '/users/101')).status).toBe(200);
    expect((await request(t.baseUrl, 'GET', '/users/102')).status).toBe(404);
    expect((await request(t.baseUrl, 'GET', '/users/103')).status).toBe(200);
  });

  it('reports urls with an unknown user_id or a javascript: URL by line, importing the rest', async () => {
    const res = await uploadCsv(
      t.baseUrl,
      '/urls/bulk',
      [
        'id,user_id,short_code,original_url,title,is_active,created_at,updated_at',
        '201,101,goodA1,https://example.com/a,A,True,2025-01-01 00:00:00,2025-01-02 00:00:00',
        '202,99999,orphan1,https://example.com/orphan,Orphan,True,2025-01-01 00:00:00,2025-01-02 00:00:00',
        '203,101,jsCode1,javascript:alert(1),XSS,True,2025-01-01 00:00:00,2025-01-02 00:00:00',
        '204,103,goodB1,https://example.com/b,B,False,2025-01-01 00:00:00,2025-01-02 00:00:00',
        '',
      ].join('\n'),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ count: 4, imported: 2, skipped: 0, failed: 2 });
    expect([...res.body.errors].sort((a: { line: number }, b: { line: number }) => a.line - b.line)).toEqual([
      { line: 3, error: expect.stringContaining('99999') },
      { line: 4, error: expect.stringMatching(/original_url/) },
    ]);
    const ids = await db.query<{ id: number }>('SELECT id FROM urls ORDER BY id');
    expect(ids.rows.map((row) => row.id)).toEqual([201, 204]);
    const b = await request(t.baseUrl, 'GET', '/urls/204');
    expect(b.status).toBe(200);
    expect(b.body.is_active).toBe(false);
  });

  it('reports events with an unknown url_id or non-object details by line, importing the rest', async () => {
    const res = await uploadCsv(
      t.baseUrl,
      '/events/bulk',
      [
        'id,url_id,user_id,event_type,timestamp,details',
        '301,201,101,created,2025-01-01 00:00:00,"{""short_code"":""goodA1""}"',
        '302,77777,101,created,2025-01-01 00:00:00,"{""short_code"":""nope""}"',
        '303,201,101,updated,2025-01-01 00:00:00,"[1,2,3]"',
        '304,201,101,updated,2025-01-01 00:00:00,"""just a string"""',
        '305,201,101,updated,2025-01-01 00:00:00,{not json}',
        '306,204,103,deleted,2024-12-31 23:59:59,"{""reason"":""expired""}"',
        '',
      ].join('\n'),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ count: 6, imported: 2, skipped: 0, failed: 4 });
    expect([...res.body.errors].sort((a: { line: number }, b: { line: number }) => a.line - b.line)).toEqual([
      { line: 3, error: expect.stringContaining('77777') },
      { line: 4, error: expect.stringContaining('details') },
      { line: 5, error: expect.stringContaining('details') },
      { line: 6, error: expect.stringContaining('details') },
    ]);
    const events = await request(t.baseUrl, 'GET', '/events');
    expect(events.status).toBe(200);
    expect(events.body).toEqual([
      { id: 301, url_id: 201, user_id: 101, event_type: 'created', timestamp: '2025-01-01T00:00:00', details: { short_code: 'goodA1' } },
      { id: 306, url_id: 204, user_id: 103, event_type: 'deleted', timestamp: '2024-12-31T23:59:59', details: { reason: 'expired' } },
    ]);
  });

  it('reports a row whose id is already held by a different user instead of counting it as present', async () => {
    // id 101 is gooduser1; this row is someone else.
    const res = await uploadCsv(
      t.baseUrl,
      '/users/bulk',
      'id,username,email,created_at\n101,impostor,impostor@example.com,2025-01-01 00:00:00\n',
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ count: 1, imported: 0, skipped: 0, failed: 1 });
    expect(res.body.errors).toEqual([{ line: 2, error: expect.any(String) }]);
    const user = await request(t.baseUrl, 'GET', '/users/101');
    expect(user.body.username).toBe('gooduser1');
  });

  it('reports an event row whose id is already held by a different event instead of counting it as present', async () => {
    // id 301 is the `created` event of url 201; this row is a different event.
    const res = await uploadCsv(
      t.baseUrl,
      '/events/bulk',
      'id,url_id,user_id,event_type,timestamp,details\n301,204,103,updated,2025-02-02 00:00:00,"{""field"":""title""}"\n',
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ count: 1, imported: 0, skipped: 0, failed: 1 });
    expect(res.body.errors).toEqual([{ line: 2, error: expect.any(String) }]);
  });

  it('accepts a byte-order mark and CRLF line endings', async () => {
    const file = '\uFEFFusername,email\r\ncarol,carol@example.com\r\n';
    const res = await uploadCsv(t.baseUrl, '/users/bulk', file);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ count: 1, imported: 1, skipped: 0, failed: 0, errors: [] });
    const rows = await db.query('SELECT username, email FROM users WHERE username = $1', ['carol']);
    expect(rows.rows).toEqual([{ username: 'carol', email: 'carol@example.com' }]);
  });

  it('a file that breaks after a full batch is refused with 400 that says what was written', async () => {
    const before = await countRows(db, 'users');
    const rows = Array.from({ length: 2500 }, (_, i) => `${5001 + i},batch${i},batch${i}@example.com,2025-01-01 00:00:00`);
    const file = ['id,username,email,created_at', ...rows, '9999,"unterminated,x@example.com,2025-01-01 00:00:00', ''].join('\n');
    const res = await uploadCsv(t.baseUrl, '/users/bulk', file);
    expectJsonError(res, 400);
    const written = (await countRows(db, 'users')) - before;
    // Either nothing was written, or the refusal reports exactly what was.
    if (written > 0) {
      expect(res.body.details).toMatchObject({ imported: written });
    }
    expect(written === 0 || typeof res.body.details?.imported === 'number').toBe(true);
  });

  describe.each(['/users/bulk', '/urls/bulk', '/events/bulk'])('%s refuses a bad upload', (path) => {
    const header = {
      '/users/bulk': 'id,username,email,created_at',
      '/urls/bulk': 'id,user_id,short_code,original_url,title,is_active,created_at,updated_at',
      '/events/bulk': 'id,url_id,user_id,event_type,timestamp,details',
    }[path]!;
    const missingColumn = {
      '/users/bulk': 'id,username,created_at\n900,nomail,2025-01-01 00:00:00\n',
      '/urls/bulk': 'id,user_id,short_code,title\n900,101,noUrl9,No url\n',
      '/events/bulk': 'id,user_id,event_type\n900,101,created\n',
    }[path]!;
    let before: Record<string, number>;

    beforeAll(async () => {
      before = {};
      for (const table of TABLES) before[table] = await countRows(db, table);
    });

    it('400 when a required column is missing', async () => {
      const res = await uploadCsv(t.baseUrl, path, missingColumn);
      expectJsonError(res, 400);
    });

    it('400 for an empty file', async () => {
      const res = await uploadCsv(t.baseUrl, path, '');
      expectJsonError(res, 400);
    });

    it('400 JSON for malformed CSV (an unterminated quote)', async () => {
      const res = await uploadCsv(t.baseUrl, path, `${header}\n901,"unterminated,abc\n`);
      expectJsonError(res, 400);
    });

    it('400 when the CSV is sent in a field other than `file`', async () => {
      const res = await uploadCsv(t.baseUrl, path, `${header}\n`, 'csv');
      expectJsonError(res, 400);
    });

    it('415 for a body that is not multipart', async () => {
      const json = await request(t.baseUrl, 'POST', path, { file: `${header}\n` });
      expectJsonError(json, 415);
      const raw = await request(t.baseUrl, 'POST', path, `${header}\n`, { 'content-type': 'text/csv' });
      expectJsonError(raw, 415);
    });

    it('wrote nothing for any of these refused uploads', async () => {
      for (const table of TABLES) expect({ table, rows: await countRows(db, table) }).toEqual({ table, rows: before[table] });
    });
  });
});
