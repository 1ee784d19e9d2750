import { describe, expect, it } from '@jest/globals';
import { parseEventRecord } from './event-csv-row.js';

const COLUMNS = ['id', 'url_id', 'user_id', 'event_type', 'timestamp', 'details'];
const SEED_ROW = {
  id: '1',
  url_id: '1',
  user_id: '1',
  event_type: 'created',
  timestamp: '2025-09-27 19:12:17',
  details: '{"short_code":"0Y7puX","original_url":"https://opswise.net/clear/zenith/1"}',
};

describe('parseEventRecord', () => {
  it('reads a seed row with its JSON details', () => {
    expect(parseEventRecord(SEED_ROW, COLUMNS)).toEqual({
      id: 1,
      url_id: 1,
      user_id: 1,
      event_type: 'created',
      timestamp: new Date('2025-09-27T19:12:17Z'),
      details: { short_code: '0Y7puX', original_url: 'https://opswise.net/clear/zenith/1' },
    });
  });

  it('defaults a missing user, time and details', () => {
    expect(parseEventRecord({ url_id: '4', event_type: 'share' }, ['url_id', 'event_type'])).toEqual({
      id: null,
      url_id: 4,
      user_id: null,
      event_type: 'share',
      timestamp: undefined,
      details: {},
    });
  });

  it.each([
    [{ id: '' }, 'id "" is not a positive integer'],
    [{ url_id: 'x' }, 'url_id "x" is not a positive integer'],
    [{ user_id: '-2' }, 'user_id "-2" is not a positive integer'],
    [{ event_type: '' }, 'event_type is empty'],
    [{ event_type: 'e'.repeat(65) }, 'event_type is longer than 64 characters'],
    [{ timestamp: 'soon' }, 'timestamp "soon" is not a YYYY-MM-DD HH:MM:SS timestamp'],
    [{ details: '"text"' }, 'details "\\"text\\"" is not a JSON object'],
    [{ details: '[1]' }, 'details "[1]" is not a JSON object'],
    [{ details: '{broken' }, 'details "{broken" is not a JSON object'],
  ])('refuses a row with %j', (change, error) => {
    expect(parseEventRecord({ ...SEED_ROW, ...change }, COLUMNS)).toBe(error);
  });
});
