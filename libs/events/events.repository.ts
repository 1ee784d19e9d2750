import { Injectable } from '@nestjs/common';
import { moveIdSequencePastMax } from '../database/id-sequence.js';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { Page } from '../common/pagination/page.query.js';
import { Event } from './event.entity.js';

export interface NewEvent {
  url_id: number;
  user_id: number | null;
  event_type: string;
  details: Record<string, unknown>;
  timestamp?: Date;
}

export interface EventFilter {
  url_id?: number;
  user_id?: number;
  event_type?: string;
}

/** An events.csv row; `id` is kept when the file has one. */
export interface ImportedEvent extends NewEvent {
  id: number | null;
}

@Injectable()
export class EventsRepository {
  constructor(
    @InjectRepository(Event) private readonly events: Repository<Event>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  findPage(filter: EventFilter, page: Page): Promise<Event[]> {
    const where: FindOptionsWhere<Event> = {};
    if (filter.url_id !== undefined) where.url_id = filter.url_id;
    if (filter.user_id !== undefined) where.user_id = filter.user_id;
    if (filter.event_type !== undefined) where.event_type = filter.event_type;
    return this.events.find({ where, order: { id: 'ASC' }, take: page.limit, skip: page.offset });
  }

  async insert(events: NewEvent[], manager?: EntityManager): Promise<Event[]> {
    const repository = manager ? manager.getRepository(Event) : this.events;
    return repository.save(events.map((event) => repository.create(event)));
  }

  /**
   * Writes clicks given as one JSON array (the stream's own encoding, passed through untouched):
   * PostgreSQL unpacks it, so the process does no per-click work. A click id already present (a
   * redelivery) is skipped. Returns clicks written, clicks given, and the oldest click's time.
   */
  async insertClicksJson(clicksJson: string): Promise<{ written: number; total: number; oldestAt: number | null }> {
    const [row] = (await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
                AS c(id uuid, "urlId" int, "ownerId" int, at bigint, referrer text, "userAgent" text)
       ), written AS (
         INSERT INTO events (url_id, user_id, event_type, "timestamp", details, click_id)
         SELECT c."urlId", c."ownerId", 'click', to_timestamp(c.at / 1000.0),
                jsonb_build_object('referrer', c.referrer, 'user_agent', c."userAgent"), c.id
           FROM input c
         ON CONFLICT (click_id) WHERE click_id IS NOT NULL DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM written)::int AS written,
              (SELECT count(*) FROM input)::int AS total,
              (SELECT min(at) FROM input)::float8 AS oldest_at`,
      [clicksJson],
    )) as { written: number; total: number; oldest_at: number | null }[];
    return { written: row.written, total: row.total, oldestAt: row.oldest_at };
  }

  /** Keeps CSV ids; an id already present is left untouched, which makes re-uploads idempotent. */
  async insertWithIds(rows: ImportedEvent[]): Promise<number[]> {
    const result = (await this.dataSource.query(
      `INSERT INTO events (id, url_id, user_id, event_type, "timestamp", details)
       SELECT r.id, r.url_id, r.user_id, r.event_type, coalesce(r.ts, now()), r.details
         FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::timestamptz[], $6::jsonb[])
              AS r(id, url_id, user_id, event_type, ts, details)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      this.columnsOf(rows, true),
    )) as { id: string }[];
    return result.map((row) => Number(row.id));
  }

  /** Without ids, an identical event (same url, user, type, time and details) counts as present. */
  async insertWithoutIds(rows: ImportedEvent[]): Promise<number> {
    const result = (await this.dataSource.query(
      `INSERT INTO events (url_id, user_id, event_type, "timestamp", details)
       SELECT r.url_id, r.user_id, r.event_type, coalesce(r.ts, now()), r.details
         FROM unnest($1::int[], $2::int[], $3::text[], $4::timestamptz[], $5::jsonb[])
              AS r(url_id, user_id, event_type, ts, details)
        WHERE r.ts IS NULL OR NOT EXISTS (
          SELECT 1 FROM events e
           WHERE e.url_id = r.url_id AND e.user_id IS NOT DISTINCT FROM r.user_id
             AND e.event_type = r.event_type AND e."timestamp" = r.ts AND e.details = r.details)
       RETURNING id`,
      this.columnsOf(rows, false),
    )) as unknown[];
    return result.length;
  }

  /** Rows holding these ids, to tell re-imported rows from conflicting ones. */
  findByIds(ids: number[]): Promise<Event[]> {
    return ids.length ? this.events.find({ where: { id: In(ids.map(String)) } }) : Promise.resolve([]);
  }

  moveIdSequencePastMax(): Promise<void> {
    return moveIdSequencePastMax(this.dataSource, 'events');
  }

  private columnsOf(rows: ImportedEvent[], withIds: boolean): unknown[] {
    const columns: unknown[] = [
      rows.map((r) => r.url_id),
      rows.map((r) => r.user_id),
      rows.map((r) => r.event_type),
      rows.map((r) => r.timestamp ?? null),
      rows.map((r) => JSON.stringify(r.details)),
    ];
    return withIds ? [rows.map((r) => r.id), ...columns] : columns;
  }
}
