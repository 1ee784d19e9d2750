import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { httpStatus, readyUrl, ROOT } from '../cluster/cluster-common.js';
import { loadChaosConfig, type ChaosConfig, type ScenarioName } from './config.js';
import { ChaosCluster, ChaosPostgres, ChaosRedis, runCommand, sleep, waitFor } from './infra.js';
import { Ledger } from './ledger.js';
import { LoadGenerator, type LoadTargets, type Sample } from './load.js';
import { printScenario, printTable, writeDocs, writeJson, type DrillReport } from './report.js';
import { SCENARIOS, TITLES, type Check, type Context, type ScenarioResult } from './scenarios.js';

/**
 * `npm run chaos`: the automated chaos drill. See docs/resilience.md (which the full run writes)
 * and scripts/chaos/config.ts for the settings. Exit 0 when every expectation held, 1 when one
 * failed (named at the end), 2 when the drill itself could not run.
 */

const started = Date.now();
const log = (message: string) => console.log(`[chaos ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);

function projectNode(): string {
  const bin = join(ROOT, 'node_modules', '.bin', 'node');
  return existsSync(bin) ? realpathSync(bin) : process.execPath;
}

async function postJson(config: ChaosConfig, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(config.baseUrl + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if ((response.status >= 500 || response.status === 0) && attempt < 5) throw new Error(`status ${response.status}`);
      return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(300 * attempt);
    }
  }
}

/** Users and urls for the load, created through nginx. */
async function seed(config: ChaosConfig, runId: string): Promise<LoadTargets> {
  const userIds: number[] = [];
  for (let i = 1; i <= config.users; i++) {
    const { status, json } = await postJson(config, '/users', { username: `chaos-${runId}-u${i}`, email: `u${i}-${runId}@example.com` });
    if (status !== 201) throw new Error(`POST /users answered ${status}: ${JSON.stringify(json)}`);
    userIds.push((json as { id: number }).id);
  }
  const total = config.hotUrls + config.coldUrls + config.writeUrls;
  const created: { id: number; short_code: string }[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < total) {
        const i = next++;
        const { status, json } = await postJson(
          config,
          '/urls',
          { user_id: userIds[i % userIds.length], original_url: `https://example.com/setup/${runId}/${i}`, title: `setup ${i}` },
          { 'idempotency-key': `setup-${runId}-${i}` },
        );
        if (status !== 201) throw new Error(`POST /urls answered ${status}: ${JSON.stringify(json)}`);
        created[i] = json as { id: number; short_code: string };
      }
    }),
  );
  return {
    userIds,
    hotCodes: created.slice(0, config.hotUrls).map((u) => u.short_code),
    coldCodes: created.slice(config.hotUrls, config.hotUrls + config.coldUrls).map((u) => u.short_code),
    writeUrlIds: created.slice(config.hotUrls + config.coldUrls).map((u) => u.id),
  };
}

async function healthy(config: ChaosConfig, redis: ChaosRedis, postgres: ChaosPostgres): Promise<boolean> {
  const statuses = await Promise.all([
    httpStatus(`${config.baseUrl}/health`, 2_000),
    ...config.ports.map((port) => httpStatus(readyUrl(port), 2_000)),
  ]);
  return statuses.every((s) => s === 200) && (await redis.ping()) && (await postgres.accepts());
}

function crashed(name: ScenarioName, error: unknown, samples: Sample[] = []): ScenarioResult {
  const message = error instanceof Error ? error.message : String(error);
  const zero = { GET: 0, POST: 0, PUT: 0 };
  return {
    name,
    ...TITLES[name],
    startedAt: new Date().toISOString(),
    durationS: 0,
    requests: zero,
    failed: zero,
    failures: {},
    attempts5xx: {},
    writesRetried: 0,
    nginxReloads: [],
    reloadResets: 0,
    expectedFailures: 0,
    getP50: 0,
    getP99: 0,
    getMax: 0,
    clicks: { redirects: 0, recorded: 0, lost: 0, extra: 0, duplicates: 0, streamLeft: null, drainMs: 0 },
    recovery: 'drill error',
    details: [`the scenario could not run: ${message}`],
    checks: [{ name: 'scenario ran', pass: false, detail: message }],
    pass: false,
    samples,
  };
}

