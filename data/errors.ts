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

/**
 * How a front names its options in a message: the command line says `--skip-bad-rows` and `--map source=field`,
 * the HTTP API `skip_bad_rows=true` and `map=source=field`. Options are named once, in snake_case.
 */
export interface OptionWording {
  /** A yes/no option, switched on. */
  on(option: string): string;
  /** An option, with a value when one is shown. */
  named(option: string, value?: string): string;
}

/** A message that names options, worded by whichever front shows it. */
export type Worded = (option: OptionWording) => string;

/** The wording when no front has chosen one: the option's own name. */
const PLAIN_WORDING: OptionWording = { on: (option) => option, named: (option, value) => (value ? `${option} ${value}` : option) };

export class TierlabError extends Error {
  readonly code: ErrorCode;
  readonly place: ErrorPlace;
  readonly details?: unknown;
  private readonly worded?: Worded;

  constructor(code: ErrorCode, message: string | Worded, place: ErrorPlace = {}, details?: unknown) {
    super(typeof message === 'string' ? message : message(PLAIN_WORDING));
    this.name = 'TierlabError';
    this.code = code;
    this.place = place;
    this.details = details;
    if (typeof message === 'function') this.worded = message;
  }

  /** The message with its options named as `wording` names them. */
  messageIn(wording: OptionWording = PLAIN_WORDING): string {
    return this.worded ? this.worded(wording) : this.message;
  }

  /** "file.csv, row 12, column amount: message" */
  describe(wording?: OptionWording): string {
    const where = [
      this.place.file,
      this.place.row !== undefined ? `row ${this.place.row}` : undefined,
      this.place.column !== undefined ? `column ${this.place.column}` : undefined,
      this.place.field !== undefined ? `field ${this.place.field}` : undefined,
    ].filter(Boolean);
    const message = this.messageIn(wording);
    return where.length ? `${where.join(', ')}: ${message}` : message;
  }

  toJSON(wording?: OptionWording) {
    return { error: this.code, message: this.messageIn(wording), ...this.place, ...(this.details ? { details: this.details } : {}) };
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
export const badInput = (message: string | Worded, place: ErrorPlace = {}) => new TierlabError('bad_input', message, place);
/** Something the user named does not exist. */
export const notFound = (message: string, place: ErrorPlace = {}) => new TierlabError('not_found', message, place);
