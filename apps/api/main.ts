import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadConfig } from '../../libs/common/config/app-config.js';
import { dataSourceOptions } from '../../libs/database/data-source-options.js';
import { ensureDatabase, runMigrations } from '../../libs/database/database-bootstrap.js';
import { SeedService } from '../../libs/seed/seed.service.js';
import { APP_OPTIONS, configureApp, createAdapter } from './app-setup.js';
import { AppModule } from './app.module.js';
import { exitGracefullyOnSignals } from './graceful-shutdown.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  await runMigrations(dataSourceOptions({ databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize }));
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createAdapter(), {
    ...APP_OPTIONS,
    bufferLogs: true,
  });
  await configureApp(app);
  exitGracefullyOnSignals(app, app.get(Logger));
  if (config.seedOnStart) await app.get(SeedService).seedIfEmpty();
  await app.listen(config.port, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  // One clear line for a bad configuration; the stack for anything unexpected.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
