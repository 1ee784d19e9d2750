import { describe, expect, it } from '@jest/globals';
import { parseUserRecord } from './user-csv-row.js';

const FULL = ['id', 'username', 'email', 'created_at'];

describe('parseUserRecord', () => {
  it('reads a seed row', () => {
    expect(
      parseUserRecord({ id: '3', username: 'navyzenith64', email: 'n@acme.dev', created_at: '2024-03-09 07:51:31' }, FULL),
    ).toEqual({ id: 3, username: 'navyzenith64', email: 'n@acme.dev', created_at: new Date('2024-03-09T07:51:31Z') });
  });

  it('reads a username,email row', () => {
    expect(parseUserRecord({ username: 'a', email: 'a@b.io' }, ['username', 'email'])).toEqual({
      id: null,
      username: 'a',
      email: 'a@b.io',
      created_at: null,
    });
  });

  it.each([
    [{ id: '1', username: '', email: 'a@b.io' }, 'username is empty'],
    [{ id: '1', username: 'a'.repeat(256), email: 'a@b.io' }, 'username is longer than 255 characters'],
    [{ id: '1', username: 'a', email: 'nope' }, 'email "nope" is not a valid email address'],
    [{ id: 'x', username: 'a', email: 'a@b.io' }, 'id "x" is not a positive integer'],
    [{ id: '1', username: 'a', email: 'a@b.io', created_at: 'today' }, 'created_at "today" is not a YYYY-MM-DD HH:MM:SS timestamp'],
  ])('refuses %j', (record, error) => {
    expect(parseUserRecord(record, FULL)).toBe(error);
  });
});
