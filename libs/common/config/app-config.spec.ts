import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('uses local defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/shortener',
      redisUrl: 'redis://127.0.0.1:6379',
      redisKeyPrefix: 'shortener:',
      seedOnStart: true,
      dbPoolSize: 10,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://app@db:5432/links',
      REDIS_URL: 'rediss://cache:6380',
      REDIS_KEY_PREFIX: 'staging:',
      SEED_ON_START: 'false',
      DB_POOL_SIZE: '25',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toEqual({
      port: 8080,
      databaseUrl: 'postgresql://app@db:5432/links',
      redisUrl: 'rediss://cache:6380',
      redisKeyPrefix: 'staging:',
      seedOnStart: false,
      dbPoolSize: 25,
      logLevel: 'debug',
    });
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ' }).port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc', /PORT="abc": must be an integer from 1 to 65535/],
    ['PORT', '70000', /PORT/],
    ['DB_POOL_SIZE', '0', /DB_POOL_SIZE="0"/],
    ['SEED_ON_START', 'maybe', /SEED_ON_START="maybe": must be true or false/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud": must be one of/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL="mysql:\/\/x\/y"/],
    ['REDIS_URL', 'http://cache', /REDIS_URL/],
    ['REDIS_KEY_PREFIX', 'has space', /REDIS_KEY_PREFIX/],
  ])('refuses %s=%s with one line naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it.each([['1', true], ['yes', true], ['0', false], ['no', false]])('reads SEED_ON_START=%s', (value, expected) => {
    expect(loadConfig({ SEED_ON_START: value }).seedOnStart).toBe(expected);
  });
});
