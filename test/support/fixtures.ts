import { expect } from '@jest/globals';
import pg from 'pg';
import { request } from './http.js';
import type { TestApp } from './test-app.js';

export interface User {
  id: number;
  username: string;
  email: string;
  created_at: string;
}

export interface Url {
  id: number;
  user_id: number;
  short_code: string;
  original_url: string;
  title: string | null;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export interface Event {
  id: number;
  url_id: number;
  user_id: number | null;
  event_type: string;
  timestamp: string;
  details: Record<string, unknown>;
}

export type Table = 'users' | 'urls' | 'events';

// Each test file loads its own copy of this module, so the counter is per file.
let seq = 0;

/** A name no other call in this test file returns: prefix, the time in base 36, a counter. */
export function uniqueName(prefix = 'user'): string {
  return `${prefix}${Date.now().toString(36)}${++seq}`;
}

/** POST /users, expecting 201. Username and email are unique ones unless given. */
export async function createUser(
  baseUrl: string,
  fields: Partial<{ username: string; email: string }> = {},
): Promise<User> {
  const name = uniqueName();
  const res = await request(baseUrl, 'POST', '/users', { username: name, email: `${name}@example.com`, ...fields });
  expect(res.status).toBe(201);
  return res.body as User;
}

/** POST /urls for `userId`, expecting 201. The target is a new page unless given. */
export async function createUrl(
  baseUrl: string,
  userId: number,
  originalUrl = `https://example.com/page/${++seq}`,
  title: string | null = 'Title',
): Promise<Url> {
  const res = await request(baseUrl, 'POST', '/urls', { user_id: userId, original_url: originalUrl, title });
  expect(res.status).toBe(201);
  return res.body as Url;
}

/** A client on the test app's own database, connected; `end()` it in afterAll. */
export async function connectDb(t: TestApp): Promise<pg.Client> {
  const db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  return db;
}

export async function countRows(db: pg.Client, table: Table): Promise<number> {
  const result = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(result.rows[0].n);
}

/** The row count of every table, read in one statement. */
export async function rowCounts(db: pg.Client): Promise<Record<Table, number>> {
  const result = await db.query<{ users: string; urls: string; events: string }>(
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM urls) AS urls, (SELECT count(*) FROM events) AS events`,
  );
  const row = result.rows[0];
  return { users: Number(row.users), urls: Number(row.urls), events: Number(row.events) };
}
