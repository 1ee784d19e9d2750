import { readFileSync, statSync } from 'node:fs';
import { childPids, httpStatus, paths, readPid, readyUrl } from '../cluster/cluster-common.js';
import type { ChaosConfig, ScenarioName } from './config.js';
import { sleep, waitFor, type ChaosCluster, type ChaosPostgres, type ChaosRedis } from './infra.js';
import { Ledger, type ClickStats } from './ledger.js';
import { isSuccess, LoadGenerator, percentile, type LoadTargets, type Method, type Sample } from './load.js';

/**
 * The five scenarios. Each runs the steady load, injects one failure, measures the recovery, then
 * waits for the click pipeline and checks its expectations.
 */

export interface Context {
  config: ChaosConfig;
  runId: string;
  cluster: ChaosCluster;
  redis: ChaosRedis;
  postgres: ChaosPostgres;
  ledger: Ledger;
  targets: LoadTargets;
  log: (message: string) => void;
}

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export interface ScenarioResult {
  name: ScenarioName;
  title: string;
  injects: string;
  startedAt: string;
  durationS: number;
  requests: Record<Method, number>;
  failed: Record<Method, number>;
  /** Final failures (after the client's retries for POST/PUT) by "METHOD status" / "METHOD network error (…)". */
  failures: Record<string, number>;
  /** Every answer that was a 5xx or no answer, retried ones included, by "status origin". */
  attempts5xx: Record<string, number>;
  writesRetried: number;
  /** Times nginx started new workers (a reload), seen by polling its master's children. */
  nginxReloads: string[];
  /**
   * Failed GETs that got no HTTP answer at all within 1 s after an nginx reload: the old worker
   * closed the client's idle keep-alive connection as the request was sent (nginx never saw it).
   * They are failed GETs all the same; this says where they came from.
   */
  reloadResets: number;
  /** Failed GETs the scenario expects (GETs of cold codes while PostgreSQL is down get 503). */
  expectedFailures: number;
  getP50: number;
  getP99: number;
  getMax: number;
  clicks: ClickStats;
  recovery: string;
  details: string[];
  checks: Check[];
  pass: boolean;
  samples: Sample[];
}

const METHODS: Method[] = ['GET', 'POST', 'PUT'];

