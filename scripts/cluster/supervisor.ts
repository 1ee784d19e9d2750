import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import {
  API_MARK,
  API_NODE_FLAGS,
  API_SCRIPT,
  HOST,
  httpStatus,
  loadSettings,
  paths,
  processesInGroup,
  readyUrl,
  removeFile,
  ROOT,
  signal,
  sleep,
  timestamp,
  waitFor,
  writeJsonAtomic,
  findNginx,
  type ClusterState,
  type ProcessState,
} from './cluster-common.js';
import { renderLocalNginx, testNginxConfig, type NginxLayout } from './nginx-config.js';

/**
 * The local cluster's supervisor (started detached by start.ts; stopped by stop.ts with SIGTERM).
 * It runs the API replicas and nginx as its children, and restarts any of them that exits without
 * having been asked to (crash, SIGKILL, an outside SIGTERM as in a rolling restart): at once, or
 * after a short backoff (at most 2 s) when it keeps dying within seconds of starting - the native
 * stand-in for Docker's `restart: unless-stopped`. Everything it does goes to supervisor.log, and
 * its view of the children to state.json and the pid files, which the other scripts read.
 */

const settings = loadSettings();
const p = paths(settings.runDir);
const nginxBin = findNginx();
/** A child that dies within this long of starting counts towards the crash-loop backoff. */
const QUICK_EXIT_MS = 10_000;
const MAX_RESTART_DELAY_MS = 2_000;
const REPLICA_STOP_TIMEOUT_MS = 15_000; // the API gives itself 10 s (SHUTDOWN_LIMIT_MS)
const NGINX_STOP_TIMEOUT_MS = 10_000;
const NGINX_HEALTH_URL = `http://${HOST}:${settings.nginxPort}/nginx-health`;

function log(message: string): void {
  console.log(`${timestamp()} supervisor: ${message}`);
}

class Supervised {
  child: ChildProcess | null = null;
  /** Set when the supervisor itself stops this process: its exit is then not restarted. */
  stopRequested = false;
  private quickExits = 0;
  private startedAtMs = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private exitWaiters: (() => void)[] = [];

  constructor(
    readonly state: ProcessState,
    private readonly pidFile: string | null,
    private readonly start: () => ChildProcess,
    private readonly probe: () => Promise<boolean>,
    private readonly afterExit: () => void = () => undefined,
  ) {}

  spawn(): void {
    this.restartTimer = null;
    this.startedAtMs = Date.now();
    const child = this.start();
    this.child = child;
    let exited = false;
    const onExit = (code: number | null, sig: NodeJS.Signals | null, error?: Error) => {
      if (exited) return;
      exited = true;
      this.handleExit(child, code, sig, error);
    };
    child.once('exit', (code, sig) => onExit(code, sig));
    child.once('error', (error) => onExit(null, null, error));
    Object.assign(this.state, {
      pid: child.pid ?? null,
      status: 'starting',
      startedAt: timestamp(),
      readyAt: null,
    });
    if (this.pidFile && child.pid) writeFileSync(this.pidFile, `${child.pid}\n`);
    log(`${this.state.name} started (pid ${child.pid ?? '?'}, port ${this.state.port})`);
    saveState();
    void this.watchReadiness(child);
  }

  private async watchReadiness(child: ChildProcess): Promise<void> {
    const started = Date.now();
    while (this.child === child && this.state.status === 'starting') {
      if (await this.probe()) {
        if (this.child !== child || this.state.status !== 'starting') return;
        this.state.status = 'ready';
        this.state.readyAt = timestamp();
        log(`${this.state.name} ready (pid ${child.pid}, port ${this.state.port}) ${Date.now() - started} ms after start`);
        saveState();
        return;
      }
      await sleep(Date.now() - started < 10_000 ? 100 : 500);
    }
  }

