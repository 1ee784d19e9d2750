import { describe, expect, it } from '@jest/globals';
import { parseCsvBoolean, parseCsvId } from './csv-cells.js';

describe('parseCsvId', () => {
  it.each([['1', 1], ['2147483647', 2147483647]])('reads %s', (text, id) => {
    expect(parseCsvId(text)).toBe(id);
  });

  it.each([undefined, '', '0', '-3', '1.5', 'x', '2147483648', '12345678901'])('refuses %j', (text) => {
    expect(parseCsvId(text)).toBeNull();
  });
});

describe('parseCsvBoolean', () => {
  it.each([['True', true], ['False', false], ['true', true], ['FALSE', false], ['t', true], ['0', false], ['yes', true]])(
    'reads %s',
    (text, value) => {
      expect(parseCsvBoolean(text)).toBe(value);
    },
  );

  it.each([undefined, '', 'maybe', '2'])('refuses %j', (text) => {
    expect(parseCsvBoolean(text)).toBeNull();
  });
});
