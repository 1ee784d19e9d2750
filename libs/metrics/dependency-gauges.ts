import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RedisConnection } from '../cache/redis-connection.js';
import { CLICK_STREAM } from '../events/click-stream.js';
import { gauge } from './registered.js';

interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

interface Sources {
  pool: () => PgPoolCounts | undefined;
  redis: RedisConnection;
}

/** The app whose dependencies the gauges read (one per process; the latest, in tests). */
let sources: Sources | undefined;

gauge({
  name: 'shortener_db_pool_connections',
  help: 'PostgreSQL pool connections of this replica by state: total, idle, waiting (requests queued for one)',
  labelNames: ['state'],
  collect() {
    const counts = sources?.pool();
    if (!counts) return;
    this.set({ state: 'total' }, counts.totalCount);
    this.set({ state: 'idle' }, counts.idleCount);
    this.set({ state: 'waiting' }, counts.waitingCount);
  },
});

gauge({
  name: 'shortener_redis_up',
  help: '1 when this replica has a working Redis connection',
  collect() {
    if (sources) this.set(sources.redis.isReady && sources.redis.circuitState !== 'open' ? 1 : 0);
  },
});

gauge({
  name: 'shortener_click_backlog',
  help: 'Click batches waiting in the Redis stream for the events table (stream length)',
  async collect() {
    const redis = sources?.redis;
    if (!redis) return;
    try {
      this.set(await redis.run((client) => client.xLen(redis.key(CLICK_STREAM))));
    } catch {
      // Unknown while Redis is away: shortener_redis_up says so.
    }
  },
});

/** Saturation and dependency gauges, read when Prometheus scrapes rather than kept up to date. */
@Injectable()
export class DependencyGauges implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisConnection,
  ) {}

  onModuleInit(): void {
    sources = {
      pool: () => (this.dataSource.driver as unknown as { master?: PgPoolCounts }).master,
      redis: this.redis,
    };
  }
}
