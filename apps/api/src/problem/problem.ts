import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { REPORT_ID_FORM } from '@store-uptime/queue';

/**
 * RFC 9457 problem details. `type` identifies the kind of problem (a URN: stable, not meant to be
 * dereferenced); generic HTTP errors use `about:blank`, whose title is the status phrase.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const PROBLEM_TYPE_PREFIX = 'urn:store-uptime:problem:';

export const ProblemType = {
  invalidRequest: `${PROBLEM_TYPE_PREFIX}invalid-request`,
  invalidReportId: `${PROBLEM_TYPE_PREFIX}invalid-report-id`,
  reportNotFound: `${PROBLEM_TYPE_PREFIX}report-not-found`,
  reportNotComplete: `${PROBLEM_TYPE_PREFIX}report-not-complete`,
  reportFailed: `${PROBLEM_TYPE_PREFIX}report-failed`,
  reportCancelled: `${PROBLEM_TYPE_PREFIX}report-cancelled`,
  reportExpired: `${PROBLEM_TYPE_PREFIX}report-expired`,
  reportFinished: `${PROBLEM_TYPE_PREFIX}report-finished`,
  idempotencyKeyReused: `${PROBLEM_TYPE_PREFIX}idempotency-key-reused`,
  storeNotFound: `${PROBLEM_TYPE_PREFIX}store-not-found`,
  dependencyUnavailable: `${PROBLEM_TYPE_PREFIX}dependency-unavailable`,
  unauthenticated: `${PROBLEM_TYPE_PREFIX}unauthenticated`,
  forbidden: `${PROBLEM_TYPE_PREFIX}insufficient-scope`,
  webhookNotFound: `${PROBLEM_TYPE_PREFIX}webhook-not-found`,
} as const;

/** An error whose problem document is decided where it is thrown (the filter renders it as is). */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly problemType: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

export function invalidRequest(detail: string, errors: { path: string; message: string }[] = []): ProblemException {
  return new ProblemException(HttpStatus.BAD_REQUEST, ProblemType.invalidRequest, 'Invalid request', detail, errors.length ? { errors } : {});
}

export function invalidReportId(): ProblemException {
  return new ProblemException(
    HttpStatus.BAD_REQUEST,
    ProblemType.invalidReportId,
    'Invalid report id',
    `A report id is ${REPORT_ID_FORM}.`,
  );
}

export function unsupportedMediaType(contentType: string | undefined): ProblemException {
  const given = contentType ? `not ${contentType.split(';')[0]?.trim()}` : 'with a Content-Type header';
  return new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'about:blank', statusTitle(HttpStatus.UNSUPPORTED_MEDIA_TYPE), `The request body must be application/json, ${given}.`);
}

export function reportNotFound(id: string): ProblemException {
  return new ProblemException(HttpStatus.NOT_FOUND, ProblemType.reportNotFound, 'Report not found', `There is no report ${id}.`);
}

/** Retention deleted the report's CSV (REPORT_RETENTION_DAYS): gone for good, hence 410. */
export function reportExpired(id: string): ProblemException {
  return new ProblemException(
    HttpStatus.GONE,
    ProblemType.reportExpired,
    'Report expired',
    `Report ${id} is older than the retention period and its CSV was deleted; trigger a new report.`,
  );
}

/** The report with this `now` would not list the store: it has no poll at or before `now` (or none at all). */
export function storeNotFound(id: string, nowIso: string | null): ProblemException {
  const detail = nowIso === null ? `There is no store ${id}: the database holds no polls.` : `There is no store ${id} with a poll at or before ${nowIso}.`;
  return new ProblemException(HttpStatus.NOT_FOUND, ProblemType.storeNotFound, 'Store not found', detail);
}

/**
 * Redis or PostgreSQL did not answer in time: 503 at once with Retry-After, never a hanging
 * request (a client can retry; a hung one ties up its connection). The detail names the
 * dependency, not its address or error.
 */
export class DependencyUnavailable extends ProblemException {
  constructor(
    readonly dependency: 'queue' | 'database',
    cause?: unknown,
  ) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      ProblemType.dependencyUnavailable,
      'Service temporarily unavailable',
      dependency === 'queue' ? 'The report queue (Redis) is not reachable; try again shortly.' : 'The database is not reachable; try again shortly.',
      {},
      { 'Retry-After': '5' },
    );
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false });
  }
}
