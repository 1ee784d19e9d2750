import type { DataSource } from 'typeorm';

const TABLES_WITH_IDENTITY = new Set(['users', 'urls', 'events']);

/** After rows were written with explicit ids (imports), new rows must continue after the largest one. */
export async function moveIdSequencePastMax(dataSource: DataSource, table: 'users' | 'urls' | 'events'): Promise<void> {
  if (!TABLES_WITH_IDENTITY.has(table)) throw new Error(`no id sequence for table ${table}`);
  await dataSource.query(
    `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`,
  );
}
