import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
import { ConfigError, loadConfig } from '../../libs/common/config/app-config.js';
import { dataSourceOptions } from '../../libs/database/data-source-options.js';
import { ensureDatabase, runMigrations } from '../../libs/database/database-bootstrap.js';
import {
  API_MARK,
  API_SCRIPT,
  ensureDir,
  findNginx,
  HOST,
  httpStatus,
  isOurs,
  loadSettings,
  NGINX_MARK,
  paths,
  readPid,
  readState,
  readyUrl,
  ROOT,
  sleep,
  SUPERVISOR_MARK,
  SUPERVISOR_SCRIPT,
  type ClusterSettings,
} from './cluster-common.js';

/**
 * `npm run cluster`: creates the database if missing and applies the migrations once, then starts
 * the supervisor (detached) that runs the API replicas and nginx, and returns when nginx answers
 * /health and every replica is ready. Settings (all optional): CLUSTER_PORTS (3001,3002,3003),
 * CLUSTER_NGINX_PORT (8080), CLUSTER_RUN_DIR (/tmp/shortener-cluster), DATABASE_URL, REDIS_URL,
 * SEED_ON_START (true), DB_POOL_SIZE (10), LOG_LEVEL (info), CLUSTER_NGINX_BIN, CLUSTER_NODE,
 * CLUSTER_READY_TIMEOUT_MS (120000).
 */

const START_TIMEOUT_EXTRA_MS = 30_000;

