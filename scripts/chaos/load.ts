import { randomUUID } from 'node:crypto';

/**
 * The steady load of a scenario: a fixed number of request loops against nginx, paced to a total
 * rate, sending ~90% GET /<code> (never retried by the client: nginx retries GETs itself), ~7%
 * POST /urls with a unique Idempotency-Key and ~3% PUT /urls/:id title updates. A POST or PUT
 * that meets a network error, 502, 503 or 504 is sent again - the same request, the same key -
 * after a backoff (0.5, 1, 2, 4 s), up to 5 attempts within 10 s. Every logical request is recorded.
 */

export type Method = 'GET' | 'POST' | 'PUT';
/** hot: a code visited before (cached); cold: a code never visited (only in the PostgreSQL scenario). */
export type Target = 'hot' | 'cold' | 'write';

export interface Attempt {
  status: number; // 0 = no HTTP answer
  error?: string;
  retryAfter: boolean;
  /** The body of a 5xx says who made it: nginx ("no API replica…", "did not answer") or the API. */
  from?: 'nginx' | 'api';
}

export interface Sample {
  tag: string;
  seq: number;
  method: Method;
  target: Target;
  /** User-Agent sent: clicks store it, so each GET's click can be found. */
  ua: string;
  code?: string;
  key?: string;
  startMs: number;
  endMs: number;
  latencyMs: number;
  status: number;
  error?: string;
  attempts: Attempt[];
  createdId?: number;
}

export interface LoadTargets {
  hotCodes: string[];
  coldCodes: string[];
  /** Urls the PUTs update (kept apart from the GET targets so updates do not evict them from the caches). */
  writeUrlIds: number[];
  userIds: number[];
}

export interface LoadOptions {
  baseUrl: string;
  tag: string;
  runId: string;
  concurrency: number;
  /** Requests per second over all loops; 0 = no pacing. */
  rate: number;
  targets: LoadTargets;
  /** Share of GETs that go to cold codes (changed while the load runs). */
  coldShare?: number;
  /** First request number (user agents must not repeat within a scenario). */
  seqStart?: number;
}

const GET_TIMEOUT_MS = 15_000;
const WRITE_ATTEMPT_TIMEOUT_MS = 8_000;
const WRITE_MAX_ATTEMPTS = 5;
const WRITE_RETRY_BUDGET_MS = 10_000;
const RETRIABLE = new Set([0, 502, 503, 504]);
const MAX_WRITES_IN_FLIGHT = 200;

