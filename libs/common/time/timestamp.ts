/** The contract's wire format: `YYYY-MM-DDTHH:MM:SS`, UTC, no zone, no milliseconds. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19);
}

const NAIVE_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

/**
 * Reads a zone-less timestamp (`2025-09-19 22:25:05` or `2025-09-19T22:25:05`) as UTC.
 * Returns null for anything else, including impossible dates such as February 30th.
 */
export function parseNaiveTimestamp(text: string): Date | null {
  const match = NAIVE_TIMESTAMP.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const roundTrips =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  return roundTrips ? date : null;
}
