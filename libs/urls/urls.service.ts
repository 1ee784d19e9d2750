import { Injectable, NotFoundException, ServiceUnavailableException, type OnModuleInit } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { Page } from '../common/pagination/page.query.js';
import { importCsv, type BatchOutcome } from '../csv-import/csv-importer.js';
import type { ImportReport } from '../csv-import/import-report.js';
import { PG_UNIQUE_VIOLATION, isPgError } from '../database/pg-error.js';
import { LinkCache } from '../cache/link-cache.js';
import { EventsService } from '../events/events.service.js';
import { UsersService } from '../users/users.service.js';
import type { CreateUrlDto } from './dto/create-url.dto.js';
import type { UpdateUrlDto } from './dto/update-url.dto.js';
import { ShortCodeGenerator } from './short-code.generator.js';
import { normalizeTargetUrl } from './target-url.policy.js';
import { parseUrlRecord } from './url-csv-row.js';
import type { Url } from './url.entity.js';
import { UrlsRepository, type ImportedUrl, type RedirectTarget, type UrlFilter } from './urls.repository.js';

const SHORT_CODE_CONSTRAINT = 'urls_short_code_key';
const IDEMPOTENCY_KEY_CONSTRAINT = 'idempotency_keys_pkey';
/** With 62^7 codes a second collision in a row means something else is wrong. */
const MAX_CODE_ATTEMPTS = 5;
const UPDATABLE_FIELDS = ['title', 'is_active', 'original_url'] as const;

@Injectable()
export class UrlsService implements OnModuleInit {
  constructor(
    private readonly urls: UrlsRepository,
    private readonly users: UsersService,
    private readonly events: EventsService,
    private readonly codes: ShortCodeGenerator,
    private readonly cache: LinkCache,
  ) {}

  onModuleInit(): void {
    this.users.onUserDeleted((userId, manager) => this.removeAllOfUser(userId, manager));
  }

  list(filter: UrlFilter, page: Page): Promise<Url[]> {
    return this.urls.findPage(filter, page);
  }

  async get(id: number): Promise<Url> {
    const url = await this.urls.findById(id);
    if (!url) throw new NotFoundException({ error: `url ${id} not found` });
    return url;
  }

  /** The live, active url behind a short code, or null: from the cache tiers, then PostgreSQL. */
  resolve(shortCode: string): Promise<RedirectTarget | null> {
    return this.cache.get(shortCode, this.loadTarget);
  }

  private readonly loadTarget = (shortCode: string): Promise<RedirectTarget | null> =>
    this.urls.findRedirectTarget(shortCode);

  existingIds(ids: number[]): Promise<Set<number>> {
    return this.urls.existingIds(ids);
  }

  /**
   * With an idempotency key, a retry of a create that already happened (its response lost to a
   * timeout or a dying replica) returns the url it made instead of making a second one.
   */
  async create(input: CreateUrlDto, idempotencyKey: string | null = null): Promise<Url> {
    const original_url = normalizeTargetUrl(input.original_url);
    if (idempotencyKey) {
      const earlier = await this.urls.findByIdempotencyKey(idempotencyKey);
      if (earlier) return earlier;
    }
    for (let attempt = 1; attempt <= MAX_CODE_ATTEMPTS; attempt++) {
      let url: Url | null;
      try {
        url = await this.urls.insertWithCreatedEvent(
          { user_id: input.user_id, short_code: this.codes.next(), original_url, title: input.title ?? null },
          idempotencyKey,
        );
      } catch (error) {
        if (isPgError(error, PG_UNIQUE_VIOLATION, SHORT_CODE_CONSTRAINT)) continue;
        // A concurrent request with the same key won the race: answer with what it created.
        if (idempotencyKey && isPgError(error, PG_UNIQUE_VIOLATION, IDEMPOTENCY_KEY_CONSTRAINT)) {
          const winner = await this.urls.findByIdempotencyKey(idempotencyKey);
          if (winner) return winner;
        }
        throw error;
      }
      if (!url) throw new NotFoundException({ error: `user ${input.user_id} not found` });
      return url;
    }
    throw new ServiceUnavailableException({ error: `no free short code after ${MAX_CODE_ATTEMPTS} attempts; retry` });
  }

  /** Applies the fields given; writes one `updated` event per field whose value changed. */
  async update(id: number, input: UpdateUrlDto): Promise<Url> {
    const url = await this.applyUpdate(id, input);
    await this.cache.invalidate([url.short_code]);
    return url;
  }

