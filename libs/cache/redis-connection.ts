import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createClient, type RedisClientType } from 'redis';
import { APP_CONFIG, type AppConfig } from '../common/config/app-config.js';
import { CircuitBreaker } from './circuit-breaker.js';

/** Redis must cost milliseconds when it is sick: short timeouts, no offline queue, a breaker. */
const COMMAND_TIMEOUT_MS = 150;
const CONNECT_TIMEOUT_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
const ERROR_LOG_INTERVAL_MS = 10_000;

export type Redis = RedisClientType;

function newClient(url: string): Redis {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  }) as Redis;
}

/**
 * The process's Redis connections: one for commands, one for pub/sub (a subscribed connection
 * can do nothing else). Boot never waits for Redis; they connect and reconnect by themselves.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  readonly client: Redis;
  readonly subscriber: Redis;
  private readonly timed: Redis;
  private readonly breaker = new CircuitBreaker({ name: 'redis', failureThreshold: 3, cooldownMs: 1_000 });
  private readonly logger = new Logger('Redis');
  private lastErrorLog = 0;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.prefix = config.redisKeyPrefix;
    this.client = newClient(config.redisUrl);
    this.subscriber = newClient(config.redisUrl);
    this.timed = this.client.withCommandOptions({ timeout: COMMAND_TIMEOUT_MS }) as Redis;
    for (const connection of [this.client, this.subscriber]) connection.on('error', (error: Error) => this.logError(error));
  }

  onModuleInit(): void {
    for (const connection of [this.client, this.subscriber]) connection.connect().catch((error: Error) => this.logError(error));
  }

  /** Every key and channel is namespaced, so deployments (and test runs) can share one Redis. */
  key(name: string): string {
    return this.prefix + name;
  }

  get isReady(): boolean {
    return this.client.isReady;
  }

  get circuitState(): string {
    return this.breaker.state;
  }

  /** Runs commands with a timeout, through the breaker; throws at once while Redis is down. */
  run<T>(commands: (redis: Redis) => Promise<T>): Promise<T> {
    return this.breaker.run(() => {
      if (!this.client.isReady) return Promise.reject(new Error('redis is not connected'));
      return commands(this.timed);
    });
  }

  /** QUIT when connected; otherwise drop the socket at once (waiting for a dead Redis would hang shutdown). */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.client, this.subscriber].map(async (connection) => {
        if (!connection.isOpen) return;
        if (!connection.isReady) return connection.destroy();
        const timer = setTimeout(() => connection.destroy(), CONNECT_TIMEOUT_MS);
        try {
          await connection.close();
        } catch {
          connection.destroy();
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  private logError(error: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLog = now;
    this.logger.warn(`redis unavailable, serving without it: ${error.message}`);
  }
}