  private handleExit(child: ChildProcess, code: number | null, sig: NodeJS.Signals | null, error?: Error): void {
    if (this.child !== child) return;
    this.child = null;
    const lived = Date.now() - this.startedAtMs;
    this.state.lastExit = { code, signal: sig, at: timestamp() };
    this.state.pid = null;
    if (this.pidFile) removeFile(this.pidFile);
    const how = error ? `failed to start: ${error.message}` : sig ? `was killed by ${sig}` : `exited with code ${code}`;
    this.afterExit();
    const waiters = this.exitWaiters.splice(0);
    if (this.stopRequested || shuttingDown) {
      this.state.status = 'stopped';
      log(`${this.state.name} (pid ${child.pid ?? '?'}) ${how} (stopped by the supervisor; not restarted)`);
      saveState();
      for (const resolve of waiters) resolve();
      return;
    }
    this.quickExits = lived < QUICK_EXIT_MS ? this.quickExits + 1 : 0;
    const delay = this.quickExits <= 1 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** (this.quickExits - 2));
    this.state.restarts += 1;
    this.state.status = 'restarting';
    log(
      `${this.state.name} (pid ${child.pid ?? '?'}, port ${this.state.port}) ${how} after ${(lived / 1000).toFixed(1)} s, ` +
        `unexpectedly: restart #${this.state.restarts} in ${delay} ms`,
    );
    saveState();
    for (const resolve of waiters) resolve();
    this.restartTimer = setTimeout(() => {
      if (!shuttingDown && !this.stopRequested) this.spawn();
    }, delay);
  }

  /** Stops the process for good (no restart): `first` signal, SIGKILL after `timeoutMs`. */
  async stop(first: NodeJS.Signals, timeoutMs: number): Promise<void> {
    this.stopRequested = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child?.pid) {
      if (this.state.status !== 'stopped') {
        this.state.status = 'stopped';
        saveState();
      }
      return;
    }
    this.state.status = 'stopping';
    saveState();
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    signal(child.pid, first);
    signal(child.pid, 'SIGCONT'); // a SIGSTOPped process (chaos drill) must run to handle it
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    if (await Promise.race([exited.then(() => true), timer])) return;
    log(`${this.state.name} (pid ${child.pid}) did not stop within ${timeoutMs} ms: SIGKILL`);
    signal(child.pid, 'SIGKILL');
    await Promise.race([exited, sleep(3_000)]);
  }
}

let shuttingDown = false;
let rendered: NginxLayout | null = null;
const replicaEnv = {
  DATABASE_URL: settings.databaseUrl,
  REDIS_URL: settings.redisUrl,
  SEED_ON_START: settings.seedOnStart,
  DB_POOL_SIZE: String(settings.dbPoolSize),
  LOG_LEVEL: settings.logLevel,
};

function openLog(file: string): number {
  return openSync(file, 'a');
}

function newState(index: number, name: string, port: number, log: string): ProcessState {
  return { index, name, port, pid: null, status: 'pending', startedAt: null, readyAt: null, restarts: 0, lastExit: null, log };
}

const replicas = settings.ports.map((port, i) => {
  const index = i + 1;
  return new Supervised(
    newState(index, `replica ${index}`, port, p.replicaLog(index)),
    p.replicaPid(index),
    () => {
      const fd = openLog(p.replicaLog(index));
      try {
        return spawn(settings.nodeBin, [...API_NODE_FLAGS, API_SCRIPT], {
          cwd: ROOT,
          env: { ...process.env, ...replicaEnv, PORT: String(port) },
          stdio: ['ignore', fd, fd],
        });
      } finally {
        closeSync(fd);
      }
    },
    async () => (await httpStatus(readyUrl(port))) === 200,
  );
});

const nginx = new Supervised(
  newState(0, 'nginx', settings.nginxPort, p.nginxAccessLog),
  null, // nginx writes nginx.pid itself (-g 'pid ...')
  () => {
    const out = openLog(p.nginxAccessLog);
    const err = openLog(p.nginxErrorLog);
    try {
      return spawn(nginxBin ?? 'nginx', rendered?.args ?? [], { cwd: settings.runDir, stdio: ['ignore', out, err] });
    } finally {
      closeSync(out);
      closeSync(err);
    }
  },
  async () => (await httpStatus(NGINX_HEALTH_URL)) === 200,
  // A master that died abruptly (SIGKILL) leaves its workers holding the listening socket, and a
  // new master could not bind it: end them. They are in our process group; nothing else is.
  () => {
    for (const member of processesInGroup(process.pid)) {
      if (/^nginx: (worker|cache)/.test(member.cmdline)) {
        log(`ending orphaned ${member.cmdline.trim()} (pid ${member.pid})`);
        signal(member.pid, 'SIGKILL');
      }
    }
  },
);