async function versions(config: ChaosConfig, postgres: ChaosPostgres): Promise<string> {
  const nginx = (await runCommand('nginx', ['-v'], { timeoutMs: 5_000 })).output.trim().replace(/^nginx version: /, '');
  const redis = /v=(\S+)/.exec((await runCommand('redis-server', ['--version'], { timeoutMs: 5_000 })).output)?.[1] ?? '?';
  const pgVersion = await postgres.serverVersion().catch(() => postgres.version);
  return `Node ${process.version}, ${nginx}, PostgreSQL ${pgVersion}, Redis ${redis}; ${config.ports.length} API replicas (DB_POOL_SIZE ${config.dbPoolSize})`;
}

async function main(): Promise<number> {
  const config = loadChaosConfig();
  const runId = Date.now().toString(36);
  const postgres = new ChaosPostgres(config);
  const redis = new ChaosRedis(config);
  const cluster = new ChaosCluster(config, projectNode());
  const ledger = new Ledger(config, redis);
  log(
    `scenarios ${config.scenarios.join(', ')}; scale ${config.scale}; load ${config.concurrency} loops at ${config.rate || 'unpaced'} req/s; ` +
      `PostgreSQL ${postgres.version}/${config.pgCluster} :${config.pgPort}, Redis :${config.redisPort}, nginx :${config.nginxPort}, replicas ${config.ports.join(',')}`,
  );

  let cleaned: Promise<void> | null = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      log('cleanup: stopping the cluster, Redis' + (config.keepPg ? '' : ' and the chaos PostgreSQL cluster'));
      await ledger.close();
      await cluster.stop().catch((error: unknown) => log(`cleanup: cluster stop: ${String(error)}`));
      await redis.shutdown(false).catch((error: unknown) => log(`cleanup: redis: ${String(error)}`));
      if (config.keepPg) {
        // A PostgreSQL scenario interrupted mid-way must not leave it stopped when it is to be kept.
        if (!(await postgres.isRunning())) await postgres.start().catch(() => undefined);
      } else {
        await postgres.stop().catch((error: unknown) => log(`cleanup: postgres: ${String(error)}`));
      }
      log('cleanup: done');
    })());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    // ---------------- setup ----------------
    mkdirSync(config.runDir, { recursive: true });
    log('setup: leftovers of an earlier drill, if any');
    await cluster.stop();
    if (await redis.removeLeftover()) log(`setup: shut down a redis-server left on :${config.redisPort}`);
    const setupNotes = await postgres.ensure();
    for (const note of setupNotes) log(`setup: ${note}`);
    await postgres.recreateDatabase();
    log(`setup: database ${config.database} recreated`);
    redis.wipe();
    await redis.start();
    log(`setup: redis-server :${config.redisPort} (pid ${redis.pid}), append-only file in ${config.redisDir}`);
    log('setup: starting the cluster');
    await cluster.start();
    const targets = await seed(config, runId);
    log(`setup: ${targets.userIds.length} users; ${targets.hotCodes.length} hot, ${targets.coldCodes.length} cold and ${targets.writeUrlIds.length} write urls`);
    const warm = new LoadGenerator({ baseUrl: config.baseUrl, tag: 'setup', runId, concurrency: 1, rate: 0, targets });
    const warmSamples = await warm.visitAll(targets.hotCodes);
    const warmFailed = warmSamples.filter((s) => s.status !== 302).length;
    if (warmFailed) throw new Error(`warm-up: ${warmFailed} of ${warmSamples.length} GETs were not 302`);
    if (!(await waitFor(() => healthy(config, redis, postgres), 30_000, 250))) throw new Error('the cluster is not healthy after setup');
    log('setup: hot codes warmed into both cache tiers; cluster healthy');

    const ctx: Context = { config, runId, cluster, redis, postgres, ledger, targets, log };
    const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB`;
    const versionLine = await versions(config, postgres);

    // ---------------- scenarios ----------------
    const results: ScenarioResult[] = [];
    for (const name of config.scenarios) {
      log(`---- scenario ${name}: ${TITLES[name].title}`);
      let result: ScenarioResult;
      try {
        result = await SCENARIOS[name](ctx);
      } catch (error) {
        log(`${name}: the scenario failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        result = crashed(name, error);
      }
      printScenario(result);
      results.push(result);
      if (!(await waitFor(() => healthy(config, redis, postgres), 60_000, 250))) {
        log(`after ${name}: the cluster is not healthy within 60 s; the remaining scenarios run anyway`);
      }
    }

    // ---------------- final accounting ----------------
    const left = await redis.xlen();
    if (left) {
      log(`final: ${left} entries still in the click stream; waiting (at most ${config.drainMaxMs / 1000} s) for a live consumer to take them`);
      await waitFor(async () => (await redis.xlen()) === 0, config.drainMaxMs, 500);
    }
    const streamLeft = await redis.xlen();
    for (const result of results) {
      if (!result.samples.length) continue;
      const recount = Ledger.compare(result.samples, await ledger.clicksByUa(result.name));
      result.clicks = { ...result.clicks, ...recount, streamLeft };
      result.checks = result.checks.map((chk) =>
        chk.name === '0 lost clicks'
          ? { ...chk, pass: recount.lost === 0, detail: `${recount.redirects} 302s received, ${recount.recorded} clicks recorded, ${recount.lost} 302s without a click, ${recount.extra} extra` }
          : chk.name === '0 duplicate clicks'
            ? { ...chk, pass: recount.duplicates === 0, detail: `${recount.duplicates} click rows sharing a click_id` }
            : chk,
      );
      result.pass = result.checks.every((chk) => chk.pass);
    }
    const setupClicks = Ledger.compare(warmSamples, await ledger.clicksByUa('setup'));
    const allSamples = results.flatMap((r) => r.samples);
    const idem = await ledger.idempotency(runId, allSamples);
    const globalChecks: Check[] = [
      {
        name: 'every Idempotency-Key maps to exactly one url; no url created twice',
        pass: idem.createdTwice === 0 && idem.urlsWithoutKey === 0 && idem.mismatched === 0,
        detail:
          `${idem.keysSent} keys sent, ${idem.keysWith201} got a 201, ${idem.keysInTable} in idempotency_keys, ${idem.urlsCreated} urls created; ` +
          `created twice ${idem.createdTwice}, urls without a key ${idem.urlsWithoutKey}, 201s whose key points elsewhere ${idem.mismatched}` +
          (idem.createdWithout201 ? `; ${idem.createdWithout201} created although the client never saw their 201 (it gave up retrying)` : ''),
      },
      {
        name: 'setup warm-up clicks',
        pass: setupClicks.lost === 0 && setupClicks.duplicates === 0,
        detail: `${setupClicks.redirects} 302s, ${setupClicks.recorded} clicks, lost ${setupClicks.lost}, duplicates ${setupClicks.duplicates}`,
      },
    ];
    const failedChecks = [
      ...results.flatMap((r) => r.checks.filter((c) => !c.pass).map((c) => `${r.name}: ${c.name} - ${c.detail}`)),
      ...globalChecks.filter((c) => !c.pass).map((c) => `${c.name} - ${c.detail}`),
    ];
    const report: DrillReport = {
      date: new Date().toISOString().slice(0, 19).replace('T', ' ') + ' UTC',
      machine,
      versions: versionLine,
      load: `${config.concurrency} concurrent loops, ${config.rate ? `paced to ${config.rate} requests/s` : 'unpaced'}; ~90% GET, ~7% POST, ~3% PUT; scale ${config.scale}`,
      scale: config.scale,
      scenarios: results,
      idempotency: idem,
      globalChecks,
      setupNotes,
      pass: failedChecks.length === 0,
      failedChecks,
    };
    printTable(report);
    if (config.writeDocs) {
      writeDocs(config.docsFile, report, config);
      log(`wrote ${config.docsFile}`);
    }
    if (config.jsonOut) writeJson(config.jsonOut, report);
    if (config.samplesOut) {
      const lines = [...warmSamples, ...allSamples].map((s) => JSON.stringify(s));
      writeFileSync(config.samplesOut, lines.join('\n') + '\n');
      log(`wrote ${lines.length} request records to ${config.samplesOut}`);
    }
    return report.pass ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
