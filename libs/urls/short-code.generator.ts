import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

export const SHORT_CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SHORT_CODE_LENGTH = 7;
/** The largest multiple of 62 below 256: bytes at or above it are dropped so every symbol is equally likely. */
const UNBIASED_LIMIT = 256 - (256 % SHORT_CODE_ALPHABET.length);

/**
 * Random codes from the operating system's CSPRNG: 62^7 ≈ 3.5e12 codes, not enumerable.
 * Uniqueness is the database's job (a unique index); callers retry on the rare collision.
 */
@Injectable()
export class ShortCodeGenerator {
  constructor(
    private readonly length: number = SHORT_CODE_LENGTH,
    private readonly random: (size: number) => Buffer = randomBytes,
  ) {}

  next(): string {
    let code = this.draw();
    while (!isAllowedShortCode(code)) code = this.draw();
    return code;
  }

  private draw(): string {
    let code = '';
    while (code.length < this.length) {
      for (const byte of this.random(this.length * 2)) {
        if (byte < UNBIASED_LIMIT) code += SHORT_CODE_ALPHABET[byte % SHORT_CODE_ALPHABET.length];
        if (code.length === this.length) break;
      }
    }
    return code;
  }
}

/** Codes this service can ever resolve; anything else is a 404 without touching the database. */
export const SHORT_CODE_PATTERN = /^[0-9A-Za-z]{1,32}$/;

/**
 * Top-level paths of the service. The router already prefers them to GET /:short_code; refusing
 * them as codes also keeps a link from ever being listed under a name it can never be reached by.
 */
export const RESERVED_SHORT_CODES = new Set(['health', 'metrics', 'users', 'urls', 'events', 'docs']);

export function isAllowedShortCode(code: string): boolean {
  return SHORT_CODE_PATTERN.test(code) && !RESERVED_SHORT_CODES.has(code.toLowerCase());
}
