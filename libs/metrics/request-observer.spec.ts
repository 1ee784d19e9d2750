import { describe, expect, it } from '@jest/globals';
import { REDIRECT_ROUTE, logLevelFor } from './request-observer.js';

describe('logLevelFor', () => {
  it.each([
    ['/users/:id', 200, 'info'],
    ['/users/:id', 404, 'warn'],
    ['/users', 400, 'warn'],
    ['/urls', 500, 'error'],
    [REDIRECT_ROUTE, 302, 'debug'],
    [REDIRECT_ROUTE, 404, 'debug'],
    [REDIRECT_ROUTE, 503, 'error'],
    ['unmatched', 404, 'warn'],
  ] as const)('logs %s answered %i at %s', (route, status, level) => {
    expect(logLevelFor(route, status)).toBe(level);
  });
});