const state: ClusterState = {
  supervisorPid: process.pid,
  phase: 'starting',
  startedAt: timestamp(),
  updatedAt: timestamp(),
  nginxUrl: `http://${HOST}:${settings.nginxPort}`,
  settings,
  nginx: nginx.state,
  replicas: replicas.map((r) => r.state),
};

function saveState(): void {
  if (state.phase === 'stopped') return;
  state.updatedAt = timestamp();
  try {
    writeJsonAtomic(p.state, state);
  } catch (error) {
    log(`could not write ${p.state}: ${(error as Error).message}`);
  }
}

async function waitReady(targets: Supervised[], timeoutMs: number): Promise<boolean> {
  return waitFor(() => shuttingDown || targets.every((t) => t.state.status === 'ready'), timeoutMs, 100).then(
    (done) => done && !shuttingDown,
  );
}

async function shutdown(reason: string, exitCode: number): Promise<never> {
  if (shuttingDown) return new Promise<never>(() => undefined);
  shuttingDown = true;
  state.phase = 'stopping';
  log(`stopping (${reason}): nginx first (graceful SIGQUIT), then the replicas (SIGTERM: drain and exit)`);
  saveState();
  await nginx.stop('SIGQUIT', NGINX_STOP_TIMEOUT_MS);
  await Promise.all(replicas.map((r) => r.stop('SIGTERM', REPLICA_STOP_TIMEOUT_MS)));
  // Anything of ours still around (e.g. nginx workers of a master that was SIGKILLed).
  for (const member of processesInGroup(process.pid).filter((m) => m.cmdline.includes(API_MARK) || /^nginx: /.test(m.cmdline))) {
    log(`ending leftover process ${member.pid} (${member.cmdline.trim()})`);
    signal(member.pid, 'SIGKILL');
  }
  for (const r of replicas) removeFile(p.replicaPid(r.state.index));
  removeFile(p.nginxPid);
  if (rendered) removeFile(rendered.dir);
  removeFile(p.state);
  state.phase = 'stopped';
  removeFile(p.supervisorPid);
  log(`stopped (exit ${exitCode})`);
  process.exit(exitCode);
}

async function main(): Promise<void> {
  writeFileSync(p.supervisorPid, `${process.pid}\n`);
  log(
    `starting: replicas on ${settings.ports.map((port) => `${HOST}:${port}`).join(', ')}, nginx on ${HOST}:${settings.nginxPort}; ` +
      `node ${settings.nodeBin}; DB_POOL_SIZE=${settings.dbPoolSize} SEED_ON_START=${settings.seedOnStart} LOG_LEVEL=${settings.logLevel}`,
  );
  saveState();
  if (!nginxBin) return void shutdown('no nginx binary found (install it: apt-get install -y nginx, or set CLUSTER_NGINX_BIN)', 1);
  rendered = renderLocalNginx(settings);
  const problem = testNginxConfig(nginxBin, rendered);
  if (problem) return void shutdown(`nginx -t failed:\n${problem}`, 1);
  log(`nginx configuration ${rendered.conf} is valid (${nginxBin} -t)`);

  // Replica 1 alone first: with SEED_ON_START it seeds an empty database before the others boot.
  const [first, ...rest] = replicas;
  first!.spawn();
  if (!(await waitReady([first!], settings.readyTimeoutMs))) {
    return void shutdown(`replica 1 was not ready within ${settings.readyTimeoutMs} ms (see ${first!.state.log})`, 1);
  }
  for (const r of rest) r.spawn();
  if (!(await waitReady(rest, settings.readyTimeoutMs))) {
    return void shutdown(`replicas were not ready within ${settings.readyTimeoutMs} ms`, 1);
  }
  nginx.spawn();
  if (!(await waitReady([nginx], 10_000))) {
    return void shutdown(`nginx did not answer ${NGINX_HEALTH_URL} within 10 s (see ${p.nginxErrorLog})`, 1);
  }
  state.phase = 'running';
  saveState();
  log(`running: ${state.nginxUrl} -> ${settings.ports.length} replicas`);
}

for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig, 0));
process.on('uncaughtException', (error) => {
  log(`unexpected error: ${error.stack ?? error}`);
  void shutdown('unexpected error', 1);
});
process.on('unhandledRejection', (error) => {
  log(`unexpected rejection: ${(error as Error)?.stack ?? error}`);
  void shutdown('unexpected error', 1);
});

void main();
