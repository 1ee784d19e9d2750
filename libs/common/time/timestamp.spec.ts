import { describe, expect, it } from '@jest/globals';
import { formatTimestamp, parseNaiveTimestamp } from './timestamp.js';

describe('formatTimestamp', () => {
  it('writes UTC without zone or milliseconds', () => {
    expect(formatTimestamp(new Date('2025-09-19T22:25:05.678Z'))).toBe('2025-09-19T22:25:05');
  });

  it('converts other zones to UTC', () => {
    expect(formatTimestamp(new Date('2025-09-20T00:25:05+02:00'))).toBe('2025-09-19T22:25:05');
  });
});

describe('parseNaiveTimestamp', () => {
  it('reads the seed format as UTC', () => {
    expect(parseNaiveTimestamp('2025-09-19 22:25:05')?.toISOString()).toBe('2025-09-19T22:25:05.000Z');
  });

  it('reads the T form and fractional seconds', () => {
    expect(parseNaiveTimestamp('2025-09-19T22:25:05.5')?.toISOString()).toBe('2025-09-19T22:25:05.000Z');
  });

  it.each(['', 'yesterday', '2025-09-19', '2025-02-30 10:00:00', '2025-09-19 25:00:00', '2025-09-19 22:25:05Z'])(
    'refuses %j',
    (text) => {
      expect(parseNaiveTimestamp(text)).toBeNull();
    },
  );
});
