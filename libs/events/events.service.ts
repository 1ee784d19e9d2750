import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import type { Page } from '../common/pagination/page.query.js';
import { importCsv, type BatchOutcome } from '../csv-import/csv-importer.js';
import type { ImportReport } from '../csv-import/import-report.js';
import { parseEventRecord } from './event-csv-row.js';
import type { Event } from './event.entity.js';
import { EventsRepository, type EventFilter, type ImportedEvent, type NewEvent } from './events.repository.js';

/** Tells which of the given ids exist; supplied by the modules that own those records. */
export interface EventReferenceCheck {
  existingUrlIds(ids: number[]): Promise<Set<number>>;
  existingUserIds(ids: number[]): Promise<Set<number>>;
}

@Injectable()
export class EventsService {
  constructor(private readonly events: EventsRepository) {}

  list(filter: EventFilter, page: Page): Promise<Event[]> {
    return this.events.findPage(filter, page);
  }

  /** Writes events, inside the caller's transaction when one is given. */
  record(events: NewEvent[], manager?: EntityManager): Promise<Event[]> {
    return events.length ? this.events.insert(events, manager) : Promise.resolve([]);
  }

  /** Persists a JSON array of clicks idempotently (by click id). */
  recordClicksJson(clicksJson: string): Promise<{ written: number; total: number; oldestAt: number | null }> {
    return this.events.insertClicksJson(clicksJson);
  }

  importCsv(input: Readable, references: EventReferenceCheck): Promise<ImportReport> {
    let keptIds = false;
    return importCsv<ImportedEvent>(input, {
      requiredColumns: ['url_id', 'event_type'],
      parseRecord: parseEventRecord,
      insertBatch: async (rows, columns): Promise<BatchOutcome> => {
        const failures = await this.findDanglingReferences(rows, references);
        const failed = new Set(failures.map((failure) => failure.index));
        const valid = rows.filter((_row, index) => !failed.has(index));
        let inserted = 0;
        if (valid.length && columns.includes('id')) {
          keptIds = true;
          const written = new Set(await this.events.insertWithIds(valid));
          const notWritten = rows.flatMap((row, index) =>
            failed.has(index) || written.has(row.id!) ? [] : [{ row, index }],
          );
          const { skipped, conflicts } = await this.classifyNotWritten(notWritten);
          return { inserted: written.size, skipped, failures: [...failures, ...conflicts] };
        }
        if (valid.length) inserted = await this.events.insertWithoutIds(valid);
        return { inserted, skipped: valid.length - inserted, failures };
      },
      finish: async () => {
        if (keptIds) await this.events.moveIdSequencePastMax();
      },
    });
  }

  /** A row whose id holds the same event was imported before; one holding another event is refused. */
  private async classifyNotWritten(notWritten: { row: ImportedEvent; index: number }[]) {
    const holders = new Map((await this.events.findByIds(notWritten.map(({ row }) => row.id!))).map((e) => [Number(e.id), e]));
    let skipped = 0;
    const conflicts: BatchOutcome['failures'] = [];
    for (const { row, index } of notWritten) {
      const holder = holders.get(row.id!);
      const same =
        holder !== undefined &&
        holder.url_id === row.url_id &&
        holder.user_id === row.user_id &&
        holder.event_type === row.event_type &&
        (row.timestamp === undefined || holder.timestamp.getTime() === row.timestamp.getTime()) &&
        isDeepStrictEqual(holder.details, row.details);
      if (same) skipped++;
      else conflicts.push({ index, error: `id ${row.id} already holds a different event` });
    }
    return { skipped, conflicts };
  }

  private async findDanglingReferences(rows: ImportedEvent[], references: EventReferenceCheck) {
    const [urls, users] = await Promise.all([
      references.existingUrlIds([...new Set(rows.map((row) => row.url_id))]),
      references.existingUserIds([...new Set(rows.flatMap((row) => (row.user_id === null ? [] : [row.user_id])))]),
    ]);
    return rows.flatMap((row, index) => {
      if (!urls.has(row.url_id)) return [{ index, error: `url ${row.url_id} does not exist` }];
      if (row.user_id !== null && !users.has(row.user_id)) return [{ index, error: `user ${row.user_id} does not exist` }];
      return [];
    });
  }
}
