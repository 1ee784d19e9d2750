import pg from 'pg';
import type { ChaosConfig } from './config.js';
import type { ChaosRedis } from './infra.js';
import type { Sample } from './load.js';

/**
 * What the database says happened, checked against what the load generator saw: each GET carried
 * a User-Agent of its own (`chaos/<scenario>/<n>`) and clicks store it (details->>'user_agent'),
 * so every 302 can be matched with its click; each POST carried an Idempotency-Key of its own.
 */

export interface ClickStats {
  /** 302s the load generator received. */
  redirects: number;
  /** click events stored with this scenario's user agents. */
  recorded: number;
  /** 302s whose request has no click. */
  lost: number;
  /** clicks beyond one per 302 (a request answered by a retry on another replica after the first recorded its click, or a GET that did not get its 302). */
  extra: number;
  /** click rows sharing a click_id (the unique index should make this impossible). */
  duplicates: number;
  /** entries still in the Redis stream when the drain stopped (null: Redis did not answer). */
  streamLeft: number | null;
  drainMs: number;
}

export interface IdempotencyStats {
  keysSent: number;
  keysWith201: number;
  keysInTable: number;
  urlsCreated: number;
  /** Urls with the same original_url (each POST has a unique one): a create that happened twice. */
  createdTwice: number;
  /** Urls created by the load that no idempotency key points at. */
  urlsWithoutKey: number;
  /** Keys that got a 201 but are missing from idempotency_keys or point at another url than the 201 said. */
  mismatched: number;
  /** Keys whose url exists although the client never saw a 201 (it gave up; the work was done once). */
  createdWithout201: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Ledger {
  private readonly pool: pg.Pool;

  constructor(
    private readonly config: ChaosConfig,
    private readonly redis: ChaosRedis,
  ) {
    this.pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 5_000 });
    this.pool.on('error', () => undefined); // an idle connection cut by the PostgreSQL restart
  }

  /** A query, tried again a few times: the first one after a PostgreSQL restart may meet a dead connection. */
  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return (await this.pool.query<R>(text, values)).rows;
      } catch (error) {
        lastError = error;
        await sleep(300);
      }
    }
    throw lastError;
  }

  async clicksByUa(tag: string): Promise<Map<string, { n: number; distinct: number }>> {
    const rows = await this.query<{ ua: string; n: number; d: number }>(
      `SELECT details->>'user_agent' AS ua, count(*)::int AS n, count(DISTINCT click_id)::int AS d
         FROM events WHERE event_type = 'click' AND details->>'user_agent' LIKE $1 GROUP BY 1`,
      [`chaos/${tag}/%`],
    );
    return new Map(rows.map((row) => [row.ua, { n: row.n, distinct: row.d }]));
  }

  static compare(samples: Sample[], counts: Map<string, { n: number; distinct: number }>): Omit<ClickStats, 'streamLeft' | 'drainMs'> {
    let redirects = 0;
    let lost = 0;
    let extra = 0;
    const seen = new Set<string>();
    for (const sample of samples) {
      if (sample.method !== 'GET') continue;
      seen.add(sample.ua);
      const n = counts.get(sample.ua)?.n ?? 0;
      if (sample.status === 302) {
        redirects += 1;
        if (n === 0) lost += 1;
        else extra += n - 1;
      } else {
        extra += n;
      }
    }
    let recorded = 0;
    let duplicates = 0;
    for (const [ua, count] of counts) {
      recorded += count.n;
      duplicates += count.n - count.distinct;
      if (!seen.has(ua)) extra += count.n;
    }
    return { redirects, recorded, lost, extra, duplicates };
  }

  /**
   * Waits for the click pipeline to settle after a scenario (bounded): until the stream is empty
   * and the count stopped changing, or every 302 has its click and the count stopped changing
   * (what is left in the stream can then only add extras: e.g. a killed consumer's unacknowledged
   * batch, which a live consumer claims after 30 s and which the click ids make harmless).
   */
  async drain(tag: string, samples: Sample[], maxMs = this.config.drainMaxMs): Promise<ClickStats> {
    const started = Date.now();
    let lastRecorded = -1;
    let stableSince = Date.now();
    for (;;) {
      const stats = Ledger.compare(samples, await this.clicksByUa(tag));
      const streamLeft = await this.redis.xlen();
      const now = Date.now();
      if (stats.recorded !== lastRecorded) {
        lastRecorded = stats.recorded;
        stableSince = now;
      }
      const stableMs = now - stableSince;
      const done = (streamLeft === 0 && stableMs >= 1_000) || (stats.lost === 0 && stableMs >= 2_000);
      if (done || now - started >= maxMs) return { ...stats, streamLeft, drainMs: now - started };
      await sleep(250);
    }
  }

  async idempotency(runId: string, samples: Sample[]): Promise<IdempotencyStats> {
    const posts = samples.filter((s) => s.method === 'POST' && s.key);
    const sent = new Map(posts.map((s) => [s.key!, s]));
    const keys = await this.query<{ key: string; url_id: number }>(`SELECT key, url_id FROM idempotency_keys WHERE key LIKE $1`, [
      `chaos-${runId}-%`,
    ]);
    const urls = await this.query<{ id: number; original_url: string }>(`SELECT id, original_url FROM urls WHERE original_url LIKE $1`, [
      `https://example.com/chaos/${runId}/%`,
    ]);
    const byKey = new Map(keys.map((k) => [k.key, k.url_id]));
    const keyed = new Set(keys.map((k) => k.url_id));
    const perOriginal = new Map<string, number>();
    for (const url of urls) perOriginal.set(url.original_url, (perOriginal.get(url.original_url) ?? 0) + 1);
    let mismatched = 0;
    let keysWith201 = 0;
    for (const [key, sample] of sent) {
      if (sample.status !== 201) continue;
      keysWith201 += 1;
      if (byKey.get(key) !== sample.createdId) mismatched += 1;
    }
    let createdWithout201 = 0;
    for (const key of byKey.keys()) if (sent.get(key)?.status !== 201) createdWithout201 += 1;
    return {
      keysSent: sent.size,
      keysWith201,
      keysInTable: keys.length,
      urlsCreated: urls.length,
      createdTwice: [...perOriginal.values()].reduce((sum, n) => sum + (n - 1), 0),
      urlsWithoutKey: urls.filter((url) => !keyed.has(url.id)).length,
      mismatched,
      createdWithout201,
    };
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
