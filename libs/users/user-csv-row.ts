import { isEmail } from 'class-validator';
import type { CsvRecord } from '../csv-import/csv-importer.js';
import { parseNaiveTimestamp } from '../common/time/timestamp.js';
import { parseCsvId } from '../csv-import/csv-cells.js';
import type { ImportedUser } from './users.repository.js';
import { EMAIL_MAX, USERNAME_MAX } from './dto/create-user.dto.js';

/** One users.csv record (`id,username,email,created_at`, or just `username,email`) as a row to insert. */
export function parseUserRecord(record: CsvRecord, columns: string[]): ImportedUser | string {
  const username = record.username ?? '';
  const email = record.email ?? '';
  if (!username) return 'username is empty';
  if (username.length > USERNAME_MAX) return `username is longer than ${USERNAME_MAX} characters`;
  if (email.length > EMAIL_MAX || !isEmail(email)) return `email ${JSON.stringify(email)} is not a valid email address`;
  let id: number | null = null;
  if (columns.includes('id')) {
    id = parseCsvId(record.id);
    if (id === null) return `id ${JSON.stringify(record.id ?? '')} is not a positive integer`;
  }
  let created_at: Date | null = null;
  if (record.created_at) {
    created_at = parseNaiveTimestamp(record.created_at);
    if (!created_at) return `created_at ${JSON.stringify(record.created_at)} is not a YYYY-MM-DD HH:MM:SS timestamp`;
  }
  return { id, username, email, created_at };
}
