import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id.js';

const withHeader = (value?: string | string[]) => ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as IncomingMessage;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFor', () => {
  it('keeps a plain incoming id', () => {
    expect(requestIdFor(withHeader('nginx-5f2c:01.a_b'))).toBe('nginx-5f2c:01.a_b');
  });

  it.each([[undefined], [''], ['has space'], ['line\nbreak'], ['x'.repeat(129)], [['a', 'b']]])(
    'makes a UUID instead of %j',
    (value) => {
      expect(requestIdFor(withHeader(value))).toMatch(UUID);
    },
  );
});