function fail(message: string): never {
  console.error(`cluster: ${message}`);
  process.exit(1);
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** True when nothing listens on the port (binding it as the process that will use it would). */
function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function validate(settings: ClusterSettings): void {
  try {
    // The replicas validate the same variables at boot; fail here, once, with the same message.
    loadConfig({
      PORT: String(settings.ports[0]),
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL: settings.redisUrl,
      SEED_ON_START: settings.seedOnStart,
      DB_POOL_SIZE: String(settings.dbPoolSize),
      LOG_LEVEL: settings.logLevel,
      REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX,
    });
  } catch (error) {
    fail(error instanceof ConfigError ? error.message : String(error));
  }
  if (!existsSync(API_SCRIPT) || !existsSync(SUPERVISOR_SCRIPT)) fail(`${API_SCRIPT} is missing: run npm run build first`);
  if (!existsSync(settings.nodeBin)) fail(`node binary ${settings.nodeBin} not found (set CLUSTER_NODE)`);
  if (!findNginx()) fail('nginx not found: apt-get install -y nginx, or set CLUSTER_NGINX_BIN');
}

async function prepareDatabase(settings: ClusterSettings): Promise<void> {
  await ensureDatabase(settings.databaseUrl);
  const applied = await runMigrations(dataSourceOptions({ databaseUrl: settings.databaseUrl, poolSize: 2 }));
  console.log(`cluster: database ready; ${applied.length ? `applied ${applied.join(', ')}` : 'no pending migrations'}`);
  const client = new pg.Client({ connectionString: settings.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ max_connections: string }>('SHOW max_connections');
    const max = Number(rows[0]?.max_connections);
    const needed = settings.ports.length * settings.dbPoolSize;
    if (needed >= max) {
      fail(`${settings.ports.length} replicas x DB_POOL_SIZE ${settings.dbPoolSize} = ${needed} >= max_connections ${max}: lower DB_POOL_SIZE`);
    }
    console.log(`cluster: ${settings.ports.length} x DB_POOL_SIZE ${settings.dbPoolSize} = ${needed} connections (max_connections ${max})`);
  } finally {
    await client.end();
  }
}

async function clusterHealthy(settings: ClusterSettings): Promise<boolean> {
  const statuses = await Promise.all([
    httpStatus(`http://${HOST}:${settings.nginxPort}/health`, 2_000),
    ...settings.ports.map((port) => httpStatus(readyUrl(port), 2_000)),
  ]);
  return statuses.every((status) => status === 200);
}

function printUrls(settings: ClusterSettings): void {
  const p = paths(settings.runDir);
  const base = `http://${HOST}:${settings.nginxPort}`;
  console.log(`
cluster is up
  API via nginx   ${base}   (docs ${base}/docs, health ${base}/health, nginx itself ${base}/nginx-health)
  replicas        ${settings.ports.map((port) => `http://${HOST}:${port}`).join('  ')}   (metrics: /metrics on each)
  run directory   ${settings.runDir}   (state.json, *.pid, supervisor.log, replica-N.log, nginx-access.log, nginx-error.log)
  chaos           node dist/scripts/cluster/signal.js SIGKILL|SIGSTOP|SIGCONT|SIGTERM <replica 1-${settings.ports.length}|nginx>
                  or: kill -KILL $(cat ${p.replicaPid(2)})
  status          node dist/scripts/cluster/status.js
  rolling restart node dist/scripts/cluster/rolling-restart.js
  stop            npm run cluster:stop`);
}

async function main(): Promise<void> {
  let settings: ClusterSettings;
  try {
    settings = loadSettings();
  } catch (error) {
    fail((error as Error).message);
  }
  const p = paths(settings.runDir);

  const running = readPid(p.supervisorPid);
  if (isOurs(running, SUPERVISOR_MARK)) {
    const state = readState(settings.runDir);
    if (state?.phase === 'running' && (await clusterHealthy(state.settings))) {
      console.log(`cluster: already running (supervisor pid ${running})`);
      printUrls(state.settings);
      return;
    }
    fail(`a supervisor (pid ${running}) is already running, phase ${state?.phase ?? 'unknown'}; run npm run cluster:stop first`);
  }
  // Leftovers of a supervisor that was killed outright: refuse rather than guess.
  const leftovers = [
    ...settings.ports.map((_, i) => ({ pid: readPid(p.replicaPid(i + 1)), mark: API_MARK })),
    { pid: readPid(p.nginxPid), mark: NGINX_MARK },
  ].filter(({ pid, mark }) => isOurs(pid, mark));
  if (leftovers.length) {
    fail(`processes of an earlier cluster are still running (pids ${leftovers.map((l) => l.pid).join(', ')}): run npm run cluster:stop`);
  }

  validate(settings);
  const busy: string[] = [];
  for (const port of settings.ports) if (!(await portFree(port, '0.0.0.0'))) busy.push(String(port));
  if (!(await portFree(settings.nginxPort, HOST))) busy.push(String(settings.nginxPort));
  if (busy.length) fail(`port(s) ${busy.join(', ')} already in use`);

  try {
    await prepareDatabase(settings);
  } catch (error) {
    fail(`database ${settings.databaseUrl}: ${(error as Error).message}`);
  }

  ensureDir(settings.runDir);
  // A fresh set of logs per run (the previous run's stay until the next start).
  for (const file of [p.supervisorLog, p.nginxAccessLog, p.nginxErrorLog, ...settings.ports.map((_, i) => p.replicaLog(i + 1))]) {
    writeFileSync(file, '');
  }
  const out = openSync(p.supervisorLog, 'a');
  const supervisor = spawn(settings.nodeBin, [SUPERVISOR_SCRIPT], {
    cwd: ROOT,
    detached: true, // its own session and process group: outlives this script and the terminal
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      CLUSTER_RUN_DIR: settings.runDir,
      CLUSTER_PORTS: settings.ports.join(','),
      CLUSTER_NGINX_PORT: String(settings.nginxPort),
      CLUSTER_NODE: settings.nodeBin,
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL: settings.redisUrl,
      SEED_ON_START: settings.seedOnStart,
      DB_POOL_SIZE: String(settings.dbPoolSize),
      LOG_LEVEL: settings.logLevel,
    },
  });
  closeSync(out);
  supervisor.unref();
  console.log(`cluster: supervisor started (pid ${supervisor.pid}); starting replica 1, then the others, then nginx`);

  const deadline = Date.now() + 2 * settings.readyTimeoutMs + START_TIMEOUT_EXTRA_MS;
  let reported = '';
  for (;;) {
    const state = readState(settings.runDir);
    const progress = state ? state.replicas.map((r) => `${r.index}:${r.status}`).join(' ') + ` nginx:${state.nginx.status}` : '';
    if (progress && progress !== reported) {
      console.log(`cluster: ${progress}`);
      reported = progress;
    }
    if (state?.phase === 'running' && (await clusterHealthy(settings))) break;
    if (!supervisor.pid || !isOurs(supervisor.pid, SUPERVISOR_MARK)) {
      fail(`the supervisor stopped during start-up; ${p.supervisorLog}:\n${tail(p.supervisorLog)}`);
    }
    if (Date.now() > deadline) {
      console.error(`cluster: not up in time; stopping it. ${p.supervisorLog}:\n${tail(p.supervisorLog)}`);
      process.kill(supervisor.pid, 'SIGTERM');
      process.exit(1);
    }
    await sleep(250);
  }
  printUrls(settings);
}

main().then(
  () => process.exit(0),
  (error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)),
);
