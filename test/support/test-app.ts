import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';
import { createClient } from 'redis';
import { ClickConsumer } from '../../libs/events/click-consumer.js';
import { ClickRecorder } from '../../libs/events/click-recorder.js';
import { APP_OPTIONS, configureApp, createAdapter } from '../../apps/api/app-setup.js';
import { AppModule } from '../../apps/api/app.module.js';
import { loadConfig, type AppConfig } from '../../libs/common/config/app-config.js';
import { dataSourceOptions } from '../../libs/database/data-source-options.js';
import { dropDatabase, ensureDatabase, runMigrations } from '../../libs/database/database-bootstrap.js';

const SERVER_URL = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

/** A database of its own for one test file, created and migrated now, dropped by `drop()`. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = `${SERVER_URL}/shortener_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url);
  await runMigrations(dataSourceOptions({ databaseUrl: url, poolSize: 2 }));
  return { url, drop: () => dropDatabase(url) };
}

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  config: AppConfig;
  databaseUrl: string;
  /** Waits until every click accepted so far is in the events table. */
  settleClicks: () => Promise<void>;
  close: () => Promise<void>;
}

/** Removes a test app's Redis keys (its stream, cached links) once it is closed. */
async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const client = createClient({ url: redisUrl, socket: { reconnectStrategy: false, connectTimeout: 1_000 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch {
    return; // That Redis is gone (a test killed it): nothing left to clean.
  }
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}

/** The real app, as main.ts builds it, on a random port against a fresh database. */
export async function startTestApp(
  overrides: Record<string, string> = {},
  options: { sharedDatabaseUrl?: string } = {},
): Promise<TestApp> {
  // A shared database belongs to whoever created it: this app neither migrates nor drops it.
  const database = options.sharedDatabaseUrl
    ? { url: options.sharedDatabaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '4',
    SEED_ON_START: 'false',
    // Apps of parallel test files share one Redis: each gets a namespace of its own.
    REDIS_KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
    ...overrides,
  });
  // prom-client's registry is process-wide: a second app in the same test file would re-register.
  register.clear();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(), {
    ...APP_OPTIONS,
    logger: false,
  });
  await configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${address.port}`,
    databaseUrl: database.url,
    settleClicks: async () => {
      await app.get(ClickRecorder).flush();
      await app.get(ClickConsumer).drain();
    },
    close: async () => {
      await app.close();
      await deleteRedisKeys(config.redisUrl, config.redisKeyPrefix);
      await database.drop();
    },
  };
}
