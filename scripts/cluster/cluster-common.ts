import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { delimiter, join } from 'node:path';
import { projectRoot } from '../../libs/common/project-root.js';

/**
 * Shared by the local cluster scripts (start, supervisor, stop, rolling-restart, signal, status):
 * settings from the environment, the run directory layout, the state file the supervisor keeps,
 * and small process and HTTP helpers.
 */

export const ROOT = projectRoot();
export const HOST = '127.0.0.1';
/** The V8 flags `npm start` and the Dockerfile run the API with. */
export const API_NODE_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=160'];
export const API_SCRIPT = join(ROOT, 'dist', 'apps', 'api', 'main.js');
export const SUPERVISOR_SCRIPT = join(ROOT, 'dist', 'scripts', 'cluster', 'supervisor.js');
/** What a replica's / the supervisor's command line contains: a pid is only signalled if it matches. */
export const API_MARK = 'dist/apps/api/main.js';
export const SUPERVISOR_MARK = 'dist/scripts/cluster/supervisor.js';
export const NGINX_MARK = 'nginx';

type Env = Record<string, string | undefined>;

export interface ClusterSettings {
  runDir: string;
  ports: number[];
  nginxPort: number;
  databaseUrl: string;
  redisUrl: string;
  seedOnStart: string;
  dbPoolSize: number;
  logLevel: string;
  /** Node for the supervisor and the replicas: the project's Node 24 when installed. */
  nodeBin: string;
  /** Bound on how long the first boot (migrations, seed) of one replica may take. */
  readyTimeoutMs: number;
}

function value(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
}

function port(name: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new Error(`Invalid ${name}=${JSON.stringify(raw)}: ports are integers from 1 to 65535`);
  }
  return Number(raw);
}

function nodeBinary(env: Env): string {
  const explicit = env.CLUSTER_NODE?.trim();
  if (explicit) return explicit;
  const projectNode = join(ROOT, 'node_modules', '.bin', 'node');
  return existsSync(projectNode) ? realpathSync(projectNode) : process.execPath;
}

export function loadSettings(env: Env = process.env): ClusterSettings {
  const ports = value(env, 'CLUSTER_PORTS', '3001,3002,3003')
    .split(',')
    .map((p) => port('CLUSTER_PORTS', p.trim()));
  const nginxPort = port('CLUSTER_NGINX_PORT', value(env, 'CLUSTER_NGINX_PORT', '8080'));
  if (new Set([...ports, nginxPort]).size !== ports.length + 1) {
    throw new Error('CLUSTER_PORTS and CLUSTER_NGINX_PORT must all be different ports');
  }
  return {
    runDir: value(env, 'CLUSTER_RUN_DIR', '/tmp/shortener-cluster'),
    ports,
    nginxPort,
    databaseUrl: value(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/shortener'),
    redisUrl: value(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    seedOnStart: value(env, 'SEED_ON_START', 'true'),
    // 3 replicas x 10 = 30 connections, well below PostgreSQL's default max_connections of 100.
    dbPoolSize: Number(value(env, 'DB_POOL_SIZE', '10')),
    logLevel: value(env, 'LOG_LEVEL', 'info'),
    nodeBin: nodeBinary(env),
    readyTimeoutMs: Number(value(env, 'CLUSTER_READY_TIMEOUT_MS', '120000')),
  };
}

/** The run directory. Logs survive `cluster:stop`; pid files and state.json do not. */
export const paths = (runDir: string) => ({
  runDir,
  supervisorPid: join(runDir, 'supervisor.pid'),
  supervisorLog: join(runDir, 'supervisor.log'),
  state: join(runDir, 'state.json'),
  replicaPid: (index: number) => join(runDir, `replica-${index}.pid`),
  replicaLog: (index: number) => join(runDir, `replica-${index}.log`),
  nginxPid: join(runDir, 'nginx.pid'),
  nginxAccessLog: join(runDir, 'nginx-access.log'),
  nginxErrorLog: join(runDir, 'nginx-error.log'),
  nginxDir: join(runDir, 'nginx'),
});

/** pending: not started yet (replicas 2..N wait for replica 1, nginx for all of them). */
export type ReplicaStatus = 'pending' | 'starting' | 'ready' | 'restarting' | 'stopping' | 'stopped';

export interface ExitRecord {
  code: number | null;
  signal: string | null;
  at: string;
}

export interface ProcessState {
  /** 1-based for replicas; 0 for nginx. */
  index: number;
  name: string;
  port: number;
  pid: number | null;
  status: ReplicaStatus;
  startedAt: string | null;
  readyAt: string | null;
  restarts: number;
  lastExit: ExitRecord | null;
  log: string;
}

export interface ClusterState {
  supervisorPid: number;
  phase: 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
  startedAt: string;
  updatedAt: string;
  nginxUrl: string;
  settings: Omit<ClusterSettings, 'runDir'> & { runDir: string };
  nginx: ProcessState;
  replicas: ProcessState[];
}

export function readState(runDir: string): ClusterState | null {
  try {
    return JSON.parse(readFileSync(paths(runDir).state, 'utf8')) as ClusterState;
  } catch {
    return null;
  }
}

/**
 * The settings of the cluster that is running (from its state.json), so the helper scripts need
 * no CLUSTER_* variables repeated beyond CLUSTER_RUN_DIR; the environment's when none runs.
 */
export function runningSettings(env: Env = process.env): ClusterSettings {
  const fromEnv = loadSettings(env);
  return readState(fromEnv.runDir)?.settings ?? fromEnv;
}

/** Atomic: readers never see half a file. */
export function writeJsonAtomic(file: string, data: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(data, null, 2) + '\n');
  renameSync(temporary, file);
}

export function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function removeFile(file: string): void {
  rmSync(file, { force: true, recursive: true });
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped) counts as gone.
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The process's command line, or '' when it is gone; guards against signalling a reused pid. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

export function isOurs(pid: number | null, mark: string): pid is number {
  return pid !== null && isAlive(pid) && commandLine(pid).includes(mark);
}

export interface GroupMember {
  pid: number;
  cmdline: string;
}

/**
 * The processes of a process group, from /proc. The supervisor is started detached, so it leads a
 * group of its own and every replica, nginx master and nginx worker it starts is in that group:
 * this finds them even after the supervisor or the nginx master died (orphaned nginx workers).
 */
export function processesInGroup(pgid: number): GroupMember[] {
  const members: GroupMember[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return members;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push({ pid, cmdline: commandLine(pid) });
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/** Direct children of a process, from /proc (e.g. an nginx master's workers). */
export function childPids(parent: number): number[] {
  const children: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return children;
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === parent && state !== 'Z') children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` or the deadline; true when done. */
export async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(stepMs);
  }
}

/** Status of one GET on a fresh connection (no keep-alive kept in the caller), or 0 on any failure. */
export function httpStatus(url: string, timeoutMs = 1_000): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
}

export const readyUrl = (port: number) => `http://${HOST}:${port}/health/ready`;

/** The nginx binary: CLUSTER_NGINX_BIN, else `nginx` on PATH or in the usual sbin directories. */
export function findNginx(env: Env = process.env): string | null {
  const explicit = env.CLUSTER_NGINX_BIN?.trim();
  if (explicit) return existsSync(explicit) ? explicit : null;
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  return null;
}

export function timestamp(): string {
  return new Date().toISOString();
}
