import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { IsInt, IsString } from 'class-validator';
import { JsonValidationPipe } from './json-validation.pipe.js';

class SampleDto {
  @IsString()
  name: string;

  @IsInt()
  count: number;
}

describe('JsonValidationPipe', () => {
  const pipe = new JsonValidationPipe();
  const body = { type: 'body' as const, metatype: SampleDto };

  it.each([['a string'], [[1, 2]], [null], [undefined], [42]])('refuses a body that is not an object: %j', async (value) => {
    const error = (await pipe.transform(value, body).catch((e: unknown) => e)) as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.getResponse()).toEqual({ error: 'request body must be a JSON object' });
  });

  it('returns a DTO instance for a valid object', async () => {
    const result = await pipe.transform({ name: 'x', count: 2, extra: true }, body);
    expect(result).toBeInstanceOf(SampleDto);
    expect(result).toEqual({ name: 'x', count: 2 });
  });

  it('lists every invalid field, one message each', async () => {
    const error = (await pipe.transform({ name: 5 }, body).catch((e: unknown) => e)) as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.getResponse()).toEqual({
      error: 'invalid request: name must be a string; count must be an integer number',
      details: ['name must be a string', 'count must be an integer number'],
    });
  });

  it('leaves path parameters to their own pipes', async () => {
    await expect(pipe.transform('abc', { type: 'param', metatype: Number, data: 'id' })).resolves.toBe('abc');
  });
});
