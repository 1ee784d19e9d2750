import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface QueryResult {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** A real Prometheus (Debian's package) scrapes the running service, and PromQL finds its series. */
describe('scraped by Prometheus', () => {
  let t: TestApp;
  let prometheus: ChildProcess;
  let directory: string;
  const port = 19_000 + Math.floor(Math.random() * 1_000);
  const query = async (promql: string): Promise<QueryResult> =>
    (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as QueryResult;

  async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await check()) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('Prometheus did not see the data in time');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    directory = await mkdtemp(join(tmpdir(), 'prometheus-'));
    const target = new URL(t.baseUrl).host;
    await writeFile(
      join(directory, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: shortener\n    static_configs:\n      - targets: ['${target}']\n`,
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(directory, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(directory, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 20; i++) await request(t.baseUrl, 'GET', '/users');
  }, 60_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
      await new Promise<void>((resolve) => {
        prometheus.once('exit', () => resolve());
        prometheus.kill('SIGTERM');
      });
    }
    await t?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('sees the replica up and its request rate by route template', async () => {
    await until(async () => (await query('up{job="shortener"}')).data.result[0]?.value[1] === '1', 30_000);
    await until(
      async () => (await query('sum by (route) (http_request_duration_seconds_count{route="/users"})')).data.result.length > 0,
      30_000,
    );
    const traffic = await query('sum by (route) (http_request_duration_seconds_count{route="/users"})');
    expect(Number(traffic.data.result[0].value[1])).toBeGreaterThanOrEqual(20);
    const instance = (await query('up{job="shortener"}')).data.result[0].metric.instance;
    expect(instance).toBe(new URL(t.baseUrl).host);
  }, 60_000);
});
