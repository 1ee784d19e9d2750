import { MAX_INT4 } from '../common/http/id.pipe.js';

/** Reads a positive int4 id from a CSV cell, or null when the cell is not one. */
export function parseCsvId(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return null;
  const id = Number(text);
  return id >= 1 && id <= MAX_INT4 ? id : null;
}

/** The seed writes `True`/`False`; other exporters write true/false, t/f, 1/0 or yes/no. */
export function parseCsvBoolean(text: string | undefined): boolean | null {
  switch ((text ?? '').toLowerCase()) {
    case 'true': case 't': case '1': case 'yes':
      return true;
    case 'false': case 'f': case '0': case 'no':
      return false;
    default:
      return null;
  }
}
