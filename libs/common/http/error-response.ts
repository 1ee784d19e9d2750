import { HttpException, HttpStatus } from '@nestjs/common';

/** The body of every error response: `error` says what went wrong in words a client can act on. */
export interface ErrorBody {
  error: string;
  status: number;
  details?: unknown;
  retry_after_seconds?: number;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** errno and SQLSTATE codes that mean "the database cannot serve right now". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03']);
/** SQLSTATE classes: 08 connection exception, 53 insufficient resources (disk full, too many connections). */
const UNAVAILABLE_CLASSES = ['08', '53'];
const RETRY_AFTER_SECONDS = 5;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function fromHttpException(exception: HttpException): ErrorResponse {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'string') return { status, body: { error: response, status } };
  const payload = isRecord(response) ? response : {};
  const message = payload.message;
  // Our own exceptions carry `error`; Nest's built-ins carry `message` (string or string[]).
  const error =
    typeof payload.error === 'string' && payload.message === undefined
      ? payload.error
      : typeof message === 'string'
        ? message
        : exception.message;
  const body: ErrorBody = { error, status };
  const details = payload.details ?? (Array.isArray(message) ? message : undefined);
  if (details !== undefined) body.details = details;
  return { status, body };
}

function isDatabaseUnavailable(exception: Record<string, unknown>): boolean {
  const driverError = isRecord(exception.driverError) ? exception.driverError : exception;
  const code = typeof driverError.code === 'string' ? driverError.code : '';
  if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CLASSES.some((prefix) => code.startsWith(prefix))) return true;
  const message = typeof exception.message === 'string' ? exception.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|not currently accepting connections|the database system is (starting up|shutting down)/i.test(
    message,
  );
}

/** Maps anything thrown while serving a request to a status and a JSON body; never leaks a stack. */
export function toErrorResponse(exception: unknown): ErrorResponse {
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (isRecord(exception)) {
    if (isDatabaseUnavailable(exception)) {
      const status = HttpStatus.SERVICE_UNAVAILABLE;
      return {
        status,
        body: {
          error: 'the database is unavailable; retry shortly',
          status,
          retry_after_seconds: RETRY_AFTER_SECONDS,
        },
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      };
    }
    // Errors raised by Fastify itself (unsupported media type, broken JSON, body too large).
    const statusCode = exception.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const message = typeof exception.message === 'string' ? exception.message : 'bad request';
      return { status: statusCode, body: { error: message, status: statusCode } };
    }
  }
  const status = HttpStatus.INTERNAL_SERVER_ERROR;
  return { status, body: { error: 'internal server error', status } };
}
