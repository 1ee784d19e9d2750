import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../libs/common/project-root.js';

/**
 * The short form of the chaos drill (scripts/chaos/run.ts): SIGKILL and rolling restart, a few
 * seconds each, under load, against the drill's own PostgreSQL cluster (5433), Redis (6390) and
 * local cluster (3021-3023, nginx 8090). It runs the compiled drill (building first when dist/ has
 * none) and asserts what a regression would break: no failed GET, no lost click.
 *
 * One kind of failed GET is not the service's and is tolerated here (the drill itself still counts
 * it): a GET that got no HTTP answer at all within 1 s after an nginx reload. The rolling restart
 * reloads nginx six times; each time nginx's old workers close their idle client keep-alive
 * connections, and a request sent on one at that instant is reset before nginx reads it (it never
 * reaches nginx's access log, let alone a replica). See docs/resilience.md.
 */

const ROOT = projectRoot();
const DRILL = join(ROOT, 'dist', 'scripts', 'chaos', 'run.js');
const TIMEOUT_MS = 170_000;

function node(): string {
  const bin = join(ROOT, 'node_modules', '.bin', 'node');
  return existsSync(bin) ? realpathSync(bin) : process.execPath;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete out.NODE_OPTIONS; // Jest's --experimental-vm-modules is not for the drill or the replicas
  return out;
}

interface DrillJson {
  pass: boolean;
  failedChecks: string[];
  scenarios: {
    name: string;
    requests: Record<'GET' | 'POST' | 'PUT', number>;
    failed: Record<'GET' | 'POST' | 'PUT', number>;
    failures: Record<string, number>;
    reloadResets: number;
    clicks: { redirects: number; recorded: number; lost: number; extra: number; duplicates: number };
  }[];
}

function runDrill(jsonOut: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(node(), [DRILL], {
      cwd: ROOT,
      env: env({ CHAOS_SCENARIOS: 'kill,rolling', CHAOS_SCALE: '0.2', CHAOS_JSON: jsonOut, CHAOS_DOCS: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The drill bounds itself; this is the last resort. SIGTERM lets it clean up (cluster, Redis, PostgreSQL).
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS - 15_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('chaos drill, short form (SIGKILL, rolling restart)', () => {
  it(
    'serves every GET and loses no click while replicas are killed and restarted',
    async () => {
      if (!existsSync(DRILL)) {
        const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
        expect(build.stdout + build.stderr).toBe('');
        expect(build.status).toBe(0);
      }
      const dir = mkdtempSync(join(tmpdir(), 'chaos-e2e-'));
      try {
        const jsonOut = join(dir, 'result.json');
        const { code, output } = await runDrill(jsonOut);
        if (!existsSync(jsonOut)) throw new Error(`the drill wrote no result (exit ${code}):\n${output.slice(-6_000)}`);
        const result = JSON.parse(readFileSync(jsonOut, 'utf8')) as DrillJson;
        const summary = result.scenarios.map((s) => ({
          name: s.name,
          requests: s.requests,
          failedGets: s.failed.GET,
          reloadResets: s.reloadResets,
          failures: s.failures,
          lostClicks: s.clicks.lost,
          duplicates: s.clicks.duplicates,
        }));
        const context = `${JSON.stringify(summary, null, 2)}\n${output.slice(-4_000)}`;
        expect({ scenarios: result.scenarios.map((s) => s.name), context }).toEqual({ scenarios: ['kill', 'rolling'], context });
        for (const scenario of result.scenarios) {
          expect(scenario.requests.GET).toBeGreaterThan(100);
          expect(scenario.clicks.redirects).toBeGreaterThan(0);
          const failedGets = scenario.failed.GET - scenario.reloadResets;
          expect({ scenario: scenario.name, failedGets, context }).toEqual({ scenario: scenario.name, failedGets: 0, context });
          expect(scenario.reloadResets).toBeLessThanOrEqual(3);
          expect({ scenario: scenario.name, lostClicks: scenario.clicks.lost, context }).toEqual({ scenario: scenario.name, lostClicks: 0, context });
          expect(scenario.clicks.duplicates).toBe(0);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );
});
