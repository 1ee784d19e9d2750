import { Injectable, Logger, ServiceUnavailableException, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisConnection } from '../cache/redis-connection.js';
import { counter } from '../metrics/registered.js';
import type { Click } from './click.js';
import { CLICK_STREAM, encodeClicks } from './click-stream.js';
import { EventsService } from './events.service.js';

export type NewClick = Omit<Click, 'id' | 'at'>;

interface Waiting {
  click: Click;
  /** True once the visitor's connection is closed: its redirect can no longer be delivered. */
  clientGone?: () => boolean;
  /** true: the click is durably accepted; false: the visitor had gone, nothing was recorded. */
  resolve: (recorded: boolean) => void;
  reject: (error: Error) => void;
}

/** A batch closes at this size even inside one event-loop turn. */
const MAX_BATCH = 1_000;

const accepted = counter({
  name: 'shortener_clicks_accepted_total',
  help: 'Clicks durably accepted before their redirect was answered, by store (stream, or database when Redis was down)',
  labelNames: ['store'],
});
const abandoned = counter({
  name: 'shortener_clicks_abandoned_total',
  help: 'Clicks not recorded because the visitor had gone before the redirect could be sent',
});
const refused = counter({
  name: 'shortener_clicks_failed_total',
  help: 'Clicks neither Redis nor PostgreSQL accepted (their redirects answered 503)',
});

/**
 * Accepts a click durably before its redirect is answered, in group commits: the clicks of one
 * event-loop turn go to the Redis stream as one XADD (or, if Redis is down, to PostgreSQL as one
 * INSERT), and every redirect in the batch waits for that one write.
 */
@Injectable()
export class ClickRecorder implements OnModuleDestroy {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly logger = new Logger(ClickRecorder.name);

  private readonly stream: string;

  constructor(
    private readonly redis: RedisConnection,
    private readonly events: EventsService,
  ) {
    this.stream = redis.key(CLICK_STREAM);
  }

  /**
   * Resolves true once the click is durably accepted, false if the visitor left before it was
   * written (then nothing is recorded); rejects (503) only if neither store took it.
   */
  record(click: NewClick, clientGone?: () => boolean): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ click: { ...click, id: randomUUID(), at: Date.now() }, clientGone, resolve, reject });
      if (this.waiting.length >= MAX_BATCH) this.flushNow();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flushNow());
      }
    });
  }

  /** Writes whatever is waiting and waits for every write in progress. */
  async flush(): Promise<void> {
    this.flushNow();
    await Promise.allSettled([...this.inFlight]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  private flushNow(): void {
    this.scheduled = false;
    if (!this.waiting.length) return;
    const batch = this.waiting;
    this.waiting = [];
    const write = this.write(batch).finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  private async write(all: Waiting[]): Promise<void> {
    // A replica that was frozen (SIGSTOP, a long GC pause) finds requests whose visitor, or nginx,
    // gave up and went elsewhere: their redirect is never delivered, so they are not clicks.
    const batch = all.filter((waiting) => {
      if (!waiting.clientGone?.()) return true;
      abandoned.inc();
      waiting.resolve(false);
      return false;
    });
    if (!batch.length) return;
    const clicks = batch.map((waiting) => waiting.click);
    try {
      await this.redis.run((redis) => redis.xAdd(this.stream, '*', encodeClicks(clicks)));
      accepted.inc({ store: 'stream' }, clicks.length);
      for (const waiting of batch) waiting.resolve(true);
      return;
    } catch {
      // Redis is down or slow: PostgreSQL takes the batch directly.
    }
    try {
      await this.events.recordClicksJson(JSON.stringify(clicks));
      accepted.inc({ store: 'database' }, clicks.length);
      for (const waiting of batch) waiting.resolve(true);
    } catch (error) {
      refused.inc(clicks.length);
      this.logger.error(`could not record ${clicks.length} clicks in Redis or PostgreSQL: ${(error as Error).message}`);
      const refusal = new ServiceUnavailableException({ error: 'cannot record the visit right now; retry shortly' });
      for (const waiting of batch) waiting.reject(refusal);
    }
  }
}
