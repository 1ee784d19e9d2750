import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hostname } from 'node:os';
import { RedisConnection } from '../cache/redis-connection.js';
import { counter, gauge } from '../metrics/registered.js';
import { CLICK_GROUP, CLICK_STREAM, joinClickBatches } from './click-stream.js';
import { EventsService } from './events.service.js';

const READ_COUNT = 200;
const IDLE_POLL_MS = 100;
const ERROR_BACKOFF_MS = 1_000;
/** Entries a consumer took but did not acknowledge for this long belong to a dead replica. */
const CLAIM_IDLE_MS = 30_000;
const CLAIM_INTERVAL_MS = 10_000;
const DRAIN_LIMIT_MS = 5_000;

interface StreamEntry {
  id: string;
  message: Record<string, string>;
}

const persisted = counter({
  name: 'shortener_clicks_persisted_total',
  help: 'Clicks moved from the stream to the events table',
});
const duplicates = counter({
  name: 'shortener_clicks_duplicates_total',
  help: 'Redelivered clicks skipped because their click id was already stored',
});
const lag = gauge({
  name: 'shortener_click_lag_seconds',
  help: 'Age of the oldest click in the last batch written by this replica (0 when idle)',
});

/**
 * Moves clicks from the Redis stream to PostgreSQL in batches. Every replica runs one consumer
 * of the same group, so each batch goes to one of them; a batch is acknowledged only after its
 * INSERT commits, and click ids make a redelivered batch harmless.
 */
@Injectable()
export class ClickConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly name = `${hostname()}-${process.pid}`;
  private running = false;
  private loop?: Promise<void>;
  private groupReady = false;
  private readPending = true;
  private lastClaim = 0;
  private wake?: () => void;
  private stepping: Promise<unknown> = Promise.resolve();
  private readonly logger = new Logger(ClickConsumer.name);

  private readonly stream: string;

  constructor(
    private readonly redis: RedisConnection,
    private readonly events: EventsService,
  ) {
    this.stream = redis.key(CLICK_STREAM);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.drain();
  }

  /** Moves everything waiting in the stream now (bounded in time); used at shutdown and by tests. */
  async drain(limitMs = DRAIN_LIMIT_MS): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline) {
      try {
        if ((await this.step()) === 0) return;
      } catch {
        return;
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!this.redis.isReady) {
        // Nothing can be in the stream for us while Redis is away; clicks go straight to PostgreSQL.
        await this.sleep(IDLE_POLL_MS);
        continue;
      }
      let moved = 0;
      try {
        moved = await this.step();
      } catch (error) {
        this.logger.warn(`click consumer paused: ${(error as Error).message}`);
        await this.sleep(ERROR_BACKOFF_MS);
        continue;
      }
      if (moved === 0) await this.sleep(IDLE_POLL_MS);
    }
  }

  /** One batch at a time, whoever asks (the loop or a drain): returns the number of clicks moved. */
  private step(): Promise<number> {
    const next = this.stepping.then(() => this.stepOnce());
    this.stepping = next.catch(() => undefined);
    return next;
  }

  private async stepOnce(): Promise<number> {
    await this.ensureGroup();
    const entries = await this.nextEntries();
    if (!entries.length) {
      lag.set(0);
      return 0;
    }
    let result: { written: number; total: number; oldestAt: number | null };
    try {
      result = await this.events.recordClicksJson(joinClickBatches(entries.map((entry) => entry.message)));
      await this.redis.run(async (redis) => {
        const ids = entries.map((entry) => entry.id);
        await redis.xAck(this.stream, CLICK_GROUP, ids);
        await redis.xDel(this.stream, ids);
      });
    } catch (error) {
      // The entries stay pending for this consumer and are read again first.
      this.readPending = true;
      throw error;
    }
    persisted.inc(result.written);
    duplicates.inc(result.total - result.written);
    if (result.oldestAt !== null) lag.set(Math.max(0, (Date.now() - result.oldestAt) / 1000));
    return Math.max(result.total, 1);
  }

  private async nextEntries(): Promise<StreamEntry[]> {
    try {
      return await this.nextEntriesOrThrow();
    } catch (error) {
      // Redis restarted without its data: the group is gone and must be made again.
      if (String((error as Error).message).includes('NOGROUP')) this.groupReady = false;
      throw error;
    }
  }

  private async nextEntriesOrThrow(): Promise<StreamEntry[]> {
    // First what this consumer read but did not acknowledge (a failed INSERT), then dead replicas' entries, then new ones.
    if (this.readPending) {
      const pending = await this.read('0');
      if (pending.length) return pending;
      this.readPending = false;
    }
    if (Date.now() - this.lastClaim > CLAIM_INTERVAL_MS) {
      this.lastClaim = Date.now();
      const claimed = await this.redis.run((redis) =>
        redis.xAutoClaim(this.stream, CLICK_GROUP, this.name, CLAIM_IDLE_MS, '0-0', { COUNT: READ_COUNT }),
      );
      const entries = (claimed.messages ?? []).filter((entry): entry is StreamEntry => entry !== null);
      if (entries.length) return entries;
    }
    return this.read('>');
  }

  private async read(from: '0' | '>'): Promise<StreamEntry[]> {
    const reply = await this.redis.run((redis) =>
      redis.xReadGroup(CLICK_GROUP, this.name, { key: this.stream, id: from }, { COUNT: READ_COUNT }),
    );
    const streams = (reply ?? []) as { messages: (StreamEntry | null)[] }[];
    return streams.flatMap((stream) => stream.messages).filter((entry): entry is StreamEntry => entry !== null);
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.redis.run((redis) => redis.xGroupCreate(this.stream, CLICK_GROUP, '0', { MKSTREAM: true }));
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
    this.groupReady = true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
