import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { importCsv, type CsvImportSpec, type CsvRecord } from './csv-importer.js';
import { MAX_REPORTED_ERRORS } from './import-report.js';

interface Row {
  name: string;
}

function specWith(overrides: Partial<CsvImportSpec<Row>> = {}) {
  const batches: Row[][] = [];
  let finished = 0;
  const spec: CsvImportSpec<Row> = {
    requiredColumns: ['name'],
    parseRecord: (record: CsvRecord) => (record.name ? { name: record.name } : 'name is empty'),
    insertBatch: async (rows) => {
      batches.push(rows);
      return { inserted: rows.length, skipped: 0, failures: [] };
    },
    finish: async () => {
      finished++;
    },
    batchSize: 2,
    ...overrides,
  };
  return { spec, batches, finished: () => finished };
}

describe('importCsv', () => {
  it('streams rows in batches and counts them', async () => {
    const { spec, batches, finished } = specWith();
    const report = await importCsv(Readable.from(['name\na\nb\n', 'c\n']), spec);
    expect(report).toEqual({ count: 3, imported: 3, skipped: 0, failed: 0, errors: [] });
    expect(batches).toEqual([[{ name: 'a' }, { name: 'b' }], [{ name: 'c' }]]);
    expect(finished()).toBe(1);
  });

  it('handles a byte-order mark, CRLF, quotes with "" escapes and header case', async () => {
    const { spec, batches } = specWith();
    await importCsv(Readable.from(['\uFEFFName,Extra\r\n"say ""hi""",x\r\n']), spec);
    expect(batches).toEqual([[{ name: 'say "hi"' }]]);
  });

  it('reports refused rows with their line numbers and imports the rest', async () => {
    const { spec } = specWith();
    const report = await importCsv(Readable.from(['name\na\n""\nb\n']), spec);
    expect(report.imported).toBe(2);
    expect(report.failed).toBe(1);
    expect(report.errors).toEqual([{ line: 3, error: 'name is empty' }]);
  });

  it('maps batch failures back to CSV lines and counts skipped rows', async () => {
    const { spec } = specWith({
      // The last row of every batch conflicts; the others were imported before.
      insertBatch: async (rows) => ({
        inserted: 0,
        skipped: rows.length - 1,
        failures: [{ index: rows.length - 1, error: 'taken' }],
      }),
    });
    const report = await importCsv(Readable.from(['name\na\nb\nc\n']), spec);
    expect(report).toMatchObject({ count: 3, imported: 0, skipped: 1, failed: 2 });
    expect(report.errors).toEqual([
      { line: 3, error: 'taken' },
      { line: 4, error: 'taken' },
    ]);
  });

  it('keeps only the first errors but counts them all', async () => {
    const { spec } = specWith();
    const lines = Array.from({ length: MAX_REPORTED_ERRORS + 5 }, () => '""').join('\n');
    const report = await importCsv(Readable.from([`name\n${lines}\n`]), spec);
    expect(report.failed).toBe(MAX_REPORTED_ERRORS + 5);
    expect(report.errors).toHaveLength(MAX_REPORTED_ERRORS);
  });

  it('refuses a header without the required columns before reading any row', async () => {
    const { spec, batches } = specWith();
    const error = (await importCsv(Readable.from(['title\nx\n']), spec).catch((e: unknown) => e)) as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.getResponse()).toEqual({ error: 'the CSV header lacks required column(s) name (found: title)' });
    expect(batches).toEqual([]);
  });

  it('refuses an empty file', async () => {
    const { spec } = specWith();
    await expect(importCsv(Readable.from(['']), spec)).rejects.toBeInstanceOf(BadRequestException);
  });

  it('stops at malformed CSV, saying how far it got, and still runs finish', async () => {
    const { spec, batches, finished } = specWith();
    async function* upload() {
      yield 'name\n' + 'row\n'.repeat(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      yield '"unterminated\n';
    }
    const error = (await importCsv(Readable.from(upload()), spec).catch(
      (e: unknown) => e,
    )) as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    const body = error.getResponse() as { error: string; details: { imported: number } };
    expect(body.error).toMatch(/^malformed CSV, import stopped/);
    // What the report says was imported is exactly what reached the database.
    expect(body.details.imported).toBeGreaterThan(0);
    expect(body.details.imported).toBe(batches.flat().length);
    expect(finished()).toBe(1);
  });

  it('propagates an error of the upload stream', async () => {
    const { spec } = specWith();
    const input = new Readable({
      read() {
        this.destroy(new Error('client went away'));
      },
    });
    await expect(importCsv(input, spec)).rejects.toThrow('client went away');
  });

  it('propagates a database error from a batch', async () => {
    const { spec } = specWith({ insertBatch: async () => Promise.reject(new Error('db down')) });
    await expect(importCsv(Readable.from(['name\na\n']), spec)).rejects.toThrow('db down');
  });
});
