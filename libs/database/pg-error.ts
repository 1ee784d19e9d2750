/** SQLSTATE codes the services turn into client errors. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

interface PgErrorShape {
  code?: string;
  constraint?: string;
  driverError?: { code?: string; constraint?: string };
}

/** True when `error` is a PostgreSQL error with this SQLSTATE (and, if given, on this constraint). */
export function isPgError(error: unknown, code: string, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const shape = error as PgErrorShape;
  const source = shape.driverError ?? shape;
  return source.code === code && (constraint === undefined || source.constraint === constraint);
}
