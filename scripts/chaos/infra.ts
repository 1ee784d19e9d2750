import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { API_MARK, isAlive, isOurs, paths, readPid, ROOT, sleep, waitFor } from '../cluster/cluster-common.js';
import { clusterEnv, type ChaosConfig } from './config.js';

/**
 * The drill's own infrastructure: the `chaos` PostgreSQL cluster (Debian's pg_ctlcluster), a
 * redis-server it spawns, and the local cluster (scripts/cluster, compiled to dist/scripts/cluster).
 * Nothing here touches the shared PostgreSQL on 5432 or Redis on 6379.
 */

export interface CommandResult {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs a command to its end, bounded in time (SIGTERM, then SIGKILL, on the child we started). */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number; echo?: string | null },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let pending = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (options.echo) {
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) console.log(`${options.echo}${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5_000).unref();
    }, options.timeoutMs);
    const finish = (code: number | null) => {
      clearTimeout(timer);
      if (options.echo && pending) console.log(`${options.echo}${pending}`);
      resolve({ code, output, timedOut });
    };
    child.once('error', (error) => {
      output += String(error);
      finish(null);
    });
    child.once('close', (code) => finish(code));
  });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: the `chaos` cluster
// ---------------------------------------------------------------------------------------------

const PG_HBA = `# Written by scripts/chaos/infra.ts: the chaos drill's own cluster, trust on loopback TCP.
local   all             postgres                                peer
local   all             all                                     peer
host    all             all             127.0.0.1/32            trust
host    all             all             ::1/128                 trust
`;

const PG_CONF = `# Written by scripts/chaos/infra.ts for the chaos drill's own cluster.
listen_addresses = '127.0.0.1'
max_connections = 100
`;

export class ChaosPostgres {
  readonly version: string;

  constructor(private readonly config: ChaosConfig) {
    this.version = config.pgVersion ?? ChaosPostgres.pickVersion(config.pgCluster);
  }

  private static pickVersion(cluster: string): string {
    let versions: string[];
    try {
      versions = readdirSync('/etc/postgresql').filter((v) => /^\d+(\.\d+)?$/.test(v));
    } catch {
      throw new Error('PostgreSQL is not installed (/etc/postgresql is missing): apt-get install -y postgresql');
    }
    if (!versions.length) throw new Error('no PostgreSQL version under /etc/postgresql');
    const withCluster = versions.filter((v) => existsSync(join('/etc/postgresql', v, cluster)));
    return (withCluster.length ? withCluster : versions).sort((a, b) => Number(b) - Number(a))[0]!;
  }

  get confDir(): string {
    return join('/etc/postgresql', this.version, this.config.pgCluster);
  }

  private ctl(action: string, extra: string[] = [], timeoutMs = 60_000): Promise<CommandResult> {
    return runCommand('pg_ctlcluster', ['--skip-systemctl-redirect', this.version, this.config.pgCluster, action, ...extra], { timeoutMs });
  }

  /** Creates the cluster once (pg_createcluster), keeps its access rules and settings, starts it. */
  async ensure(): Promise<string[]> {
    const notes: string[] = [];
    if (!existsSync(this.confDir)) {
      const created = await runCommand('pg_createcluster', [this.version, this.config.pgCluster, '--port', String(this.config.pgPort)], {
        timeoutMs: 120_000,
      });
      if (created.code !== 0) throw new Error(`pg_createcluster ${this.version} ${this.config.pgCluster} failed:\n${created.output}`);
      notes.push(`created PostgreSQL cluster ${this.version}/${this.config.pgCluster} on port ${this.config.pgPort}`);
    }
    const conf = readFileSync(join(this.confDir, 'postgresql.conf'), 'utf8');
    const port = /^\s*port\s*=\s*(\d+)/m.exec(conf)?.[1];
    if (Number(port) !== this.config.pgPort) {
      throw new Error(`${this.confDir}/postgresql.conf has port ${port}, expected ${this.config.pgPort}`);
    }
    let restart = false;
    let reload = false;
    const hbaFile = join(this.confDir, 'pg_hba.conf');
    if (readFileSync(hbaFile, 'utf8') !== PG_HBA) {
      writeFileSync(hbaFile, PG_HBA);
      reload = true;
    }
    mkdirSync(join(this.confDir, 'conf.d'), { recursive: true });
    const confFile = join(this.confDir, 'conf.d', 'chaos.conf');
    if (!existsSync(confFile) || readFileSync(confFile, 'utf8') !== PG_CONF) {
      writeFileSync(confFile, PG_CONF);
      restart = true;
    }
    // Started by the drill only, never at boot.
    const startConf = join(this.confDir, 'start.conf');
    if (existsSync(startConf) && readFileSync(startConf, 'utf8').trim().split('\n').pop()?.trim() !== 'manual') {
      writeFileSync(startConf, '# Started by the chaos drill (scripts/chaos) only.\nmanual\n');
    }
    if (!(await this.isRunning())) {
      await this.start();
      notes.push(`started PostgreSQL ${this.version}/${this.config.pgCluster}`);
    } else if (restart) {
      const result = await this.ctl('restart', ['-m', 'fast']);
      if (result.code !== 0) throw new Error(`pg_ctlcluster restart failed:\n${result.output}`);
      notes.push('restarted the chaos PostgreSQL cluster for its settings');
    } else if (reload) {
      await this.ctl('reload');
    }
    if (!(await waitFor(() => this.accepts(), 30_000, 200))) throw new Error(`PostgreSQL on port ${this.config.pgPort} does not accept connections`);
    return notes;
  }

  async isRunning(): Promise<boolean> {
    return (await this.ctl('status', [], 10_000)).code === 0;
  }

  async start(): Promise<void> {
    const result = await this.ctl('start');
    if (result.code !== 0 && !(await this.isRunning())) throw new Error(`pg_ctlcluster start failed:\n${result.output}`);
  }

  async stop(): Promise<void> {
    const result = await this.ctl('stop', ['-m', 'fast']);
    if (result.code !== 0 && (await this.isRunning())) throw new Error(`pg_ctlcluster stop failed:\n${result.output}`);
  }

  /** True when a connection and `SELECT 1` succeed. */
  async accepts(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.config.adminUrl, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** The drill's database, dropped and created empty (start.js migrates it). */
  async recreateDatabase(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.adminUrl });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${this.config.database} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${this.config.database}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async serverVersion(): Promise<string> {
    const client = new pg.Client({ connectionString: this.config.adminUrl });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      return rows[0]?.v ?? this.version;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Redis: redis-server on its own port, append-only file in the run directory
// ---------------------------------------------------------------------------------------------

export class ChaosRedis {
  private child: ChildProcess | null = null;

  constructor(private readonly config: ChaosConfig) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  private args(): string[] {
    return [
      '--port', String(this.config.redisPort),
      '--bind', '127.0.0.1',
      '--appendonly', 'yes',
      '--dir', this.config.redisDir,
      '--daemonize', 'no',
      '--logfile', join(this.config.runDir, 'redis.log'),
    ];
  }

  async ping(): Promise<boolean> {
    const result = await runCommand('redis-cli', ['-h', '127.0.0.1', '-p', String(this.config.redisPort), 'ping'], { timeoutMs: 3_000 });
    return result.code === 0 && result.output.trim() === 'PONG';
  }

  /** A redis-server left on the drill's port by an earlier, interrupted drill: shut it down. */
  async removeLeftover(): Promise<boolean> {
    if (!(await this.ping())) return false;
    await runCommand('redis-cli', ['-h', '127.0.0.1', '-p', String(this.config.redisPort), 'shutdown', 'nosave'], { timeoutMs: 5_000 });
    if (!(await waitFor(async () => !(await this.ping()), 10_000, 200))) {
      throw new Error(`a redis-server on port ${this.config.redisPort} does not shut down`);
    }
    return true;
  }

  /** Empties the data directory: a fresh drill starts with no stream and no cached links. */
  wipe(): void {
    rmSync(this.config.redisDir, { recursive: true, force: true });
    mkdirSync(this.config.redisDir, { recursive: true });
  }

  async start(): Promise<void> {
    mkdirSync(this.config.redisDir, { recursive: true });
    const out = openSync(join(this.config.runDir, 'redis.stdout.log'), 'a');
    try {
      this.child = spawn('redis-server', this.args(), { stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    const child = this.child;
    child.once('error', () => undefined);
    if (!(await waitFor(async () => child.exitCode === null && (await this.ping()), 15_000, 100))) {
      throw new Error(`redis-server on port ${this.config.redisPort} did not answer PING (see ${this.config.runDir}/redis.log)`);
    }
  }

  /** `redis-cli shutdown` (the AOF is fsynced, so the stream survives), then waits for the process to exit. */
  async shutdown(save = true): Promise<void> {
    const child = this.child;
    await runCommand('redis-cli', ['-h', '127.0.0.1', '-p', String(this.config.redisPort), 'shutdown', ...(save ? [] : ['nosave'])], {
      timeoutMs: 10_000,
    });
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = await waitFor(() => child.exitCode !== null || child.signalCode !== null, 10_000, 50);
      if (!exited) {
        child.kill('SIGKILL');
        await waitFor(() => child.exitCode !== null || child.signalCode !== null, 3_000, 50);
      }
    }
    this.child = null;
  }

  private async withClient<T>(work: (client: ReturnType<typeof createClient>) => Promise<T>): Promise<T | null> {
    const client = createClient({ url: this.config.redisUrl, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await work(client);
    } catch {
      return null;
    } finally {
      if (client.isOpen) client.destroy();
    }
  }

  /** Length of the click stream (entries waiting or unacknowledged), or null when Redis does not answer. */
  xlen(): Promise<number | null> {
    return this.withClient((client) => client.xLen(`${this.config.redisKeyPrefix}clicks`));
  }

  /** Seconds to live of each code's shared (L2) cache entry: -2 missing, -1 no expiry. */
  linkTtls(codes: string[]): Promise<Map<string, number> | null> {
    return this.withClient(async (client) => {
      const multi = client.multi();
      for (const code of codes) multi.ttl(`${this.config.redisKeyPrefix}link:${code}`);
      const replies = (await multi.exec()) as unknown as number[];
      return new Map(codes.map((code, i) => [code, Number(replies[i])]));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The local cluster (scripts/cluster)
// ---------------------------------------------------------------------------------------------

const CLUSTER = join(ROOT, 'dist', 'scripts', 'cluster');

export class ChaosCluster {
  constructor(
    private readonly config: ChaosConfig,
    private readonly nodeBin: string,
  ) {}

  get paths() {
    return paths(this.config.runDir);
  }

  private script(name: string, args: string[], timeoutMs: number, echo: string | null = '    | '): Promise<CommandResult> {
    return runCommand(this.nodeBin, [join(CLUSTER, name), ...args], { env: clusterEnv(this.config), timeoutMs, echo });
  }

  async start(): Promise<void> {
    if (!existsSync(join(CLUSTER, 'start.js'))) throw new Error(`${CLUSTER}/start.js is missing: run npm run build first`);
    const result = await this.script('start.js', [], 200_000);
    if (result.code !== 0) throw new Error(`cluster start failed (exit ${result.code}${result.timedOut ? ', timed out' : ''})`);
  }

  async stop(): Promise<void> {
    const result = await this.script('stop.js', [], 60_000);
    if (result.code !== 0) throw new Error(`cluster stop failed (exit ${result.code})`);
  }

  rollingRestart(): Promise<CommandResult> {
    return this.script('rolling-restart.js', [], 180_000, '    | ');
  }

  /** The pid of replica `index` (1-based) when it is a running replica, else null. */
  replicaPid(index: number): number | null {
    const pid = readPid(this.paths.replicaPid(index));
    return isOurs(pid, API_MARK) ? pid : null;
  }

  replicaPids(): (number | null)[] {
    return this.config.ports.map((_, i) => this.replicaPid(i + 1));
  }

  /** Sends a signal to replica `index`, guarded like signal.js: only a pid whose command line is a replica. */
  signalReplica(index: number, name: NodeJS.Signals): number {
    const pid = this.replicaPid(index);
    if (pid === null) throw new Error(`replica ${index} is not running`);
    process.kill(pid, name);
    return pid;
  }

  isAlive(pid: number): boolean {
    return isAlive(pid);
  }
}

export { sleep, waitFor };
