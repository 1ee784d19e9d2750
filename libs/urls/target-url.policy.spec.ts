import { describe, expect, it } from '@jest/globals';
import { validate } from 'class-validator';
import { IsTargetUrl, checkTargetUrl, normalizeTargetUrl } from './target-url.policy.js';

describe('checkTargetUrl', () => {
  it.each([
    ['https://example.com/a?b=c#d', 'https://example.com/a?b=c#d'],
    ['http://example.com', 'http://example.com/'],
    ['  https://EXAMPLE.com/path  ', 'https://example.com/path'],
    ['https://example.com/ü x', 'https://example.com/%C3%BC%20x'],
    ['https://bücher.de/', 'https://xn--bcher-kva.de/'],
  ])('accepts %j as %j', (input, href) => {
    expect(checkTargetUrl(input)).toEqual({ ok: true, href });
  });

  it.each([
    ['hello', /absolute URL/],
    ['example.com', /absolute URL/],
    ['ftp://example.com/file', /http or https, not ftp/],
    ['javascript:alert(1)', /not javascript/],
    ['data:text/html,<b>x</b>', /not data/],
    ['', /blank/],
    ['   ', /blank/],
    ['https://example.com/a\r\nSet-Cookie: x', /control characters/],
    ['https://example.com/' + 'a'.repeat(2100), /at most 2048/],
    ['file:///etc/passwd', /not file/],
  ])('refuses %j', (input, reason) => {
    const check = checkTargetUrl(input);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });

  it.each([[42], [null], [{}]])('refuses a non-string %j', (input) => {
    expect(checkTargetUrl(input)).toEqual({ ok: false, reason: 'must be a string' });
  });

  it('refuses a URL whose normalised form grows past the limit', () => {
    const input = 'https://example.com/' + 'ü'.repeat(700);
    expect(input.length).toBeLessThan(2048);
    expect(checkTargetUrl(input)).toEqual({ ok: false, reason: 'must be at most 2048 characters' });
  });
});

describe('normalizeTargetUrl', () => {
  it('returns the normalised form', () => {
    expect(normalizeTargetUrl('HTTPS://Example.com')).toBe('https://example.com/');
  });

  it('throws for a refused URL', () => {
    expect(() => normalizeTargetUrl('javascript:x')).toThrow('target URL refused');
  });
});

describe('@IsTargetUrl', () => {
  class Target {
    @IsTargetUrl()
    link: unknown;
  }

  it('reports the reason under the property name', async () => {
    const target = Object.assign(new Target(), { link: 'ftp://x.org' });
    const [error] = await validate(target);
    expect(error.constraints).toEqual({ isTargetUrl: 'link must use http or https, not ftp' });
  });

  it('passes a valid URL', async () => {
    expect(await validate(Object.assign(new Target(), { link: 'https://x.org' }))).toEqual([]);
  });
});
