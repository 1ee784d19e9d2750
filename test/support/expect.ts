import { expect } from '@jest/globals';
import type { JsonResponse } from './http.js';

/** The contract's timestamp format: `YYYY-MM-DDTHH:MM:SS`, UTC, no zone and no fraction. */
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** The contract's timestamp format, and a UTC value close to now (catches zone and ms slips). */
export function expectFreshTimestamp(value: unknown): void {
  expect(value).toMatch(TIMESTAMP);
  const millis = Date.parse(`${value as string}Z`);
  expect(Number.isNaN(millis)).toBe(false);
  expect(Math.abs(millis - Date.now())).toBeLessThan(60_000);
}

/**
 * Every error: exactly this status (or one of these), a JSON content type, a JSON object with a
 * non-empty string `error`, and no stack trace in the body.
 */
export function expectJsonError(res: JsonResponse, status: number | number[]): void {
  const allowed = Array.isArray(status) ? status : [status];
  // Status and body together, so a failure shows what the server answered.
  expect({ status: allowed.includes(res.status) ? 'allowed' : res.status, text: res.text.slice(0, 300) }).toEqual({
    status: 'allowed',
    text: expect.any(String),
  });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual(expect.objectContaining({ error: expect.any(String) }));
  expect(typeof res.body?.error).toBe('string');
  expect(res.body.error.length).toBeGreaterThan(0);
  expect(res.text).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack trace
}
