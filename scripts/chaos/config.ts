import { join } from 'node:path';
import { ROOT } from '../cluster/cluster-common.js';

/**
 * Settings of the chaos drill (`npm run chaos`), from the environment. The drill runs on
 * infrastructure of its own so it never touches the shared PostgreSQL (5432) and Redis (6379):
 * a Debian PostgreSQL cluster `chaos` on 5433, a redis-server on 6390 it spawns itself, and a
 * local cluster (scripts/cluster) on 3021-3023 behind nginx on 8090.
 *
 *   CHAOS_SCENARIOS     comma list of kill,rolling,sigstop,redis,pg (default: all, in that order)
 *   CHAOS_SCALE         duration factor: 1 = full drill (~30-60 s per scenario), 0.2 = a few seconds each
 *   CHAOS_CONCURRENCY   concurrent request loops of the load generator (32)
 *   CHAOS_RATE          requests per second over all loops, 0 = as fast as they go (600)
 *   CHAOS_DRAIN_MAX_MS  bound on waiting for the click pipeline after a scenario (45000: a killed
 *                       consumer's unacknowledged batch is claimed by a live one after 30 s idle)
 *   CHAOS_JSON          also write the results as JSON to this file (the e2e test reads it)
 *   CHAOS_SAMPLES       also write every request the load generator made (one JSON object a line) to this file
 *   CHAOS_DOCS          1/0: write docs/resilience.md (default: only for the full drill, scale 1 and all scenarios)
 *   CHAOS_KEEP_PG       1: leave the chaos PostgreSQL cluster running at the end (default: stopped)
 *   CHAOS_PG_VERSION    PostgreSQL major version of the chaos cluster (default: the one that has it, else the newest)
 */

export const SCENARIO_NAMES = ['kill', 'rolling', 'sigstop', 'redis', 'pg'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface ChaosConfig {
  scale: number;
  scenarios: ScenarioName[];
  fullRun: boolean;
  concurrency: number;
  rate: number;
  drainMaxMs: number;
  jsonOut: string | null;
  samplesOut: string | null;
  writeDocs: boolean;
  keepPg: boolean;
  pgVersion: string | null;
  pgCluster: string;
  pgPort: number;
  database: string;
  databaseUrl: string;
  adminUrl: string;
  redisPort: number;
  redisUrl: string;
  redisKeyPrefix: string;
  runDir: string;
  redisDir: string;
  ports: number[];
  nginxPort: number;
  baseUrl: string;
  dbPoolSize: number;
  users: number;
  hotUrls: number;
  coldUrls: number;
  writeUrls: number;
  docsFile: string;
}

function num(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name}=${raw}: expected a number from ${min} to ${max}`);
  return value;
}

export function loadChaosConfig(): ChaosConfig {
  const scale = num('CHAOS_SCALE', 1, 0.05, 5);
  const rawScenarios = process.env.CHAOS_SCENARIOS?.trim();
  const scenarios = rawScenarios
    ? rawScenarios.split(',').map((s) => s.trim()).filter(Boolean)
    : [...SCENARIO_NAMES];
  for (const name of scenarios) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
      throw new Error(`CHAOS_SCENARIOS: unknown scenario ${JSON.stringify(name)} (known: ${SCENARIO_NAMES.join(', ')})`);
    }
  }
  // Always in the canonical order, each at most once.
  const chosen = SCENARIO_NAMES.filter((name) => scenarios.includes(name));
  const fullRun = scale === 1 && chosen.length === SCENARIO_NAMES.length;
  const docs = process.env.CHAOS_DOCS?.trim();
  const pgPort = 5433;
  const redisPort = 6390;
  const database = 'shortener_chaos';
  const runDir = '/tmp/shortener-chaos';
  const ports = [3021, 3022, 3023];
  const nginxPort = 8090;
  return {
    scale,
    scenarios: chosen,
    fullRun,
    concurrency: num('CHAOS_CONCURRENCY', 32, 1, 256),
    rate: num('CHAOS_RATE', 600, 0, 100_000),
    drainMaxMs: num('CHAOS_DRAIN_MAX_MS', 45_000, 1_000, 300_000),
    jsonOut: process.env.CHAOS_JSON?.trim() || null,
    samplesOut: process.env.CHAOS_SAMPLES?.trim() || null,
    writeDocs: docs === undefined || docs === '' ? fullRun : docs === '1' || docs === 'true',
    keepPg: process.env.CHAOS_KEEP_PG === '1' || process.env.CHAOS_KEEP_PG === 'true',
    pgVersion: process.env.CHAOS_PG_VERSION?.trim() || null,
    pgCluster: 'chaos',
    pgPort,
    database,
    databaseUrl: `postgres://postgres@127.0.0.1:${pgPort}/${database}`,
    adminUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
    redisPort,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    redisKeyPrefix: 'shortener:',
    runDir,
    redisDir: join(runDir, 'redis'),
    ports,
    nginxPort,
    baseUrl: `http://127.0.0.1:${nginxPort}`,
    dbPoolSize: 10,
    users: 5,
    hotUrls: 200,
    coldUrls: 20,
    writeUrls: 20,
    docsFile: join(ROOT, 'docs', 'resilience.md'),
  };
}

/** Environment for the cluster scripts (start, stop, rolling-restart): every setting explicit. */
export function clusterEnv(config: ChaosConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS; // e.g. Jest's --experimental-vm-modules: not for the replicas
  return {
    ...env,
    CLUSTER_RUN_DIR: config.runDir,
    CLUSTER_PORTS: config.ports.join(','),
    CLUSTER_NGINX_PORT: String(config.nginxPort),
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_KEY_PREFIX: config.redisKeyPrefix,
    SEED_ON_START: 'false',
    DB_POOL_SIZE: String(config.dbPoolSize),
    LOG_LEVEL: 'info',
    CLUSTER_READY_TIMEOUT_MS: '60000',
  };
}
