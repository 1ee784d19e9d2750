import { loadConfig } from '../common/config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { ensureDatabase, runMigrations } from './database-bootstrap.js';

/** `npm run migrate`: create the database if missing and apply pending migrations, then exit. */
const config = loadConfig();
await ensureDatabase(config.databaseUrl);
const applied = await runMigrations(
  dataSourceOptions({ databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize }),
);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
