import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { CUSTOMER_PAGES } from './analytics.ts';
import { literal, type Store } from './store.ts';

/**
 * The customer pages' text, kept in files beside the database rather than in a table, so a lookup is one read
 * of a file the operating system caches instead of a DuckDB query. At 1,000,000 customers the pages are 2.2 GB
 * of JSON: held in DuckDB, a point query cost 0.5-0.8 ms of CPU and the pages' blocks filled DuckDB's memory
 * (the server grew past 2 GB under lookups); read from a file the page costs tens of microseconds and lives in
 * the page cache, outside the server's memory.
 *
 * A page file is CSV written by DuckDB (`COPY ... TO`): one line a customer, the id and the page separated by
 * \x01 and quoted with \x02, control characters JSON never holds raw (to_json escapes them), so no page is ever
 * quoted and a page is the bytes between the line's \x01 and its newline. Table
 * `customer_pages` keeps the list's columns and the file each row came from (`page_file`); the server finds each
 * page's offset by reading the files once when it reads the list (`PageFileReader`). Files are named per build
 * and never rewritten, so a reader never sees one change; files no table refers to any more are deleted when
 * the transaction that replaced them ends, before its call returns (`prunePageFiles`).
 */

const DELIMITER = '\x01';
const QUOTE = '\x02';
const NEWLINE = 0x0a;
/** A page longer than this (20 orders and 20 feedback texts) fails the read with DuckDB's message. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;
const FILE_NAME = /^pages-[0-9a-z]+-\d+\.csv$/;

/** Names of page files being written by a transaction still open in this process: never pruned. */
const writing = new Set<string>();
/** Builds started in this process: a prune that saw one start while it looked deletes nothing. */
let buildsStarted = 0;

/**
 * What one page file is written from: a query giving `customer_id` and `page_json`, and one giving the same
 * customers' rows of `customer_pages` (`customer_id` and the list's columns).
 */
export interface PagePart {
  pages: string;
  rows: string;
}

/**
 * Writes the pages of each part into a new file and replaces table `customer_pages` with the parts' rows and
 * their files' names, in the store's transaction; `report` hears each part's progress (0-100).
 */
export async function writePageFiles(store: Store, parts: PagePart[], report?: (part: number, percent: number) => void): Promise<void> {
  const dir = store.filesDir;
  mkdirSync(dir, { recursive: true });
  buildsStarted += 1;
  const build = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  const names = parts.map((_, i) => `pages-${build}-${i}.csv`);
  for (const name of names) writing.add(name);
  try {
    await store.unordered(async () => {
      for (let i = 0; i < parts.length; i++) {
        const copy = `COPY (SELECT customer_id, page_json FROM (${parts[i].pages})) TO ${literal(join(dir, names[i]))}
          (FORMAT csv, HEADER false, DELIMITER ${literal(DELIMITER)}, QUOTE ${literal(QUOTE)}, ESCAPE ${literal(QUOTE)})`;
        await store.runWithProgress(copy, (percent) => report?.(i, percent));
      }
    });
    const rows = parts.map((part, i) => `SELECT *, ${literal(names[i])} AS page_file FROM (${part.rows})`);
    await store.run(`CREATE OR REPLACE TABLE ${CUSTOMER_PAGES} AS ${rows.join(' UNION ALL ')}`);
  } finally {
    // Once it is known whether these files or the ones before them stayed, the others go.
    await store.afterTransaction(async () => {
      for (const name of names) writing.delete(name);
      await prunePageFiles(store);
    });
  }
}

/** The page files `names` in `dir` as a relation of `customer_id` and `page_json`. */
function readPageFiles(dir: string, names: string[]): string {
  const files = `[${names.map((name) => literal(join(dir, name))).join(', ')}]`;
  return `read_csv(${files}, header = false, delim = ${literal(DELIMITER)}, quote = ${literal(QUOTE)}, escape = ${literal(QUOTE)},
      columns = {'customer_id': 'VARCHAR', 'page_json': 'VARCHAR'}, max_line_size = ${MAX_LINE_BYTES}, auto_detect = false)`;
}

