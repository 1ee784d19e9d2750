import { BadRequestException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { IdPipe } from './id.pipe.js';

describe('IdPipe', () => {
  const pipe = new IdPipe();

  it.each([['1', 1], ['2147483647', 2147483647], ['0042', 42]])('parses %s', (text, id) => {
    expect(pipe.transform(text)).toBe(id);
  });

  it.each(['abc', '1.5', '', ' 1', '1e3', '0x10'])('refuses %j as a client error', (text) => {
    expect(() => pipe.transform(text)).toThrow(BadRequestException);
  });

  it.each(['0', '-1', '2147483648', '99999999999'])('treats %s as absent', (text) => {
    expect(() => pipe.transform(text)).toThrow(NotFoundException);
  });
});