  private applyUpdate(id: number, input: UpdateUrlDto): Promise<Url> {
    return this.urls.transaction(async (manager) => {
      const url = await this.urls.findByIdForUpdate(manager, id);
      if (!url) throw new NotFoundException({ error: `url ${id} not found` });
      const next = {
        title: input.title,
        is_active: input.is_active,
        original_url: input.original_url === undefined ? undefined : normalizeTargetUrl(input.original_url),
      };
      const changed = UPDATABLE_FIELDS.filter((field) => next[field] !== undefined && next[field] !== url[field]);
      if (UPDATABLE_FIELDS.every((field) => next[field] === undefined)) return url;
      for (const field of changed) Object.assign(url, { [field]: next[field] });
      url.updated_at = new Date();
      const saved = await this.urls.save(manager, url);
      await this.events.record(
        changed.map((field) => ({
          url_id: id,
          user_id: url.user_id,
          event_type: 'updated',
          details: { field, new_value: next[field] },
        })),
        manager,
      );
      return saved;
    });
  }

  async remove(id: number): Promise<void> {
    const code = await this.urls.transaction(async (manager) => {
      const url = await this.urls.findByIdForUpdate(manager, id);
      if (!url) throw new NotFoundException({ error: `url ${id} not found` });
      await this.urls.softDelete(manager, id);
      await this.events.record(
        [{ url_id: id, user_id: url.user_id, event_type: 'deleted', details: { reason: 'user_requested' } }],
        manager,
      );
      return url.short_code;
    });
    await this.cache.invalidate([code]);
  }

  importCsv(input: Readable): Promise<ImportReport> {
    let keptIds = false;
    return importCsv<ImportedUrl>(input, {
      requiredColumns: ['user_id', 'short_code', 'original_url'],
      parseRecord: parseUrlRecord,
      insertBatch: async (rows, columns): Promise<BatchOutcome> => {
        keptIds ||= columns.includes('id');
        return this.importBatch(rows, columns.includes('id'));
      },
      finish: async () => {
        if (keptIds) await this.urls.moveIdSequencePastMax();
      },
    });
  }

  /** Runs inside the user's deletion transaction; the cache's delayed second delete covers the commit. */
  private async removeAllOfUser(userId: number, manager: EntityManager): Promise<void> {
    const removed = await this.urls.softDeleteAllOfUser(manager, userId);
    await this.events.record(
      removed.map((url) => ({ url_id: url.id, user_id: userId, event_type: 'deleted', details: { reason: 'user_deleted' } })),
      manager,
    );
    await this.cache.invalidate(removed.map((url) => url.short_code));
  }

  private async importBatch(rows: ImportedUrl[], keepIds: boolean): Promise<BatchOutcome> {
    const owners = await this.users.existingIds([...new Set(rows.map((row) => row.user_id))]);
    const failures: BatchOutcome['failures'] = [];
    const candidates: { row: ImportedUrl; index: number }[] = [];
    rows.forEach((row, index) => {
      if (owners.has(row.user_id)) candidates.push({ row, index });
      else failures.push({ index, error: `user ${row.user_id} does not exist` });
    });
    if (!candidates.length) return { inserted: 0, skipped: 0, failures };
    const written = await this.urls.insertImported(candidates.map((c) => c.row), keepIds);
    const key = (row: ImportedUrl) => (keepIds ? String(row.id) : row.short_code);
    const notWritten = candidates.filter((c) => !written.has(key(c.row)));
    let skipped = 0;
    if (notWritten.length) {
      const holders = await this.urls.findHolders(
        notWritten.flatMap((c) => (c.row.id === null ? [] : [c.row.id])),
        notWritten.map((c) => c.row.short_code),
      );
      for (const { row, index } of notWritten) {
        // Already imported: the same id (or, without ids, the same code) holding the same link.
        const same = holders.find((h) =>
          keepIds ? h.id === row.id && h.short_code === row.short_code : h.short_code === row.short_code && h.original_url === row.original_url,
        );
        if (same) skipped++;
        else failures.push({ index, error: describeConflict(row, holders, keepIds) });
      }
    }
    return { inserted: written.size, skipped, failures };
  }
}

function describeConflict(row: ImportedUrl, holders: Pick<Url, 'id' | 'short_code'>[], keepIds: boolean): string {
  const byId = keepIds ? holders.find((h) => h.id === row.id) : undefined;
  if (byId) return `id ${row.id} already holds short_code ${byId.short_code}, not ${row.short_code}`;
  const byCode = holders.find((h) => h.short_code === row.short_code);
  if (byCode) return `short_code ${row.short_code} is already used by url ${byCode.id}`;
  return 'conflicts with an existing url';
}