/**
 * `customer_pages` with each row's page (`page_json`) in place of its file, as a query (what a version keeps);
 * null without the table or its files' column.
 */
export async function pagesWithText(store: Store): Promise<string | null> {
  const names = await pageFileNames(store);
  if (!names) return null;
  return `SELECT p.* EXCLUDE (page_file), f.page_json FROM ${CUSTOMER_PAGES} p JOIN ${readPageFiles(store.filesDir, names)} f USING (customer_id)`;
}

/** The page files `customer_pages` refers to as this connection sees it; null without the table or its files' column (a store from before them). */
export async function pageFileNames(store: Store): Promise<string[] | null> {
  if (!(await store.has(CUSTOMER_PAGES))) return null;
  const columns = await store.all<{ column_name: string }>(`DESCRIBE ${CUSTOMER_PAGES}`);
  if (!columns.some((c) => c.column_name === 'page_file')) return null;
  return (await store.all<{ name: string }>(`SELECT DISTINCT page_file AS name FROM ${CUSTOMER_PAGES} ORDER BY 1`)).map((r) => r.name);
}

/** Is `customer_pages` there with every file it refers to? */
export async function pageFilesPresent(store: Store): Promise<boolean> {
  const names = await pageFileNames(store);
  return names !== null && names.every((name) => existsSync(join(store.filesDir, name)));
}

/**
 * Deletes the page files the committed `customer_pages` does not refer to, and none a transaction of this
 * process is writing: called when the transaction that wrote or replaced pages ends. A reader that opened one
 * keeps reading it (the operating system keeps a deleted file for whoever has it open). A prune that fails
 * leaves files for the next one.
 */
