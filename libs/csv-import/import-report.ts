/** What a bulk import did, row by row: nothing is dropped without being counted or explained. */
export interface RowError {
  line: number;
  error: string;
}

export interface ImportReport {
  /** Data rows read from the file. */
  count: number;
  /** Rows written by this upload. */
  imported: number;
  /** Rows already present (an earlier upload of the same file): idempotent re-uploads land here. */
  skipped: number;
  /** Rows refused, with the reason for each in `errors` (the first MAX_REPORTED_ERRORS of them). */
  failed: number;
  errors: RowError[];
}

export const MAX_REPORTED_ERRORS = 100;

export function emptyReport(): ImportReport {
  return { count: 0, imported: 0, skipped: 0, failed: 0, errors: [] };
}

export function addRowError(report: ImportReport, error: RowError): void {
  report.failed += 1;
  if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error);
}
