import { BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { toErrorResponse } from './error-response.js';

describe('toErrorResponse', () => {
  it('keeps our own error message', () => {
    expect(toErrorResponse(new ConflictException({ error: 'email taken' }))).toEqual({
      status: 409,
      body: { error: 'email taken', status: 409 },
    });
  });

  it('keeps details', () => {
    const response = toErrorResponse(new BadRequestException({ error: 'invalid', details: ['a', 'b'] }));
    expect(response.body).toEqual({ error: 'invalid', status: 400, details: ['a', 'b'] });
  });

  it("uses the message of Nest's built-in exceptions", () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /nope')).body).toEqual({
      error: 'Cannot GET /nope',
      status: 404,
    });
  });

  it('turns a message array into details', () => {
    const body = toErrorResponse(new BadRequestException(['x is bad', 'y is bad'])).body;
    expect(body.details).toEqual(['x is bad', 'y is bad']);
    expect(typeof body.error).toBe('string');
  });

  it('accepts a plain string response', () => {
    expect(toErrorResponse(new HttpException('teapot', 418)).body).toEqual({ error: 'teapot', status: 418 });
  });

  it('passes through client errors raised by Fastify', () => {
    const error = Object.assign(new Error("Unsupported Media Type: application/x-www-form-urlencoded"), { statusCode: 415 });
    expect(toErrorResponse(error)).toEqual({
      status: 415,
      body: { error: 'Unsupported Media Type: application/x-www-form-urlencoded', status: 415 },
    });
  });

  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    [{ driverError: { code: '57P01' }, message: 'terminating connection due to administrator command' }],
    [{ code: '08006', message: 'connection failure' }],
    [{ driverError: { code: '53100' }, message: 'could not extend file: No space left on device' }],
    [{ code: '53300', message: 'sorry, too many clients already' }],
    [new Error('timeout exceeded when trying to connect')],
  ])('answers 503 with Retry-After when the database is unreachable (%#)', (error) => {
    const response = toErrorResponse(error);
    expect(response.status).toBe(503);
    expect(response.headers).toEqual({ 'retry-after': '5' });
    expect(response.body.retry_after_seconds).toBe(5);
  });

  it.each([[new Error('boom')], ['a string'], [null], [{ statusCode: 500, message: 'inner' }]])(
    'hides anything else behind a generic 500 (%#)',
    (error) => {
      expect(toErrorResponse(error)).toEqual({ status: 500, body: { error: 'internal server error', status: 500 } });
    },
  );
});