async function prunePageFiles(store: Store): Promise<void> {
  const started = buildsStarted;
  const dir = store.filesDir;
  if (!existsSync(dir)) return;
  try {
    // A connection of its own: it sees what is committed, and the one that called may be closing.
    const committed = await store.fork();
    let referenced: Set<string>;
    try {
      referenced = new Set((await pageFileNames(committed)) ?? []);
    } finally {
      committed.close();
    }
    if (buildsStarted !== started) return;
    for (const name of readdirSync(dir)) {
      if (FILE_NAME.test(name) && !referenced.has(name) && !writing.has(name)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // The store closed meanwhile, or a file went: the next prune tries again.
  }
}

/**
 * Reads pages from the files of one `customer_pages`: opened and located at once (every page's file, offset and
 * length, by reading the files through), then read by the position of the customer in the list. Retired when
 * the tables change: the files close when the last read under way ends.
 */
export class PageFileReader {
  private readers = 0;
  private retired = false;
  private closed = false;

  private constructor(
    private readonly handles: FileHandle[],
    private readonly file: Int32Array,
    private readonly offset: Float64Array,
    private readonly length: Int32Array,
  ) {}

  /**
   * Opens `names` in `dir` and finds the page of each customer, whose position in `ids` `position` gives. Fails
   * when a file is missing or a customer of the list has no page in them (files from another table).
   */
  static async open(dir: string, names: string[], size: number, position: (id: string) => number): Promise<PageFileReader> {
    const handles: FileHandle[] = [];
    try {
      for (const name of names) handles.push(await open(join(dir, name), 'r'));
      const file = new Int32Array(size).fill(-1);
      const offset = new Float64Array(size);
      const length = new Int32Array(size);
      for (let f = 0; f < handles.length; f++) {
        await scanLines(handles[f], (id, start, bytes) => {
          const i = position(id);
          if (i < 0) throw new Error(`page file ${names[f]} has a page for ${JSON.stringify(id)}, who is not in ${CUSTOMER_PAGES}`);
          file[i] = f;
          offset[i] = start;
          length[i] = bytes;
        });
      }
      const lacking = file.indexOf(-1);
      if (lacking >= 0) throw new Error(`the page files of ${CUSTOMER_PAGES} have no page for its row ${lacking + 1}`);
      return new PageFileReader(handles, file, offset, length);
    } catch (error) {
      await Promise.all(handles.map((h) => h.close()));
      throw error;
    }
  }

  /** The page at list position `i` as JSON text; undefined once the files closed (the caller reads it elsewhere). */
  async read(i: number): Promise<string | undefined> {
    if (this.closed) return undefined;
    this.readers += 1;
    try {
      const bytes = this.length[i];
      const buffer = Buffer.allocUnsafe(bytes);
      const { bytesRead } = await this.handles[this.file[i]].read(buffer, 0, bytes, this.offset[i]);
      if (bytesRead !== bytes) throw new Error(`a page file ended early (${bytesRead} of ${bytes} bytes at ${this.offset[i]})`);
      return buffer.toString('utf8');
    } finally {
      this.readers -= 1;
      if (this.retired && this.readers === 0) this.close();
    }
  }

  /** No new reads: the files close now, or when the reads under way end. */
  retire(): void {
    this.retired = true;
    if (this.readers === 0) this.close();
  }

  private close(): void {
    this.closed = true;
    for (const handle of this.handles.splice(0)) void handle.close().catch(() => {});
  }
}

/** Calls `line` with each line's customer id and where its page starts and how long it is, in bytes. */
async function scanLines(handle: FileHandle, line: (id: string, start: number, bytes: number) => void): Promise<void> {
  let buffer = Buffer.allocUnsafe(16 * 1024 * 1024);
  let held = 0; // bytes at the start of `buffer` not yet scanned (a line cut by the last read)
  let base = 0; // file offset of buffer[0]
  for (;;) {
    if (held === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
    const { bytesRead } = await handle.read(buffer, held, buffer.length - held, base + held);
    const end = held + bytesRead;
    let at = 0;
    for (let record = readRecord(buffer, at, end, base); record; record = readRecord(buffer, at, end, base)) {
      line(record.id, base + record.pageStart, record.newline - record.pageStart);
      at = record.newline + 1;
    }
    if (bytesRead === 0) {
      if (at !== end) throw new Error(`a page file's line at byte ${base + at} is not a customer's page`);
      return;
    }
    buffer.copy(buffer, 0, at, end);
    base += at;
    held = end - at;
  }
}

const DELIMITER_BYTE = 0x01;
const QUOTE_BYTE = 0x02;
/** `{`: every page is a JSON object. */
const PAGE_OPENS = 0x7b;

/**
 * The line at `at` if `buffer` holds all of it before `end`, else null (`base`: the file offset of buffer[0]). The
 * page never holds the separator, the quote or a newline raw; the id does when it has one of them, and then the
 * CSV writer quoted it (a quote inside doubled).
 */
function readRecord(buffer: Buffer, at: number, end: number, base: number): { id: string; pageStart: number; newline: number } | null {
  if (at >= end) return null;
  let id: string;
  let separator: number;
  if (buffer[at] === QUOTE_BYTE) {
    let close = at + 1;
    for (;;) {
      close = buffer.indexOf(QUOTE_BYTE, close);
      if (close < 0 || close + 1 >= end) return null;
      if (buffer[close + 1] !== QUOTE_BYTE) break;
      close += 2;
    }
    id = buffer.toString('utf8', at + 1, close).replaceAll(QUOTE + QUOTE, QUOTE);
    separator = close + 1;
  } else {
    separator = buffer.indexOf(DELIMITER_BYTE, at);
    if (separator < 0 || separator >= end) return null;
    id = buffer.toString('utf8', at, separator);
  }
  const newline = buffer.indexOf(NEWLINE, separator);
  if (newline < 0 || newline >= end) return null;
  // (A line without its separator gives an id that runs into the next line: no customer of the list has it.)
  if (buffer[separator] !== DELIMITER_BYTE || buffer[separator + 1] !== PAGE_OPENS) throw new Error(`a page file's line at byte ${base + at} is not a customer's page`);
  return { id, pageStart: separator + 1, newline };
}
