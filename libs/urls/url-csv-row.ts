import type { CsvRecord } from '../csv-import/csv-importer.js';
import { parseCsvBoolean, parseCsvId } from '../csv-import/csv-cells.js';
import { parseNaiveTimestamp } from '../common/time/timestamp.js';
import { TITLE_MAX } from './dto/create-url.dto.js';
import { RESERVED_SHORT_CODES, SHORT_CODE_PATTERN } from './short-code.generator.js';
import { checkTargetUrl } from './target-url.policy.js';
import type { ImportedUrl } from './urls.repository.js';

function timestamp(record: CsvRecord, column: 'created_at' | 'updated_at'): Date | null | string {
  const text = record[column];
  if (!text) return null;
  return parseNaiveTimestamp(text) ?? `${column} ${JSON.stringify(text)} is not a YYYY-MM-DD HH:MM:SS timestamp`;
}

/** One urls.csv record (`id,user_id,short_code,original_url,title,is_active,created_at,updated_at`). */
export function parseUrlRecord(record: CsvRecord, columns: string[]): ImportedUrl | string {
  let id: number | null = null;
  if (columns.includes('id')) {
    id = parseCsvId(record.id);
    if (id === null) return `id ${JSON.stringify(record.id ?? '')} is not a positive integer`;
  }
  const user_id = parseCsvId(record.user_id);
  if (user_id === null) return `user_id ${JSON.stringify(record.user_id ?? '')} is not a positive integer`;
  const short_code = record.short_code ?? '';
  if (!SHORT_CODE_PATTERN.test(short_code)) return `short_code ${JSON.stringify(short_code)} must be 1-32 characters of [0-9A-Za-z]`;
  if (RESERVED_SHORT_CODES.has(short_code.toLowerCase())) return `short_code ${JSON.stringify(short_code)} is reserved for the API`;
  const target = checkTargetUrl(record.original_url ?? '');
  if (!target.ok) return `original_url ${target.reason}`;
  const title = record.title ? record.title : null;
  if (title !== null && title.length > TITLE_MAX) return `title is longer than ${TITLE_MAX} characters`;
  let is_active = true;
  if (record.is_active) {
    const parsed = parseCsvBoolean(record.is_active);
    if (parsed === null) return `is_active ${JSON.stringify(record.is_active)} is not True or False`;
    is_active = parsed;
  }
  const created_at = timestamp(record, 'created_at');
  if (typeof created_at === 'string') return created_at;
  const updated_at = timestamp(record, 'updated_at');
  if (typeof updated_at === 'string') return updated_at;
  return { id, user_id, short_code, original_url: target.href, title, is_active, created_at, updated_at };
}
