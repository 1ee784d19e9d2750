import { BadRequestException } from '@nestjs/common';
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { addRowError, emptyReport, type ImportReport } from './import-report.js';

export type CsvRecord = Record<string, string>;

/** A parsed row ready to insert, remembering the CSV line it came from for error reports. */
export interface ParsedRow<T> {
  line: number;
  value: T;
}

/** What one batch insert did: rows it wrote, rows already there, rows refused (by index). */
export interface BatchOutcome {
  inserted: number;
  skipped: number;
  failures: { index: number; error: string }[];
}

export interface CsvImportSpec<T> {
  /** Columns that must be in the header; any other known column is optional. */
  requiredColumns: string[];
  /** Turns a record into a row, or returns an error message saying why it cannot be imported. */
  parseRecord: (record: CsvRecord, columns: string[]) => T | string;
  insertBatch: (rows: T[], columns: string[]) => Promise<BatchOutcome>;
  /** Runs once after the last batch (e.g. to move id sequences past imported ids). */
  finish?: () => Promise<void>;
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 2_000;

interface CsvChunk {
  record: CsvRecord;
  info: { lines: number };
}

/**
 * Streams a CSV through `spec` in batches: memory stays flat whatever the file size, bad rows
 * are reported by line, and a malformed file stops with a 400 that says how far it got.
 */
export async function importCsv<T>(input: Readable, spec: CsvImportSpec<T>): Promise<ImportReport> {
  const report = emptyReport();
  let columns: string[] | undefined;
  const parser = input.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        columns = header.map((name) => name.trim().toLowerCase());
        const missing = spec.requiredColumns.filter((name) => !columns!.includes(name));
        if (missing.length) throw new MissingColumnsError(missing, columns);
        return columns;
      },
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  let batch: ParsedRow<T>[] = [];
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    const outcome = await spec.insertBatch(
      rows.map((row) => row.value),
      columns!,
    );
    report.imported += outcome.inserted;
    report.skipped += outcome.skipped;
    for (const failure of outcome.failures) {
      addRowError(report, { line: rows[failure.index].line, error: failure.error });
    }
  };
  try {
    for await (const chunk of parser as AsyncIterable<CsvChunk>) {
      report.count += 1;
      const parsed = spec.parseRecord(chunk.record, columns!);
      if (typeof parsed === 'string') {
        addRowError(report, { line: chunk.info.lines, error: parsed });
      } else {
        batch.push({ line: chunk.info.lines, value: parsed });
        if (batch.length >= (spec.batchSize ?? DEFAULT_BATCH_SIZE)) await flush();
      }
    }
    await flush();
  } catch (error) {
    throw toImportError(error, report);
  } finally {
    if (report.imported > 0) await spec.finish?.();
  }
  if (columns === undefined) throw new BadRequestException({ error: 'the CSV file is empty: no header row' });
  return report;
}

class MissingColumnsError extends Error {
  constructor(
    readonly missing: string[],
    readonly found: string[],
  ) {
    super(`the CSV header lacks required column(s) ${missing.join(', ')} (found: ${found.join(', ')})`);
  }
}

function toImportError(error: unknown, report: ImportReport): unknown {
  if (error instanceof MissingColumnsError) return new BadRequestException({ error: error.message });
  const code = (error as { code?: string }).code ?? '';
  if (code.startsWith('CSV_')) {
    return new BadRequestException({
      error: `malformed CSV, import stopped: ${(error as Error).message}`,
      details: { ...report, errors: report.errors },
    });
  }
  return error;
}
