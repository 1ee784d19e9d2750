import { describe, expect, it } from '@jest/globals';
import { parseUrlRecord } from './url-csv-row.js';

const COLUMNS = ['id', 'user_id', 'short_code', 'original_url', 'title', 'is_active', 'created_at', 'updated_at'];
const SEED_ROW = {
  id: '1',
  user_id: '1',
  short_code: '0Y7puX',
  original_url: 'https://opswise.net/clear/zenith/1',
  title: 'Quarterly brief garden',
  is_active: 'False',
  created_at: '2025-09-27 19:12:17',
  updated_at: '2025-10-04 11:18:27',
};

describe('parseUrlRecord', () => {
  it('reads a seed row', () => {
    expect(parseUrlRecord(SEED_ROW, COLUMNS)).toEqual({
      id: 1,
      user_id: 1,
      short_code: '0Y7puX',
      original_url: 'https://opswise.net/clear/zenith/1',
      title: 'Quarterly brief garden',
      is_active: false,
      created_at: new Date('2025-09-27T19:12:17Z'),
      updated_at: new Date('2025-10-04T11:18:27Z'),
    });
  });

  it('fills defaults for optional cells', () => {
    const row = parseUrlRecord(
      { user_id: '2', short_code: 'abc123', original_url: 'https://x.org' },
      ['user_id', 'short_code', 'original_url'],
    );
    expect(row).toEqual({
      id: null,
      user_id: 2,
      short_code: 'abc123',
      original_url: 'https://x.org/',
      title: null,
      is_active: true,
      created_at: null,
      updated_at: null,
    });
  });

  it.each([
    [{ id: '0' }, 'id "0" is not a positive integer'],
    [{ user_id: '' }, 'user_id "" is not a positive integer'],
    [{ short_code: 'bad code' }, 'short_code "bad code" must be 1-32 characters of [0-9A-Za-z]'],
    [{ original_url: 'javascript:alert(1)' }, 'original_url must use http or https, not javascript'],
    [{ title: 'x'.repeat(501) }, 'title is longer than 500 characters'],
    [{ is_active: 'maybe' }, 'is_active "maybe" is not True or False'],
    [{ created_at: '2025-13-01 00:00:00' }, 'created_at "2025-13-01 00:00:00" is not a YYYY-MM-DD HH:MM:SS timestamp'],
    [{ updated_at: 'x' }, 'updated_at "x" is not a YYYY-MM-DD HH:MM:SS timestamp'],
  ])('refuses a row with %j', (change, error) => {
    expect(parseUrlRecord({ ...SEED_ROW, ...change }, COLUMNS)).toBe(error);
  });
});
