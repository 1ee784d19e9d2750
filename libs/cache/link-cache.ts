import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { counter } from '../metrics/registered.js';
import { LruCache } from './lru-cache.js';
import { RedisConnection } from './redis-connection.js';
import { SingleFlight } from './single-flight.js';

/** What a short code resolves to. */
export interface CachedLink {
  id: number;
  user_id: number;
  original_url: string;
}

export type CacheTier = 'l1' | 'l2' | 'database';

const lookups = counter({
  name: 'shortener_cache_lookups_total',
  help: 'Short-code lookups by cache tier (l1 in-process, l2 Redis, database) and result (hit, miss)',
  labelNames: ['tier', 'result'],
});

export const INVALIDATION_CHANNEL = 'link-invalidations';
const KEY_PREFIX = 'link:';
const MISSING = '-';

/** L1 lives per replica and can only be cleared by a message, so it stays short. */
const L1_TTL_MS = 30_000;
const L1_MISSING_TTL_MS = 5_000;
const L1_MAX_ENTRIES = 100_000;
const L1_MAX_BYTES = 32 * 1024 * 1024;
const L2_TTL_SECONDS = 600;
const L2_MISSING_TTL_SECONDS = 10;
/** A replica may write a value it loaded just before an update; a second delete clears it. */
const SECOND_DELETE_DELAY_MS = 1_000;
const RETRY_INTERVAL_MS = 1_000;

/**
 * code → link in two tiers in front of PostgreSQL: an in-process LRU, then Redis, shared by the
 * replicas. Changes invalidate both tiers everywhere (Redis pub/sub); unknown codes are cached
 * briefly; concurrent misses for one code cost one load. Without Redis it serves L1 then PostgreSQL.
 */
@Injectable()
export class LinkCache implements OnModuleInit, OnModuleDestroy {
  private readonly l1 = new LruCache<CachedLink | null>({
    maxEntries: L1_MAX_ENTRIES,
    maxBytes: L1_MAX_BYTES,
    sizeOf: (key, value) => 100 + key.length * 2 + (value ? value.original_url.length * 2 : 0),
  });
  private readonly flight = new SingleFlight<CachedLink | null>();
  /** Codes whose invalidation has not reached Redis yet (it was down): retried until it has. */
  private readonly unsent = new Set<string>();
  private generation = 0;
  private retryTimer?: NodeJS.Timeout;
  private readonly logger = new Logger(LinkCache.name);

  constructor(private readonly redis: RedisConnection) {}

  onModuleInit(): void {
    const subscriber = this.redis.subscriber;
    // Messages missed while disconnected cannot be replayed: start over with an empty L1.
    subscriber.on('ready', () => this.dropLocal());
    void subscriber
      .subscribe(this.redis.key(INVALIDATION_CHANNEL), (message) => this.onInvalidation(message))
      .catch((error: Error) => this.logger.warn(`cannot subscribe to invalidations yet: ${error.message}`));
    this.retryTimer = setInterval(() => void this.retryUnsent(), RETRY_INTERVAL_MS);
    this.retryTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.retryTimer);
  }

  get l1Size(): number {
    return this.l1.size;
  }

  /** The link for `code`, from the first tier that has it; `load` reads PostgreSQL. */
  get(code: string, load: (code: string) => Promise<CachedLink | null>): Promise<CachedLink | null> {
    const local = this.l1.get(code);
    if (local !== undefined) {
      this.emit('l1', true);
      return Promise.resolve(local);
    }
    this.emit('l1', false);
    return this.flight.do(code, async () => {
      const generation = this.generation;
      let link = await this.readShared(code);
      if (link === undefined) {
        link = await load(code);
        this.emit('database', link !== null);
        if (generation === this.generation) void this.writeShared(code, link);
      }
      if (generation === this.generation) this.l1.set(code, link, link ? L1_TTL_MS : L1_MISSING_TTL_MS);
      return link;
    });
  }

  /** Forgets these codes in every tier of every replica (now, and once more a moment later). */
  async invalidate(codes: string[]): Promise<void> {
    if (!codes.length) return;
    this.forgetLocally(codes);
    await this.sendInvalidation(codes);
    setTimeout(() => void this.sendInvalidation(codes), SECOND_DELETE_DELAY_MS).unref();
  }

  private async readShared(code: string): Promise<CachedLink | null | undefined> {
    let raw: string | null;
    try {
      raw = await this.redis.run((redis) => redis.get(this.redis.key(KEY_PREFIX + code)));
    } catch {
      return undefined;
    }
    this.emit('l2', raw !== null);
    if (raw === null) return undefined;
    return raw === MISSING ? null : (JSON.parse(raw) as CachedLink);
  }

  private async writeShared(code: string, link: CachedLink | null): Promise<void> {
    try {
      await this.redis.run((redis) =>
        redis.set(this.redis.key(KEY_PREFIX + code), link ? JSON.stringify(link) : MISSING, {
          expiration: { type: 'EX', value: link ? L2_TTL_SECONDS : L2_MISSING_TTL_SECONDS },
        }),
      );
    } catch {
      // The cache is an optimisation: a failed write only costs a later miss.
    }
  }

  private async sendInvalidation(codes: string[]): Promise<void> {
    try {
      await this.redis.run(async (redis) => {
        await redis.del(codes.map((code) => this.redis.key(KEY_PREFIX + code)));
        await redis.publish(this.redis.key(INVALIDATION_CHANNEL), JSON.stringify(codes));
      });
      for (const code of codes) this.unsent.delete(code);
    } catch {
      for (const code of codes) this.unsent.add(code);
    }
  }

  private async retryUnsent(): Promise<void> {
    if (!this.unsent.size || !this.redis.isReady) return;
    await this.sendInvalidation([...this.unsent]);
  }

  private onInvalidation(message: string): void {
    try {
      this.forgetLocally(JSON.parse(message) as string[]);
    } catch {
      this.dropLocal();
    }
  }

  private forgetLocally(codes: string[]): void {
    this.generation += 1;
    for (const code of codes) this.l1.delete(code);
  }

  private dropLocal(): void {
    this.generation += 1;
    this.l1.clear();
  }

  private emit(tier: CacheTier, hit: boolean): void {
    lookups.inc({ tier, result: hit ? 'hit' : 'miss' });
  }
}
