import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../libs/common/project-root.js';
import { dropDatabase, ensureDatabase } from '../libs/database/database-bootstrap.js';
import { codeFor, writeUrlsCsv, writeUsersCsv } from './datasets.js';
import { API_NODE_FLAGS, peakRssMb, resetPeakRss, startNode, type Service } from './processes.js';
import { toMarkdown, writeReport, type Report, type Row } from './report.js';

/**
 * `npm run bench`: the redirect hot path, creates and bulk import, each next to a bare
 * node:http 302 server measured in the same run. Every load is bounded in time.
 */
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const LINKS = 100_000;
const USERS = 1_000;
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shortener_bench';
const root = projectRoot();
/** The three-replica cluster the benchmark starts for itself, apart from any `npm run cluster`. */
const CLUSTER_PORTS = [3031, 3032, 3033];
const CLUSTER_NGINX_PORT = 8095;
const work = join(tmpdir(), `shortener-bench-${process.pid}`);

type Result = autocannon.Result & Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;

async function load(options: autocannon.Options): Promise<Result> {
  return (await autocannon({ duration: DURATION, ...options })) as Result;
}

function row(scenario: string, result: Result, expected: '2xx' | '3xx', baseline: number | null, rss: number | null): Row {
  const requestsPerSecond = Math.round(result.requests.average);
  return {
    scenario,
    requestsPerSecond,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    unexpected: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'] - result[expected],
    peakRssMb: rss,
    ratioToBaseline: baseline ? requestsPerSecond / baseline : null,
  };
}

