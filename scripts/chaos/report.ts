import { writeFileSync } from 'node:fs';
import type { ChaosConfig } from './config.js';
import type { IdempotencyStats } from './ledger.js';
import type { Check, ScenarioResult } from './scenarios.js';

/** Console output, the final table, docs/resilience.md and the JSON the e2e test reads. */

export interface DrillReport {
  date: string;
  machine: string;
  versions: string;
  load: string;
  scale: number;
  scenarios: ScenarioResult[];
  idempotency: IdempotencyStats | null;
  globalChecks: Check[];
  setupNotes: string[];
  pass: boolean;
  failedChecks: string[];
}

const mark = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
const triple = (r: Record<'GET' | 'POST' | 'PUT', number>) => `${r.GET} / ${r.POST} / ${r.PUT}`;
const entries = (record: Record<string, number>) =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label}: ${n}`)
    .join(', ') || 'none';

export function printScenario(result: ScenarioResult): void {
  const c = result.clicks;
  console.log(`\n== ${result.name}: ${result.title} - ${mark(result.pass)} (${result.durationS} s of load)`);
  console.log(`   injects:   ${result.injects}`);
  console.log(`   requests:  GET ${result.requests.GET}, POST ${result.requests.POST}, PUT ${result.requests.PUT} (writes sent more than once: ${result.writesRetried})`);
  console.log(`   failed:    ${entries(result.failures)}  (final status, after client retries of POST/PUT)`);
  if (result.nginxReloads.length) {
    console.log(`   nginx reloads seen: ${result.nginxReloads.length}; failed GETs with no HTTP answer within 1 s after one: ${result.reloadResets}`);
  }
  console.log(`   5xx/no answer, every attempt: ${entries(result.attempts5xx)}`);
  console.log(`   GET latency: p50 ${result.getP50} ms, p99 ${result.getP99} ms, max ${result.getMax} ms`);
  console.log(
    `   clicks:    ${c.redirects} 302s received, ${c.recorded} recorded; lost ${c.lost}, extra ${c.extra}, duplicates ${c.duplicates}` +
      ` (drain ${(c.drainMs / 1000).toFixed(1)} s, stream left ${c.streamLeft ?? '?'})`,
  );
  console.log(`   recovery:  ${result.recovery}`);
  for (const detail of result.details) console.log(`   - ${detail}`);
  for (const chk of result.checks) console.log(`   [${mark(chk.pass)}] ${chk.name}: ${chk.detail}`);
}

function tableRows(report: DrillReport): string[][] {
  return report.scenarios.map((r) => [
    r.name,
    triple(r.requests),
    triple(r.failed) +
      (r.reloadResets ? ` (${r.reloadResets} reset at nginx reload)` : '') +
      (r.expectedFailures ? ` (${r.expectedFailures} expected: cold codes while PostgreSQL was down)` : ''),
    `${r.getP50} / ${r.getP99} ms`,
    `${r.clicks.redirects} / ${r.clicks.recorded}`,
    `${r.clicks.lost} / ${r.clicks.extra} / ${r.clicks.duplicates}`,
    r.recovery,
    mark(r.pass),
  ]);
}

const HEADER = ['scenario', 'requests GET/POST/PUT', 'failed GET/POST/PUT', 'GET p50 / p99', '302s / clicks', 'lost / extra / dup', 'recovery', 'result'];

export function printTable(report: DrillReport): void {
  const rows = [HEADER, ...tableRows(report)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log('');
  for (const [n, row] of rows.entries()) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  for (const chk of report.globalChecks) console.log(`[${mark(chk.pass)}] ${chk.name}: ${chk.detail}`);
  console.log(report.pass ? '\nchaos drill: PASS' : `\nchaos drill: FAIL\n${report.failedChecks.map((f) => `  - ${f}`).join('\n')}`);
}

const md = (text: string) => text.replace(/\|/g, '\\|');

export function toMarkdown(report: DrillReport, config: ChaosConfig): string {
  const lines: string[] = [];
  lines.push(
    '# Resilience: the chaos drill',
    '',
    '_This file is written by `npm run chaos` (scripts/chaos/run.ts); the figures below are from the run shown, not edited by hand._',
    '',
    '`npm run chaos` builds, then runs failure scenarios against a real local cluster under a steady load and',
    'checks what clients saw and what the database recorded. It runs on infrastructure of its own, so it never',
    'stops the shared PostgreSQL (5432) or Redis (6379):',
    '',
    `- PostgreSQL: a Debian cluster \`chaos\` on port ${config.pgPort} (created once with \`pg_createcluster <v> chaos --port ${config.pgPort}\`,`,
    `  trust on loopback, started if stopped; stopped again at the end unless \`CHAOS_KEEP_PG=1\`), database \`${config.database}\` dropped and recreated each run;`,
    `- Redis: \`redis-server --port ${config.redisPort} --appendonly yes --dir ${config.redisDir}\`, spawned by the drill;`,
    `- the local cluster (scripts/cluster): \`CLUSTER_RUN_DIR=${config.runDir}\`, replicas on ${config.ports.join(', ')}, nginx on ${config.nginxPort}, \`SEED_ON_START=false\`.`,
    '',
    'Setup creates a few users and, through nginx, 200 urls whose codes the load visits ("hot", warmed into both cache',
    'tiers), 20 it never visits ("cold", used only while PostgreSQL is down) and 20 that PUTs update (kept apart so',
    'updates do not evict the hot codes from the caches). Everything the drill starts is stopped at the end, also on failure.',
    '',
    '**Load** (during every scenario): bounded-concurrency loops sending ~90% `GET /<code>` (`redirect: manual`;',
    'not retried by the client - nginx retries GETs itself - so a GET whose status is not 302 is a failed GET),',
    '~7% `POST /urls` with a unique `Idempotency-Key` and ~3% `PUT /urls/:id` (title). On a network error, 502, 503',
    'or 504 a POST/PUT is sent again - same request, same key - after 0.5, 1, 2, 4 s (±25%), up to 5 attempts within 10 s.',
    'Every GET carries its own User-Agent `chaos/<scenario>/<n>`; clicks store it, so each 302 is matched with its',
    'click: **lost** = 302s without a click, **extra** = clicks beyond one per 302 (e.g. a replica that recorded the',
    'click and then died or hung, so nginx retried the GET elsewhere), **dup** = click rows sharing a `click_id`.',
    'After each scenario the drill waits (bounded) for the click pipeline to drain before counting.',
    'The drill also watches the nginx master\'s workers: a GET that got no HTTP answer at all within 1 s after nginx',
    'started new workers (a reload: the rolling restart does six) is reported as a "reset at nginx reload" - nginx\'s',
    'old worker closed the client\'s idle keep-alive connection as the request was sent, so nginx never read it. It',
    'still counts as a failed GET here; `test/chaos.e2e-spec.ts` tolerates up to 3 of them.',
    '',
    '| scenario | injects | expectations |',
    '|---|---|---|',
    '| kill | SIGKILL replica 1, 2, 3 in turn, every 10 s, for ~30 s | 0 failed GETs; replacement answers /health/ready < 2 s after each kill |',
    '| rolling | `rolling-restart.js`: SIGTERM each replica in turn (it drains and exits 0), wait for its replacement | 0 failed requests of any method (after client retries) |',
    '| sigstop | SIGSTOP replica 2 for 15 s, then SIGCONT | 0 failed GETs; GET p99 < 1.5 s |',
    '| redis | `redis-cli shutdown`, 30 s down, restarted on the same AOF | 0 redirect 5xx; clicks go to PostgreSQL meanwhile; `shortener_redis_up` back to 1 on every replica; no app restart |',
    '| pg | `pg_ctlcluster <v> chaos stop -m fast`, ~5 s down, `start` | cached codes keep redirecting (302); everything else 503 + Retry-After (never 500, never a connection error); POST /users 201 and /health/ready on all replicas ≤ 5 s after PostgreSQL is back; no app restart |',
    '| all | | 0 lost clicks, 0 duplicates; every Idempotency-Key maps to one url, no url created twice |',
    '',
    'Short form: `CHAOS_SCENARIOS=kill,rolling CHAOS_SCALE=0.2 npm run chaos` (a few seconds per scenario; does not',
    'write this file). `test/chaos.e2e-spec.ts` runs that form in `npm test`. Other settings: `CHAOS_CONCURRENCY`,',
    '`CHAOS_RATE` (requests/s, 0 = unpaced), `CHAOS_DRAIN_MAX_MS`, `CHAOS_JSON=<file>`, `CHAOS_KEEP_PG=1`. The drill exits',
    'non-zero when any expectation fails and names it.',
    '',
    `## Results of the run of ${report.date}`,
    '',
    `- machine: ${report.machine}`,
    `- versions: ${report.versions}`,
    `- load: ${report.load}`,
    `- result: **${report.pass ? 'PASS' : 'FAIL'}**${report.pass ? '' : ` - ${report.failedChecks.length} expectation(s) failed (listed below)`}`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => '---').join('|')}|`,
    ...tableRows(report).map((row) => `| ${row.map(md).join(' | ')} |`),
    '',
  );
  for (const chk of report.globalChecks) lines.push(`- **${mark(chk.pass)}** ${md(chk.name)}: ${md(chk.detail)}`);
  if (!report.pass) {
    lines.push('', '### Failed expectations', '');
    for (const failed of report.failedChecks) lines.push(`- ${md(failed)}`);
  }
  lines.push('', '## Per scenario', '');
  for (const r of report.scenarios) {
    const c = r.clicks;
    lines.push(
      `### ${r.name}: ${r.title} - ${mark(r.pass)}`,
      '',
      `Injects: ${r.injects}. Load ran ${r.durationS} s from ${r.startedAt}.`,
      '',
      `- requests: GET ${r.requests.GET}, POST ${r.requests.POST}, PUT ${r.requests.PUT}; writes sent more than once: ${r.writesRetried}`,
      `- failed (final status): ${md(entries(r.failures))}${r.nginxReloads.length ? `; nginx reloads seen: ${r.nginxReloads.length}, failed GETs reset at a reload: ${r.reloadResets}` : ''}`,
      `- 5xx or no answer, every attempt: ${md(entries(r.attempts5xx))}`,
      `- GET latency: p50 ${r.getP50} ms, p99 ${r.getP99} ms, max ${r.getMax} ms`,
      `- clicks: ${c.redirects} 302s received, ${c.recorded} recorded; lost ${c.lost}, extra ${c.extra}, duplicates ${c.duplicates} (drained in ${(c.drainMs / 1000).toFixed(1)} s, stream entries left ${c.streamLeft ?? '?'})`,
      `- recovery: ${md(r.recovery)}`,
      ...r.details.map((d) => `- ${md(d)}`),
      '',
      ...r.checks.map((chk) => `- **${mark(chk.pass)}** ${md(chk.name)}: ${md(chk.detail)}`),
      '',
    );
  }
  for (const note of report.setupNotes) lines.push(`- setup: ${md(note)}`);
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

export function writeDocs(file: string, report: DrillReport, config: ChaosConfig): void {
  writeFileSync(file, toMarkdown(report, config));
}

export function writeJson(file: string, report: DrillReport): void {
  const slim = { ...report, scenarios: report.scenarios.map(({ samples: _samples, ...rest }) => rest) };
  writeFileSync(file, JSON.stringify(slim, null, 2) + '\n');
}
