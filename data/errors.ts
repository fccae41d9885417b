/**
 * The named errors of Tierlab. Every failure a user can cause carries a code and, where it has one,
 * the place (file, row, column, field). The CLI prints them; the server maps them to HTTP answers in one place.
 */
export interface ErrorPlace {
  file?: string;
  /** 1-based data row (the header is row 0). */
  row?: number;
  column?: string;
  field?: string;
}

export type ErrorCode =
  | 'bad_input'
  | 'bad_file'
  | 'missing_column'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'too_large'
  | 'unprocessable'
  | 'busy'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'failed';

export class TierlabError extends Error {
  readonly code: ErrorCode;
  readonly place: ErrorPlace;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, place: ErrorPlace = {}, details?: unknown) {
    super(message);
    this.name = 'TierlabError';
    this.code = code;
    this.place = place;
    this.details = details;
  }

  /** "file.csv, row 12, column amount: message" */
  describe(): string {
    const where = [
      this.place.file,
      this.place.row !== undefined ? `row ${this.place.row}` : undefined,
      this.place.column !== undefined ? `column ${this.place.column}` : undefined,
      this.place.field !== undefined ? `field ${this.place.field}` : undefined,
    ].filter(Boolean);
    return where.length ? `${where.join(', ')}: ${this.message}` : this.message;
  }

  toJSON() {
    return { error: this.code, message: this.message, ...this.place, ...(this.details ? { details: this.details } : {}) };
  }
}

/**
 * A refusal that passes: the service is busy or saturated, and says how many seconds to wait (HTTP
 * `Retry-After`).
 */
export class RetryLater extends TierlabError {
  readonly retryAfterSeconds: number;

  constructor(code: 'busy' | 'rate_limited' | 'unavailable', message: string, retryAfterSeconds: number, details?: unknown) {
    super(code, message, {}, details);
    this.name = 'RetryLater';
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** Input the user gave is wrong: a flag, a field, a value. */
export const badInput = (message: string, place: ErrorPlace = {}) => new TierlabError('bad_input', message, place);
/** Something the user named does not exist. */
export const notFound = (message: string, place: ErrorPlace = {}) => new TierlabError('not_found', message, place);