export const TITLES: Record<ScenarioName, { title: string; injects: string }> = {
  kill: {
    title: 'SIGKILL a replica every 10 s',
    injects: 'SIGKILL to replica 1, 2, 3 in turn, 10 s apart; the supervisor starts a replacement at once',
  },
  rolling: {
    title: 'Rolling restart (SIGTERM)',
    injects: 'scripts/cluster/rolling-restart: each replica in turn SIGTERMed (drains, exits 0) and replaced; nginx moves requests off it (no reload)',
  },
  sigstop: {
    title: 'SIGSTOP a replica for 15 s',
    injects: 'SIGSTOP to replica 2 (a hung process: accepts connections, answers nothing), SIGCONT 15 s later',
  },
  redis: {
    title: 'Redis down for 30 s',
    injects: '`redis-cli shutdown` of the drill\'s Redis, restarted 30 s later on the same append-only file; no app restart',
  },
  pg: {
    title: 'PostgreSQL restart',
    injects: '`pg_ctlcluster <v> chaos stop -m fast`, ~5 s down, `start`; cached codes keep redirecting, the rest gets 503',
  },
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function check(name: string, pass: boolean, detail: string): Check {
  return { name, pass, detail };
}

function statusLabel(sample: Sample): string {
  if (sample.status === 0) return `${sample.method} network error (${sample.error ?? 'unknown'})`;
  return `${sample.method} ${sample.status}`;
}

/** Polls the nginx master's workers; a worker pid not seen before means nginx (re)loaded its configuration. */
class NginxWatch {
  readonly reloads: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private known = new Set<number>();
  private errorLogStart = 0;

  constructor(
    private readonly pidFile: string,
    private readonly errorLog: string,
  ) {}

  /** Lines nginx wrote to its error log since start() that contain `text`. */
  errorLines(text: string): number {
    try {
      const added = readFileSync(this.errorLog).subarray(this.errorLogStart).toString();
      return added.split('\n').filter((line) => line.includes(text)).length;
    } catch {
      return 0;
    }
  }

  start(): void {
    try {
      this.errorLogStart = statSync(this.errorLog).size;
    } catch {
      this.errorLogStart = 0;
    }
    this.known = new Set(this.workers());
    this.timer = setInterval(() => {
      const now = this.workers();
      if (now.some((pid) => !this.known.has(pid))) this.reloads.push(Date.now());
      for (const pid of now) this.known.add(pid);
    }, 50);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private workers(): number[] {
    const master = readPid(this.pidFile);
    return master === null ? [] : childPids(master);
  }
}

const watches = new WeakMap<LoadGenerator, NginxWatch>();

async function runLoad(ctx: Context, tag: string, targets: LoadTargets, body: (load: LoadGenerator) => Promise<void>): Promise<LoadGenerator> {
  const watch = new NginxWatch(paths(ctx.config.runDir).nginxPid, paths(ctx.config.runDir).nginxErrorLog);
  watch.start();
  const load = new LoadGenerator({
    baseUrl: ctx.config.baseUrl,
    tag,
    runId: ctx.runId,
    concurrency: ctx.config.concurrency,
    rate: ctx.config.rate,
    targets,
  });
  watches.set(load, watch);
  load.start();
  try {
    await body(load);
  } finally {
    await load.stop();
    watch.stop();
  }
  return load;
}

async function summarize(
  ctx: Context,
  name: ScenarioName,
  load: LoadGenerator,
  extra: { recovery: string; details: string[]; checks: (base: Omit<ScenarioResult, 'checks' | 'pass'>) => Check[] },
  samples: Sample[] = load.samples,
): Promise<ScenarioResult> {
  ctx.log(`${name}: load stopped after ${seconds(load.stoppedAt - load.startedAt)}; waiting for the click pipeline to drain…`);
  const clicks = await ctx.ledger.drain(name, samples);
  const requests = { GET: 0, POST: 0, PUT: 0 };
  const failed = { GET: 0, POST: 0, PUT: 0 };
  const failures: Record<string, number> = {};
  const attempts5xx: Record<string, number> = {};
  let writesRetried = 0;
  for (const sample of samples) {
    requests[sample.method] += 1;
    if (sample.method !== 'GET' && sample.attempts.length > 1) writesRetried += 1;
    if (!isSuccess(sample)) {
      failed[sample.method] += 1;
      const label = statusLabel(sample);
      failures[label] = (failures[label] ?? 0) + 1;
    }
    for (const attempt of sample.attempts) {
      if (attempt.status !== 0 && attempt.status < 500) continue;
      const label = attempt.status === 0 ? `no answer (${attempt.error})` : `${attempt.status} ${attempt.from ?? ''}`.trim();
      attempts5xx[label] = (attempts5xx[label] ?? 0) + 1;
    }
  }
  const watch = watches.get(load);
  const reloads = watch?.reloads ?? [];
  const noLiveUpstreams = watch?.errorLines('no live upstreams') ?? 0;
  const reloadResets = samples.filter(
    (s) => s.method === 'GET' && s.status === 0 && reloads.some((at) => s.startMs >= at - 100 && s.startMs <= at + 1_000),
  ).length;
  const getLatencies = samples.filter((s) => s.method === 'GET').map((s) => s.latencyMs);
  // The first few failures with their times, to lay next to the logs (nginx, replicas, the injection's own).
  const failedExamples = samples
    .filter((s) => !isSuccess(s) && !(name === 'pg' && s.target === 'cold'))
    .sort((a, b) => a.startMs - b.startMs)
    .slice(0, 5)
    .map(
      (s) =>
        `failed: ${s.method} ${s.method === 'GET' ? `/${s.code}` : s.method === 'POST' ? '/urls' : '/urls/:id'} (${s.ua}) sent ${new Date(s.startMs).toISOString()}, ` +
        `answered after ${s.latencyMs} ms: ${s.attempts.map((a) => (a.status ? `${a.status}${a.from ? ` ${a.from}` : ''}` : `no answer (${a.error})`)).join(' → ')}`,
    );
  const base = {
    name,
    title: TITLES[name].title,
    injects: TITLES[name].injects,
    startedAt: new Date(load.startedAt).toISOString(),
    durationS: Math.round((load.stoppedAt - load.startedAt) / 100) / 10,
    requests,
    failed,
    failures,
    attempts5xx,
    writesRetried,
    nginxReloads: reloads.map((at) => new Date(at).toISOString()),
    reloadResets,
    expectedFailures: name === 'pg' ? samples.filter((s) => s.method === 'GET' && s.target === 'cold' && !isSuccess(s)).length : 0,
    getP50: percentile(getLatencies, 50),
    getP99: percentile(getLatencies, 99),
    getMax: percentile(getLatencies, 100),
    clicks,
    recovery: extra.recovery,
    details: [
      ...extra.details,
      ...failedExamples,
      ...(noLiveUpstreams
        ? [
            `nginx logged "no live upstreams" ${noLiveUpstreams} times (${paths(ctx.config.runDir).nginxErrorLog}): every replica was out of rotation ` +
              `(max_fails=2 failures within fail_timeout=5s each) and nginx answered 503 "no API replica available" itself`,
          ]
        : []),
      ...(reloadResets
        ? [
            `${reloadResets} of the failed GETs got no HTTP answer within 1 s after an nginx reload (new workers seen at ${reloads
              .map((at) => new Date(at).toISOString().slice(11, 23))
              .join(', ')}): nginx's old worker closed the client's idle keep-alive connection as the request went out`,
          ]
        : []),
    ],
    samples,
  };
  const checks = [
    ...extra.checks(base),
    check('0 lost clicks', clicks.lost === 0, `${clicks.redirects} 302s received, ${clicks.recorded} clicks recorded, ${clicks.lost} 302s without a click, ${clicks.extra} extra`),
    check('0 duplicate clicks', clicks.duplicates === 0, `${clicks.duplicates} click rows sharing a click_id`),
  ];
  return { ...base, checks, pass: checks.every((c) => c.pass) };
}

/** Polls a replica until its replacement (a pid other than `oldPid`) answers /health/ready; ms, or null. */
async function timeToReady(ctx: Context, index: number, oldPid: number | null, since: number, timeoutMs = 30_000): Promise<number | null> {
  const port = ctx.config.ports[index - 1]!;
  let readyAt: number | null = null;
  await waitFor(
    async () => {
      const pid = ctx.cluster.replicaPid(index);
      if (pid === null || pid === oldPid) return false;
      if ((await httpStatus(readyUrl(port), 500)) !== 200) return false;
      readyAt = Date.now();
      return true;
    },
    timeoutMs,
    20,
  );
  return readyAt === null ? null : readyAt - since;
}

async function allReady(ctx: Context): Promise<boolean> {
  const statuses = await Promise.all(ctx.config.ports.map((port) => httpStatus(readyUrl(port), 1_000)));
  return statuses.every((s) => s === 200);
}

async function metricsText(port: number): Promise<string | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

/** Sum of a metric's samples whose line contains every label filter (e.g. `store="database"`). */
export function metricValue(text: string, name: string, ...labels: string[]): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    if (!labels.every((label) => line.includes(label))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

function samePids(before: (number | null)[], after: (number | null)[]): boolean {
  return before.every((pid, i) => pid !== null && pid === after[i]);
}

// ---------------------------------------------------------------------------------------------

export async function killScenario(ctx: Context): Promise<ScenarioResult> {
  // At least 4 s apart even in the short form: nginx keeps a replica that failed twice out of rotation
  // for fail_timeout (5 s) after its last failure, and kills faster than that could leave it none.
  const interval = Math.max(4_000, 10_000 * ctx.config.scale);
  const lead = Math.round(interval * 0.3);
  const kills: { index: number; pid: number; readyMs: number | null }[] = [];
  const load = await runLoad(ctx, 'kill', ctx.targets, async () => {
    await sleep(lead);
    for (let k = 0; k < 3; k++) {
      const index = (k % ctx.config.ports.length) + 1;
      const at = Date.now();
      const pid = ctx.cluster.signalReplica(index, 'SIGKILL');
      const readyMs = await timeToReady(ctx, index, pid, at);
      kills.push({ index, pid, readyMs });
      ctx.log(`kill: SIGKILL replica ${index} (pid ${pid}); replacement ready ${readyMs === null ? 'NOT within 30 s' : `after ${readyMs} ms`}`);
      await sleep(Math.max(0, at + interval - Date.now()));
    }
  });
  const slowest = Math.max(...kills.map((k) => k.readyMs ?? Infinity));
  return summarize(ctx, 'kill', load, {
    recovery: `replacement ready after ${kills.map((k) => (k.readyMs === null ? 'never' : `${k.readyMs} ms`)).join(', ')}`,
    details: [
      `a SIGKILL every ${seconds(interval)}, the first ${seconds(lead)} after the load started`,
      ...kills.map((k) => `SIGKILL replica ${k.index} (pid ${k.pid}): replacement answered /health/ready after ${k.readyMs ?? 'never'} ms`),
    ],
    checks: (r) => [
      check('0 failed GETs', r.failed.GET === 0, `${r.failed.GET} of ${r.requests.GET} GETs did not get their 302`),
      check('replacement ready < 2 s', slowest < 2_000, `slowest ${Number.isFinite(slowest) ? `${slowest} ms` : 'never'} (supervisor restart + boot until /health/ready)`),
    ],
  });
}

export async function rollingScenario(ctx: Context): Promise<ScenarioResult> {
  const lead = Math.max(1_000, 3_000 * ctx.config.scale);
  let exitCode: number | null = null;
  let tookMs = 0;
  let readyLines: string[] = [];
  const load = await runLoad(ctx, 'rolling', ctx.targets, async () => {
    await sleep(lead);
    const began = Date.now();
    const result = await ctx.cluster.rollingRestart();
    tookMs = Date.now() - began;
    exitCode = result.code;
    readyLines = result.output.split('\n').filter((line) => /is back/.test(line)).map((line) => line.replace(/^\S+ rolling-restart: /, ''));
    await sleep(lead);
  });
  return summarize(ctx, 'rolling', load, {
    recovery: `all 3 restarted in ${seconds(tookMs)}`,
    details: [`rolling-restart.js exited ${exitCode} after ${seconds(tookMs)}`, ...readyLines],
    checks: (r) => {
      const failedAll = r.failed.GET + r.failed.POST + r.failed.PUT;
      return [
        check('rolling restart completed', exitCode === 0, `rolling-restart.js exit ${exitCode}`),
        check('0 failed requests (any method, after client retries)', failedAll === 0, `${r.failed.GET} GET, ${r.failed.POST} POST, ${r.failed.PUT} PUT failed`),
      ];
    },
  });
}

export async function sigstopScenario(ctx: Context): Promise<ScenarioResult> {
  const lead = Math.max(1_000, 3_000 * ctx.config.scale);
  const hold = Math.max(3_000, 15_000 * ctx.config.scale);
  const tail = Math.max(2_000, 5_000 * ctx.config.scale);
  const index = 2;
  let resumeReadyMs: number | null = null;
  let stoppedPid = 0;
  const load = await runLoad(ctx, 'sigstop', ctx.targets, async () => {
    await sleep(lead);
    stoppedPid = ctx.cluster.signalReplica(index, 'SIGSTOP');
    ctx.log(`sigstop: SIGSTOP replica ${index} (pid ${stoppedPid}) for ${seconds(hold)}`);
    try {
      await sleep(hold);
    } finally {
      process.kill(stoppedPid, 'SIGCONT');
    }
    const resumed = Date.now();
    const port = ctx.config.ports[index - 1]!;
    if (await waitFor(async () => (await httpStatus(readyUrl(port), 500)) === 200, 15_000, 20)) resumeReadyMs = Date.now() - resumed;
    ctx.log(`sigstop: SIGCONT replica ${index}; /health/ready after ${resumeReadyMs ?? 'never'} ms`);
    await sleep(tail);
  });
  const slowGets = load.samples.filter((s) => s.method === 'GET' && s.latencyMs > 1_000).length;
  return summarize(ctx, 'sigstop', load, {
    recovery: `ready ${resumeReadyMs ?? 'never'} ms after SIGCONT`,
    details: [
      `replica ${index} (pid ${stoppedPid}) stopped for ${seconds(hold)}; it answered /health/ready ${resumeReadyMs ?? 'never'} ms after SIGCONT`,
      `${slowGets} GETs took longer than 1 s (nginx's 1 s redirect timeout on the hung replica, then the retry elsewhere)`,
    ],
    checks: (r) => [
      check('0 failed GETs', r.failed.GET === 0, `${r.failed.GET} of ${r.requests.GET} GETs did not get their 302`),
      check('GET p99 < 1.5 s', r.getP99 < 1_500, `p99 ${r.getP99} ms, max ${r.getMax} ms`),
    ],
  });
}

export async function redisScenario(ctx: Context): Promise<ScenarioResult> {
  const lead = Math.max(1_000, 5_000 * ctx.config.scale);
  const down = Math.max(3_000, 30_000 * ctx.config.scale);
  const tail = Math.max(3_000, 10_000 * ctx.config.scale);
  const pidsBefore = ctx.cluster.replicaPids();
  const acceptedDb = async () => {
    const values: number[] = [];
    for (const port of ctx.config.ports) {
      const text = await metricsText(port);
      values.push(text === null ? NaN : metricValue(text, 'shortener_clicks_accepted_total', 'store="database"'));
    }
    return values;
  };
  const dbBefore = await acceptedDb();
  let redisUpMs: number | null = null;
  let redisUpValues: number[] = [];
  let downFor = 0;
  const load = await runLoad(ctx, 'redis', ctx.targets, async () => {
    await sleep(lead);
    const stoppedAt = Date.now();
    ctx.log(`redis: redis-cli -p ${ctx.config.redisPort} shutdown; down for ${seconds(down)}`);
    try {
      await ctx.redis.shutdown();
      await sleep(Math.max(0, stoppedAt + down - Date.now()));
    } finally {
      await ctx.redis.start();
    }
    const back = Date.now();
    downFor = back - stoppedAt;
    ctx.log(`redis: redis-server started again on the same directory (down ${seconds(downFor)})`);
    const upEverywhere = async () => {
      redisUpValues = [];
      for (const port of ctx.config.ports) {
        const text = await metricsText(port);
        redisUpValues.push(text === null ? NaN : metricValue(text, 'shortener_redis_up'));
      }
      return redisUpValues.every((v) => v === 1);
    };
    if (await waitFor(upEverywhere, 30_000, 200)) redisUpMs = Date.now() - back;
    ctx.log(`redis: shortener_redis_up = ${redisUpValues.join(', ')} on the replicas ${redisUpMs === null ? '(not all 1 within 30 s)' : `${redisUpMs} ms after the restart`}`);
    await sleep(tail);
  });
  const dbAfter = await acceptedDb();
  const dbClicks = dbAfter.reduce((sum, v, i) => sum + Math.max(0, v - (dbBefore[i] ?? 0)), 0);
  const pidsAfter = ctx.cluster.replicaPids();
  const get5xx = load.samples.filter((s) => s.method === 'GET' && (s.status >= 500 || s.status === 0)).length;
  return summarize(ctx, 'redis', load, {
    recovery: redisUpMs === null ? 'redis_up not 1 everywhere' : `redis_up=1 on all ${redisUpMs} ms after restart`,
    details: [
      `Redis down for ${seconds(downFor)}; clicks accepted by PostgreSQL directly meanwhile: ${dbClicks} (shortener_clicks_accepted_total{store="database"}, all replicas)`,
      `shortener_redis_up after the restart: ${redisUpValues.join(', ')} (replicas ${ctx.config.ports.join(', ')})`,
      `replica pids before ${pidsBefore.join(', ')}, after ${pidsAfter.join(', ')}`,
    ],
    checks: (r) => [
      check('0 redirect 5xx', get5xx === 0 && r.failed.GET === 0, `${get5xx} GETs answered 5xx or not at all; ${r.failed.GET} GETs without a 302`),
      check('clicks recorded in PostgreSQL while Redis was down', dbClicks > 0, `${dbClicks} clicks accepted with store="database"`),
      check('shortener_redis_up = 1 on every replica after the restart', redisUpMs !== null, `values ${redisUpValues.join(', ')}`),
      check('no app restart', samePids(pidsBefore, pidsAfter), `pids ${pidsBefore.join(',')} -> ${pidsAfter.join(',')}`),
    ],
  });
}

export async function pgScenario(ctx: Context): Promise<ScenarioResult> {
  const lead = Math.max(1_000, 5_000 * ctx.config.scale);
  const down = Math.max(2_000, 5_000 * ctx.config.scale);
  const tail = Math.max(3_000, 10_000 * ctx.config.scale);
  // Codes whose shared cache entry outlives the scenario: those must keep redirecting.
  const warm = new LoadGenerator({
    baseUrl: ctx.config.baseUrl,
    tag: 'pg',
    runId: ctx.runId,
    concurrency: 1,
    rate: 0,
    targets: ctx.targets,
    seqStart: 1_000_000, // user agents apart from the load's
  });
  await warm.visitAll(ctx.targets.hotCodes);
  const needS = Math.ceil((lead + down + tail + 60_000) / 1000);
  const ttls = await ctx.redis.linkTtls(ctx.targets.hotCodes);
  const cached = ctx.targets.hotCodes.filter((code) => {
    const ttl = ttls?.get(code) ?? -2;
    return ttl === -1 || ttl > needS;
  });
  ctx.log(`pg: ${cached.length} of ${ctx.targets.hotCodes.length} hot codes cached in Redis for > ${needS} s; ${ctx.targets.coldCodes.length} cold codes`);
  if (!cached.length) throw new Error('pg: no cached code to send redirects to');
  const pidsBefore = ctx.cluster.replicaPids();
  let downAt = 0;
  let stoppedAt = 0;
  let startingAt = 0;
  let backAt = 0;
  let starting: Promise<void> = Promise.resolve();
  let usersOkMs: number | null = null;
  let readyMs: number | null = null;
  let recoveryMs: number | null = null;
  const load = await runLoad(ctx, 'pg', { ...ctx.targets, hotCodes: cached }, async (gen) => {
    await sleep(lead);
    downAt = Date.now();
    gen.coldShare = 0.03; // codes never visited: nothing has them, PostgreSQL would be needed
    try {
      await ctx.postgres.stop();
      stoppedAt = Date.now();
      ctx.log(`pg: PostgreSQL ${ctx.postgres.version}/${ctx.config.pgCluster} stopped (${stoppedAt - downAt} ms); starting it again in ${seconds(down)}`);
      await sleep(down);
    } finally {
      startingAt = Date.now();
      // PostgreSQL accepts connections before pg_ctlcluster returns: "back" is the first connection that works.
      starting = ctx.postgres.start();
      await waitFor(() => ctx.postgres.accepts(), 30_000, 25);
      backAt = Date.now();
      gen.coldShare = 0;
    }
    ctx.log(`pg: PostgreSQL accepted connections again ${backAt - startingAt} ms after \`start\` was run (down ${seconds(backAt - stoppedAt)}); measuring recovery`);
    let n = 0;
    await waitFor(
      async () => {
        if (usersOkMs === null) {
          n += 1;
          const response = await fetch(`${ctx.config.baseUrl}/users`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: `chaos-${ctx.runId}-recovery-${n}`, email: `recovery-${n}-${ctx.runId}@example.com` }),
            signal: AbortSignal.timeout(5_000),
          }).catch(() => null);
          await response?.text().catch(() => undefined);
          if (response?.status === 201) usersOkMs = Date.now() - backAt;
        }
        if (readyMs === null && (await allReady(ctx))) readyMs = Date.now() - backAt;
        return usersOkMs !== null && readyMs !== null;
      },
      30_000,
      100,
    );
    if (usersOkMs !== null && readyMs !== null) recoveryMs = Math.max(usersOkMs, readyMs);
    await starting; // pg_ctlcluster returns a while after the server accepts connections
    ctx.log(`pg: POST /users 201 after ${usersOkMs ?? 'never'} ms, /health/ready 200 on all replicas after ${readyMs ?? 'never'} ms`);
    await sleep(tail);
  });
  const pidsAfter = ctx.cluster.replicaPids();
  const all = [...warm.samples, ...load.samples];
  let answers500 = 0;
  const where500: Record<string, number> = {};
  let noAnswer = 0;
  let other5xx = 0;
  let no503RetryAfter = 0;
  let all503 = 0;
  for (const sample of all) {
    for (const attempt of sample.attempts) {
      if (attempt.status === 500) {
        answers500 += 1;
        const label = sample.method === 'GET' ? `GET /<${sample.target} code>${sample.startMs >= stoppedAt && sample.endMs < backAt ? ' while PostgreSQL was stopped' : ''}` : `${sample.method}`;
        where500[label] = (where500[label] ?? 0) + 1;
      }
      else if (attempt.status === 0) noAnswer += 1;
      else if (attempt.status === 503) {
        all503 += 1;
        if (!attempt.retryAfter) no503RetryAfter += 1;
      } else if (attempt.status > 500) other5xx += 1;
    }
  }
  const hotGets = all.filter((s) => s.method === 'GET' && s.target === 'hot');
  const hotFailed = hotGets.filter((s) => s.status !== 302);
  const hotDuring = hotGets.filter((s) => s.startMs >= downAt && s.startMs <= backAt);
  const hotFailedAfter = hotFailed.filter((s) => s.startMs > backAt);
  const coldGets = all.filter((s) => s.method === 'GET' && s.target === 'cold');
  const statuses = (list: Sample[]) => {
    const out: Record<string, number> = {};
    for (const s of list) {
      const key = s.status ? String(s.status) : 'no answer';
      out[key] = (out[key] ?? 0) + 1;
    }
    return JSON.stringify(out);
  };
  // Truly down: after `stop` returned and before PostgreSQL accepted connections again.
  const coldStopped = coldGets.filter((s) => s.startMs >= stoppedAt && s.endMs < backAt);
  const writesDuring = all.filter((s) => s.method !== 'GET' && s.startMs >= downAt && s.startMs <= backAt);
  const writesDuringOk = writesDuring.filter(isSuccess).length;
  const hotFailStatuses: Record<string, number> = {};
  for (const s of hotFailed) hotFailStatuses[statusLabel(s)] = (hotFailStatuses[statusLabel(s)] ?? 0) + 1;
  return summarize(
    ctx,
    'pg',
    load,
    {
      recovery: recoveryMs === null ? 'not recovered within 30 s' : `recovered ${recoveryMs} ms after PostgreSQL was back`,
      details: [
        `PostgreSQL down ${seconds(backAt - downAt)} (stop -m fast … start); recovery: POST /users 201 after ${usersOkMs ?? 'never'} ms, /health/ready 200 on all replicas after ${readyMs ?? 'never'} ms`,
        `redirects of cached codes: ${hotGets.length} (${hotDuring.length} while PostgreSQL was down), ${hotFailed.length} not 302${hotFailed.length ? ` (${JSON.stringify(hotFailStatuses)}; ${hotFailedAfter.length} of them sent after PostgreSQL was back)` : ''}`,
        `redirects of cold (never visited) codes, sent only while PostgreSQL was down (expected: 503 + Retry-After; they count as failed GETs in the table): ${coldGets.length}, statuses ${statuses(coldGets)}; of those sent and answered while it was stopped: ${coldStopped.length}, statuses ${statuses(coldStopped)}`,
        `timeline: stop run at 0 ms, stopped at +${stoppedAt - downAt} ms, start run at +${startingAt - downAt} ms, accepting at +${backAt - downAt} ms`,
        `writes started while it was down: ${writesDuring.length}, ${writesDuringOk} succeeded in the end (client retries)`,
        `answers over all attempts: ${all503} × 503 (${no503RetryAfter} without Retry-After), ${answers500} × 500, ${other5xx} other 5xx, ${noAnswer} without an HTTP answer`,
        `replica pids before ${pidsBefore.join(', ')}, after ${pidsAfter.join(', ')}`,
      ],
      checks: () => [
        check('cached codes keep redirecting (302) while PostgreSQL is down', hotFailed.length === 0, `${hotFailed.length} of ${hotGets.length} GETs of cached codes not 302 ${hotFailed.length ? JSON.stringify(hotFailStatuses) : ''}`.trim()),
        check('0 answers 500', answers500 === 0, `${answers500} attempts answered 500${answers500 ? ` (${Object.entries(where500).map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}`),
        check('0 connection errors', noAnswer === 0, `${noAnswer} attempts got no HTTP answer`),
        check('every other failure is 503 with Retry-After', other5xx === 0 && no503RetryAfter === 0, `${other5xx} other 5xx, ${no503RetryAfter} 503 without Retry-After (of ${all503})`),
        check('full recovery ≤ 5 s after PostgreSQL is back', recoveryMs !== null && recoveryMs <= 5_000, `${recoveryMs ?? 'never'} ms (POST /users 201 and /health/ready on all replicas)`),
        check('no app restart', samePids(pidsBefore, pidsAfter), `pids ${pidsBefore.join(',')} -> ${pidsAfter.join(',')}`),
      ],
    },
    all,
  );
}

export const SCENARIOS: Record<ScenarioName, (ctx: Context) => Promise<ScenarioResult>> = {
  kill: killScenario,
  rolling: rollingScenario,
  sigstop: sigstopScenario,
  redis: redisScenario,
  pg: pgScenario,
};