async function upload(url: string, file: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append('file', await openAsBlob(file, { type: 'text/csv' }), 'upload.csv');
  const response = await fetch(url, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** 302s the API sent for GET (clicks must match these, not what the load generator counted in time). */
async function redirectsSent(apiUrl: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('shortener_redirects_total{outcome="redirected",method="GET"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Runs one of the compiled cluster scripts to completion. */
function runScript(script: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/scripts/cluster', script)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

async function clickCount(db: pg.Client): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM events WHERE event_type = 'click'`);
  return rows[0].n as number;
}

async function main(): Promise<void> {
  await rm(work, { recursive: true, force: true });
  await (await import('node:fs/promises')).mkdir(work, { recursive: true });
  await dropDatabase(DATABASE_URL);
  await ensureDatabase(DATABASE_URL);
  const services: Service[] = [];
  const db = new pg.Client({ connectionString: DATABASE_URL });
  try {
    const raw = await startNode(join(root, 'dist/bench/raw-redirect-server.js'), { PORT: '3990' }, 'http://127.0.0.1:3990', '/');
    services.push(raw);
    const api = await startNode(
      join(root, 'dist/apps/api/main.js'),
      { PORT: '3991', DATABASE_URL, SEED_ON_START: 'false', REDIS_KEY_PREFIX: `bench:${process.pid}:`, DB_POOL_SIZE: '10' },
      'http://127.0.0.1:3991',
      '/health',
      API_NODE_FLAGS,
    );
    services.push(api);
    await db.connect();
    const apiPid = api.child.pid!;

    console.log(`seeding ${USERS} users and ${LINKS} links…`);
    await writeUsersCsv(join(work, 'users.csv'), USERS);
    await writeUrlsCsv(join(work, 'urls.csv'), LINKS, 1, 'b', USERS);
    for (const table of ['users', 'urls']) {
      const result = await upload(`${api.url}/${table}/bulk`, join(work, `${table}.csv`));
      if (result.status !== 201) throw new Error(`seeding ${table} failed: ${JSON.stringify(result.body)}`);
    }

    const rows: Row[] = [];
    console.log('baseline: bare node:http 302…');
    const base = await load({ url: `${raw.url}/x`, connections: 64 });
    const baseline = Math.round(base.requests.average);
    rows.push(row('baseline node:http 302, 64 conn', base, '3xx', null, peakRssMb(raw.child.pid!)));

    const clicksBefore = await clickCount(db);
    const sentBefore = await redirectsSent(api.url);
    const hotCode = codeFor('b', 42);
    const randomPath = (request: { path?: string }) => {
      request.path = `/${codeFor('b', Math.floor(Math.random() * LINKS))}`;
      return request;
    };
    for (const connections of [64, 500]) {
      for (const [name, options] of [
        ['one hot code', { url: `${api.url}/${hotCode}` }],
        ['random codes of 100k', { url: api.url, requests: [{ method: 'GET', setupRequest: randomPath }] }],
      ] as const) {
        console.log(`redirects, ${name}, ${connections} connections…`);
        resetPeakRss(apiPid);
        const result = await load({ ...(options as autocannon.Options), connections });
        rows.push(row(`redirect, ${name}, ${connections} conn`, result, '3xx', baseline, peakRssMb(apiPid)));
      }
    }
    // Requests still in flight when the load generator stopped are answered (and counted) afterwards.
    const loadEnded = Date.now();
    let redirectsServed = 0;
    let clicksRecorded = 0;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      redirectsServed = (await redirectsSent(api.url)) - sentBefore;
      clicksRecorded = (await clickCount(db)) - clicksBefore;
    } while (clicksRecorded !== redirectsServed && Date.now() - loadEnded < 30_000);
    const drainSeconds = (Date.now() - loadEnded) / 1000;

    console.log('creates: POST /urls, 16 connections…');
    resetPeakRss(apiPid);
    const creates = await load({
      url: `${api.url}/urls`,
      connections: 16,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 1, original_url: 'https://example.com/created/by/bench', title: 'bench' }),
    });
    rows.push(row('POST /urls, 16 conn', creates, '2xx', null, peakRssMb(apiPid)));

    console.log(`bulk import: ${IMPORT_ROWS} url rows…`);
    await writeUrlsCsv(join(work, 'import.csv'), IMPORT_ROWS, 1_000_001, 'm', USERS);
    resetPeakRss(apiPid);
    const started = process.hrtime.bigint();
    const imported = await upload(`${api.url}/urls/bulk`, join(work, 'import.csv'));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (imported.status !== 201) throw new Error(`bulk import failed: ${JSON.stringify(imported.body)}`);
    const importPeakRss = peakRssMb(apiPid);

    // The same redirects through nginx in front of three replicas (the local cluster topology).
    await api.stop();
    services.splice(services.indexOf(api), 1);
    const clusterEnv = {
      CLUSTER_RUN_DIR: join(work, 'cluster'),
      CLUSTER_PORTS: CLUSTER_PORTS.join(','),
      CLUSTER_NGINX_PORT: String(CLUSTER_NGINX_PORT),
      DATABASE_URL,
      SEED_ON_START: 'false',
      LOG_LEVEL: 'warn',
    };
    console.log('starting nginx + three replicas…');
    await runScript('start.js', clusterEnv);
    const nginxUrl = `http://127.0.0.1:${CLUSTER_NGINX_PORT}`;
    const replicaUrls = CLUSTER_PORTS.map((port) => `http://127.0.0.1:${port}`);
    const sentByCluster = async () => (await Promise.all(replicaUrls.map(redirectsSent))).reduce((a, b) => a + b, 0);
    let clusterServed = 0;
    let clusterClicks = 0;
    try {
      const clusterClicksBefore = await clickCount(db);
      const clusterSentBefore = await sentByCluster();
      for (const connections of [64, 500]) {
        for (const [name, options] of [
          ['one hot code', { url: `${nginxUrl}/${hotCode}` }],
          ['random codes of 100k', { url: nginxUrl, requests: [{ method: 'GET', setupRequest: randomPath }] }],
        ] as const) {
          console.log(`nginx + 3 replicas, ${name}, ${connections} connections…`);
          const result = await load({ ...(options as autocannon.Options), connections });
          rows.push(row(`nginx + 3 replicas, ${name}, ${connections} conn`, result, '3xx', baseline, null));
        }
      }
      const ended = Date.now();
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        clusterServed = (await sentByCluster()) - clusterSentBefore;
        clusterClicks = (await clickCount(db)) - clusterClicksBefore;
      } while (clusterClicks !== clusterServed && Date.now() - ended < 30_000);
    } finally {
      await runScript('stop.js', clusterEnv);
    }
    const duplicates = (
      await db.query(`SELECT (count(*) - count(DISTINCT click_id))::int AS n FROM events WHERE event_type = 'click'`)
    ).rows[0].n as number;

    const report: Report = {
      date: new Date().toISOString().slice(0, 19),
      machine: `${cpus().length} cores, Node ${process.version}`,
      durationSeconds: DURATION,
      rows,
      clicks: {
        redirectsServed,
        clicksRecorded,
        duplicates,
        drainSeconds,
        cluster: { redirectsServed: clusterServed, clicksRecorded: clusterClicks },
      },
      bulkImport: {
        rows: IMPORT_ROWS,
        seconds,
        rowsPerSecond: Math.round(IMPORT_ROWS / seconds),
        peakRssMb: importPeakRss,
        imported: Number(imported.body.imported),
      },
    };
    writeReport(join(root, 'bench/results'), report);
    console.log('\n' + toMarkdown(report));
  } finally {
    await db.end().catch(() => undefined);
    await Promise.all(services.map((service) => service.stop()));
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
