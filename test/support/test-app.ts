import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';
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
  close: () => Promise<void>;
}

/** The real app, as main.ts builds it, on a random port against a fresh database. */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '4',
    SEED_ON_START: 'false',
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
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
