import type { CsvRecord } from '../csv-import/csv-importer.js';
import { parseNaiveTimestamp } from '../common/time/timestamp.js';
import { parseCsvId } from '../csv-import/csv-cells.js';
import { EVENT_TYPE_MAX } from './dto/create-event.dto.js';
import type { ImportedEvent } from './events.repository.js';

function parseDetails(text: string | undefined): Record<string, unknown> | string {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  return `details ${JSON.stringify(text.slice(0, 80))} is not a JSON object`;
}

/** One events.csv record (`id,url_id,user_id,event_type,timestamp,details`) as a row to insert. */
export function parseEventRecord(record: CsvRecord, columns: string[]): ImportedEvent | string {
  let id: number | null = null;
  if (columns.includes('id')) {
    id = parseCsvId(record.id);
    if (id === null) return `id ${JSON.stringify(record.id ?? '')} is not a positive integer`;
  }
  const url_id = parseCsvId(record.url_id);
  if (url_id === null) return `url_id ${JSON.stringify(record.url_id ?? '')} is not a positive integer`;
  let user_id: number | null = null;
  if (record.user_id) {
    user_id = parseCsvId(record.user_id);
    if (user_id === null) return `user_id ${JSON.stringify(record.user_id)} is not a positive integer`;
  }
  const event_type = record.event_type ?? '';
  if (!event_type) return 'event_type is empty';
  if (event_type.length > EVENT_TYPE_MAX) return `event_type is longer than ${EVENT_TYPE_MAX} characters`;
  let timestamp: Date | undefined;
  if (record.timestamp) {
    const parsed = parseNaiveTimestamp(record.timestamp);
    if (!parsed) return `timestamp ${JSON.stringify(record.timestamp)} is not a YYYY-MM-DD HH:MM:SS timestamp`;
    timestamp = parsed;
  }
  const details = parseDetails(record.details);
  if (typeof details === 'string') return details;
  return { id, url_id, user_id, event_type, timestamp, details };
}
