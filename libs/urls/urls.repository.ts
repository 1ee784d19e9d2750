import { Injectable } from '@nestjs/common';
import { moveIdSequencePastMax } from '../database/id-sequence.js';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Repository, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { Page } from '../common/pagination/page.query.js';
import { Url } from './url.entity.js';

export interface NewUrl {
  user_id: number;
  short_code: string;
  original_url: string;
  title: string | null;
}

export interface UrlFilter {
  user_id?: number;
  is_active?: boolean;
}

/** A urls.csv row; `id` and the timestamps are kept when the file has them. */
export interface ImportedUrl extends NewUrl {
  id: number | null;
  is_active: boolean;
  created_at: Date | null;
  updated_at: Date | null;
}

/** What the redirect needs to know about a live, active code. */
export interface RedirectTarget {
  id: number;
  user_id: number;
  original_url: string;
}

@Injectable()
export class UrlsRepository {
  constructor(
    @InjectRepository(Url) private readonly urls: Repository<Url>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findPage(filter: UrlFilter, page: Page): Promise<Url[]> {
    const where: FindOptionsWhere<Url> = { deleted_at: IsNull() };
    if (filter.user_id !== undefined) where.user_id = filter.user_id;
    if (filter.is_active !== undefined) where.is_active = filter.is_active;
    return this.urls.find({ where, order: { id: 'ASC' }, take: page.limit, skip: page.offset });
  }

  findById(id: number): Promise<Url | null> {
    return this.urls.findOne({ where: { id, deleted_at: IsNull() } });
  }

  /** Reads and row-locks a live url for the rest of the transaction. */
  findByIdForUpdate(manager: EntityManager, id: number): Promise<Url | null> {
    return manager.getRepository(Url).findOne({ where: { id, deleted_at: IsNull() }, lock: { mode: 'pessimistic_write' } });
  }

  async findRedirectTarget(shortCode: string): Promise<RedirectTarget | null> {
    const rows = (await this.dataSource.query(
      `SELECT id, user_id, original_url FROM urls
        WHERE short_code = $1 AND is_active AND deleted_at IS NULL`,
      [shortCode],
    )) as RedirectTarget[];
    return rows[0] ?? null;
  }

  /**
   * Creates a url and its `created` event in one statement (atomic, one round trip), only if the
   * owner is a live user: null means there is no such user. The event is written here rather
   * than through EventsService because splitting it would cost a transaction and three round
   * trips on the API's busiest write.
   */
  async insertWithCreatedEvent(url: NewUrl, idempotencyKey: string | null = null): Promise<Url | null> {
    const rows = (await this.dataSource.query(
      `WITH owner AS (
         SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL
       ), created AS (
         INSERT INTO urls (user_id, short_code, original_url, title)
         SELECT id, $2, $3, $4 FROM owner
         RETURNING id, user_id, short_code, original_url, title, is_active, created_at, updated_at
       ), event AS (
         INSERT INTO events (url_id, user_id, event_type, details)
         SELECT id, user_id, 'created', jsonb_build_object('short_code', short_code, 'original_url', original_url)
           FROM created
       ), remembered AS (
         INSERT INTO idempotency_keys (key, url_id) SELECT $5, id FROM created WHERE $5::varchar IS NOT NULL
       )
       SELECT * FROM created`,
      [url.user_id, url.short_code, url.original_url, url.title, idempotencyKey],
    )) as Url[];
    return rows[0] ?? null;
  }

  /** The url an earlier request with this Idempotency-Key created, if any. */
  async findByIdempotencyKey(key: string): Promise<Url | null> {
    const rows = (await this.dataSource.query(
      `SELECT u.id, u.user_id, u.short_code, u.original_url, u.title, u.is_active, u.created_at, u.updated_at
         FROM idempotency_keys k JOIN urls u ON u.id = k.url_id
        WHERE k.key = $1`,
      [key],
    )) as Url[];
    return rows[0] ?? null;
  }

  save(manager: EntityManager, url: Url): Promise<Url> {
    return manager.getRepository(Url).save(url);
  }

  async softDelete(manager: EntityManager, id: number): Promise<void> {
    await manager.getRepository(Url).update({ id }, { deleted_at: new Date() });
  }

  /** Soft-deletes every live url of a user; returns them as they were. */
  async softDeleteAllOfUser(manager: EntityManager, userId: number): Promise<Url[]> {
    const urls = await manager.getRepository(Url).find({ where: { user_id: userId, deleted_at: IsNull() } });
    if (urls.length) {
      await manager.getRepository(Url).update({ id: In(urls.map((url) => url.id)) }, { deleted_at: new Date() });
    }
    return urls;
  }

  /** Ids (deleted or not) that exist: events may reference any url that ever existed. */
  async existingIds(ids: number[]): Promise<Set<number>> {
    if (!ids.length) return new Set();
    const rows = await this.urls.find({ select: { id: true }, where: { id: In(ids) } });
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Inserts CSV rows; a row whose id or short code is already taken is not written. Returns the
   * rows that were written, by id or (without ids) by short code.
   */
  async insertImported(rows: ImportedUrl[], keepIds: boolean): Promise<Set<string>> {
    const result = (await this.dataSource.query(
      `INSERT INTO urls (id, user_id, short_code, original_url, title, is_active, created_at, updated_at)
       SELECT coalesce(r.id, nextval(pg_get_serial_sequence('urls', 'id'))::int), r.user_id, r.short_code,
              r.original_url, r.title, r.is_active, coalesce(r.created_at, now()),
              coalesce(r.updated_at, r.created_at, now())
         FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::timestamptz[], $8::timestamptz[])
              AS r(id, user_id, short_code, original_url, title, is_active, created_at, updated_at)
       ON CONFLICT DO NOTHING
       RETURNING id, short_code`,
      [
        rows.map((r) => (keepIds ? r.id : null)),
        rows.map((r) => r.user_id),
        rows.map((r) => r.short_code),
        rows.map((r) => r.original_url),
        rows.map((r) => r.title),
        rows.map((r) => r.is_active),
        rows.map((r) => r.created_at),
        rows.map((r) => r.updated_at),
      ],
    )) as { id: number; short_code: string }[];
    return new Set(result.map((row) => (keepIds ? String(row.id) : row.short_code)));
  }

  /** The existing rows that hold any of these ids or short codes, to explain rows not written. */
  async findHolders(ids: number[], shortCodes: string[]): Promise<Pick<Url, 'id' | 'short_code' | 'original_url'>[]> {
    return this.urls.find({
      select: { id: true, short_code: true, original_url: true },
      where: [{ id: In(ids) }, { short_code: In(shortCodes) }],
    });
  }

  moveIdSequencePastMax(): Promise<void> {
    return moveIdSequencePastMax(this.dataSource, 'urls');
  }
}
