import { RetryLater, TierlabError } from './errors.ts';

/**
 * The one place DuckDB's own errors become Tierlab errors, so no raw DuckDB message reaches a client. DuckDB
 * names the kind first ("Binder Error: ..."); the kind decides the answer:
 * - a problem with a statement the client wrote (a SQL cell): 400 with DuckDB's first line, since that is what
 *   the author needs ("column x not found"), paths scrubbed later like every message;
 * - an interrupt: 408; two writers on one table (a write-write conflict): 409 with Retry-After; out of memory:
 *   503 with Retry-After;
 * - anything else (a statement of ours failed): 500 without details, the message logged on the server only.
 */

/** Kinds that describe the statement itself, not the server's state. */
const STATEMENT_KINDS = new Set(['Parser', 'Syntax', 'Binder', 'Catalog', 'Conversion', 'Invalid Input', 'Out of Range', 'Not implemented', 'Type', 'Math', 'Permission']);

/** "Binder Error: x" -> { kind: 'Binder', text: 'x' }; undefined for an error DuckDB did not write. */
export function duckdbKind(error: unknown): { kind: string; text: string } | undefined {
  if (!(error instanceof Error) || error instanceof TierlabError) return undefined;
  const match = /^([A-Za-z][A-Za-z ]{1,30}?) Error: ([\s\S]*)$/.exec(error.message);
  if (match) return { kind: match[1], text: match[2] };
  // Some conflicts come without a kind, as the message alone.
  if (/write-write conflict|Conflict on tuple/i.test(error.message)) return { kind: 'TransactionContext', text: error.message };
  return undefined;
}

/** DuckDB messages carry a second line of context (and sometimes a caret); the first says what went wrong. */
export function firstLine(message: string): string {
  return message.split('\n')[0].slice(0, 500);
}

/** DuckDB's hints after the first line: the names it would have accepted. */
const SUGGESTION = /^(Did you mean|Candidate bindings|Candidate tables)/;

/**
 * What DuckDB says about a client's statement, without its kind label, with its suggestions kept:
 * "Binder Error: x\nCandidate bindings: "a"\n\nLINE 1: ..." -> 'x\nCandidate bindings: "a"'.
 */
export function statementMessage(message: string): string {
  const lines = message.replace(/^[A-Za-z][A-Za-z ]{1,30}? Error: /, '').split('\n');
  const hints = lines.slice(1).filter((line) => SUGGESTION.test(line)).map((line) => line.slice(0, 300));
  return [firstLine(lines[0]), ...hints].join('\n');
}

export interface FromDuckDBOptions {
  /** The statement was written by the client (a SQL cell): its mistakes are told as 400s. Default false. */
  clientStatement?: boolean;
  /** The field a client's statement came in. Default 'sql'. */
  field?: string;
}

/**
 * A TierlabError for anything thrown while DuckDB worked; TierlabErrors pass through unchanged.
 *
 * @example
 * catch (error) { throw fromDuckDB(error, { clientStatement: true }); }
 */
export function fromDuckDB(error: unknown, options: FromDuckDBOptions = {}): TierlabError {
  if (error instanceof TierlabError) return error;
  const parsed = duckdbKind(error);
  const kind = parsed?.kind ?? '';
  if (kind === 'INTERRUPT' || kind === 'Interrupt') return new TierlabError('timeout', 'the statement was interrupted');
  if (kind === 'Out of Memory') return new RetryLater('unavailable', 'the server is short of memory for this; try again shortly, or ask for less', 10);
  if (kind === 'TransactionContext' || /write-write conflict|Conflict on tuple/i.test(parsed?.text ?? '')) {
    return new RetryLater('busy', 'another change to the same tables was in progress; try again', 2);
  }
  if (options.clientStatement && STATEMENT_KINDS.has(kind)) {
    return new TierlabError('bad_input', `SQL error: ${statementMessage(parsed!.text)}`, { field: options.field ?? 'sql' });
  }
  console.error(error);
  return new TierlabError('failed', 'internal error');
}
