import { describe, expect, it } from '@jest/globals';
import {
  SHORT_CODE_ALPHABET,
  SHORT_CODE_LENGTH,
  SHORT_CODE_PATTERN,
  ShortCodeGenerator,
  isAllowedShortCode,
} from './short-code.generator.js';

describe('ShortCodeGenerator', () => {
  it('makes codes of the configured length from [0-9A-Za-z]', () => {
    const generator = new ShortCodeGenerator();
    for (let i = 0; i < 500; i++) {
      const code = generator.next();
      expect(code).toHaveLength(SHORT_CODE_LENGTH);
      expect(code).toMatch(/^[0-9A-Za-z]+$/);
      expect(code).toMatch(SHORT_CODE_PATTERN);
    }
  });

  it('does not repeat itself', () => {
    const generator = new ShortCodeGenerator();
    const codes = new Set(Array.from({ length: 10_000 }, () => generator.next()));
    expect(codes.size).toBe(10_000);
  });

  it('drops bytes that would bias the alphabet', () => {
    // 248 and above would fold onto the first symbols; they must be skipped, not used.
    const bytes = [255, 248, 0, 61, 62, 247];
    const generator = new ShortCodeGenerator(4, (size) => Buffer.from(bytes.splice(0, size)));
    expect(generator.next()).toBe(
      [0, 61, 0, 247 % 62].map((i) => SHORT_CODE_ALPHABET[i]).join(''),
    );
  });

  it('keeps drawing when a draw yields too few usable bytes', () => {
    const draws = [Buffer.from([250, 251, 252, 253]), Buffer.from([1, 2, 3, 4])];
    const generator = new ShortCodeGenerator(2, () => draws.shift()!);
    expect(generator.next()).toBe('12');
  });
});

describe('isAllowedShortCode', () => {
  it.each(['abc1234', 'X', 'a'.repeat(32)])('allows %s', (code) => {
    expect(isAllowedShortCode(code)).toBe(true);
  });

  it.each(['metrics', 'Health', 'USERS', 'docs', 'bad-code', '', 'a'.repeat(33)])('refuses %j', (code) => {
    expect(isAllowedShortCode(code)).toBe(false);
  });

  it('is never produced by the generator, even when the random source spells one', () => {
    const spelled = [...'metrics'].map((c) => SHORT_CODE_ALPHABET.indexOf(c));
    const draws = [Buffer.from(spelled), Buffer.from(spelled), Buffer.from([1, 2, 3, 4, 5, 6, 7])];
    const generator = new ShortCodeGenerator(7, () => draws.shift()!);
    expect(generator.next()).toBe('1234567');
  });
});