function unexpected(error: unknown): void {
  // Only a bug in the generator lands here; keep the load going and say so.
  console.error(`load: unexpected ${String(error)}`);
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function errorText(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'client timeout';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}

function origin(status: number, body: string): 'nginx' | 'api' | undefined {
  if (status < 500) return undefined;
  if (/no API replica available|the API did not answer in time/.test(body)) return 'nginx';
  return 'api';
}

export class LoadGenerator {
  readonly samples: Sample[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly writes = new Set<Promise<void>>();
  private nextSlot = 0;
  private seq = 0;
  coldShare: number;
  startedAt = 0;
  stoppedAt = 0;

  constructor(private readonly options: LoadOptions) {
    this.coldShare = options.coldShare ?? 0;
    this.seq = options.seqStart ?? 0;
  }

  start(): void {
    this.running = true;
    this.startedAt = Date.now();
    this.nextSlot = this.startedAt;
    for (let i = 0; i < this.options.concurrency; i++) this.loops.push(this.loop());
  }

  /** Stops sending new requests and waits for those under way (and their retries). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all([...this.writes]);
    this.stoppedAt = Date.now();
  }

  private async pace(): Promise<void> {
    if (!this.options.rate) return;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.options.rate;
    if (slot > now) await sleep(slot - now);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      await this.pace();
      if (!this.running) break;
      const roll = Math.random();
      const seq = ++this.seq;
      if (roll < 0.9) {
        await this.get(seq).catch(unexpected);
        continue;
      }
      // A write being retried (backoff, up to 10 s) must not hold a loop, or an outage that fails
      // writes would starve the GETs: writes run on their own, at most MAX_WRITES_IN_FLIGHT at once.
      const write = (roll < 0.97 ? this.post(seq) : this.put(seq)).catch(unexpected).then(() => {
        this.writes.delete(write);
      });
      this.writes.add(write);
      while (this.writes.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(this.writes);
    }
  }

  private ua(seq: number): string {
    return `chaos/${this.options.tag}/${seq}`;
  }

  /** One GET /<code>, not retried. */
  async get(seq: number, code?: string, target?: Target): Promise<Sample> {
    const { hotCodes, coldCodes } = this.options.targets;
    const cold = target === 'cold' || (target === undefined && coldCodes.length > 0 && Math.random() < this.coldShare);
    const chosen = code ?? (cold ? pick(coldCodes) : pick(hotCodes));
    const sample = this.begin(seq, 'GET', cold ? 'cold' : 'hot');
    sample.code = chosen;
    const attempt = await this.send(`/${chosen}`, { method: 'GET', headers: { 'user-agent': sample.ua } }, GET_TIMEOUT_MS);
    sample.attempts.push(attempt.attempt);
    return this.end(sample);
  }

  private async post(seq: number): Promise<Sample> {
    const sample = this.begin(seq, 'POST', 'write');
    const key = `chaos-${this.options.runId}-${this.options.tag}-${seq}`;
    sample.key = key;
    const body = JSON.stringify({
      user_id: pick(this.options.targets.userIds),
      original_url: `https://example.com/chaos/${this.options.runId}/${this.options.tag}/${seq}`,
      title: `chaos ${this.options.tag} ${seq}`,
    });
    const last = await this.withRetries(sample, () =>
      this.send(
        '/urls',
        { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key, 'user-agent': sample.ua }, body },
        WRITE_ATTEMPT_TIMEOUT_MS,
      ),
    );
    if (last?.attempt.status === 201) {
      try {
        sample.createdId = (JSON.parse(last.body) as { id: number }).id;
      } catch {
        // a 201 without a JSON body would show up in the idempotency check
      }
    }
    return this.end(sample);
  }

  private async put(seq: number): Promise<Sample> {
    const sample = this.begin(seq, 'PUT', 'write');
    const id = pick(this.options.targets.writeUrlIds);
    const body = JSON.stringify({ title: `chaos ${this.options.tag} ${seq} ${randomUUID().slice(0, 8)}` });
    await this.withRetries(sample, () =>
      this.send(`/urls/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'user-agent': sample.ua }, body }, WRITE_ATTEMPT_TIMEOUT_MS),
    );
    return this.end(sample);
  }

  private async withRetries(
    sample: Sample,
    once: () => Promise<{ attempt: Attempt; body: string }>,
  ): Promise<{ attempt: Attempt; body: string } | null> {
    const deadline = sample.startMs + WRITE_RETRY_BUDGET_MS;
    let last: { attempt: Attempt; body: string } | null = null;
    for (let n = 1; n <= WRITE_MAX_ATTEMPTS; n++) {
      last = await once();
      sample.attempts.push(last.attempt);
      if (!RETRIABLE.has(last.attempt.status)) break;
      // 0.5, 1, 2, 4 s (±25%): the five attempts spread over the 10 s budget, so a write outlives a
      // short outage (a replica dying, a database restart) rather than spending its attempts in 2 s.
      const backoff = 500 * 2 ** (n - 1) * (0.75 + Math.random() / 2);
      if (n === WRITE_MAX_ATTEMPTS || Date.now() + backoff >= deadline) break;
      await sleep(backoff);
    }
    return last;
  }

  private async send(path: string, init: RequestInit, timeoutMs: number): Promise<{ attempt: Attempt; body: string }> {
    try {
      const response = await fetch(this.options.baseUrl + path, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      const body = await response.text();
      const attempt: Attempt = {
        status: response.status,
        retryAfter: response.headers.has('retry-after'),
        from: origin(response.status, body),
      };
      return { attempt, body };
    } catch (error) {
      return { attempt: { status: 0, error: errorText(error), retryAfter: false }, body: '' };
    }
  }

  private begin(seq: number, method: Method, target: Target): Sample {
    return {
      tag: this.options.tag,
      seq,
      method,
      target,
      ua: this.ua(seq),
      startMs: Date.now(),
      endMs: 0,
      latencyMs: 0,
      status: 0,
      attempts: [],
    };
  }

  private end(sample: Sample): Sample {
    sample.endMs = Date.now();
    sample.latencyMs = sample.endMs - sample.startMs;
    const last = sample.attempts[sample.attempts.length - 1];
    sample.status = last?.status ?? 0;
    if (last?.error) sample.error = last.error;
    this.samples.push(sample);
    return sample;
  }

  /** Sends one GET for each code (a warm-up: puts them in both cache tiers), a few at a time. */
  async visitAll(codes: string[], parallel = 8): Promise<Sample[]> {
    const out: Sample[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < codes.length) {
          const code = codes[next++]!;
          out.push(await this.get(++this.seq, code, 'hot'));
        }
      }),
    );
    return out;
  }
}

export const isSuccess = (sample: Sample): boolean =>
  sample.method === 'GET' ? sample.status === 302 : sample.method === 'POST' ? sample.status === 201 : sample.status === 200;

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
