import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseKind, parseMapping } from '../../data/columns.ts';
import { TierlabError, badInput } from '../../data/errors.ts';
import { ingestDataset } from '../../services/ingest.ts';
import type { RouteInput } from '../context.ts';
import { withDeadline } from '../../data/deadline.ts';
import { asTheWriter, refuseDuringTraining, retryAfterJob } from '../writer.ts';
import { type DatasetList, type UploadQuery } from '../contracts.ts';

/** Where uploads are spooled; the store's file access is limited to this folder and the registry. */
export const uploadsDir = (home: string) => join(home, 'uploads');

/**
 * Removes what uploads left behind: a process killed mid-upload never reaches its own clean-up. Run at start,
 * before this process takes any upload (the store's lock keeps other processes out).
 */
export function removeStaleUploads(home: string): void {
  const dir = uploadsDir(home);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.startsWith('up-')) rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * Streams the request body to `file`, stopping at `maxBytes` with a 413 (content-length can lie or be absent)
 * and when `signal` fires (the upload's time limit).
 */
async function spool(body: ReadableStream<Uint8Array>, file: string, maxBytes: number, signal: AbortSignal): Promise<{ bytes: number; parquet: boolean }> {
  let bytes = 0;
  let head = Buffer.alloc(0);
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (head.length < 4) head = Buffer.concat([head, chunk]).subarray(0, 4);
      if (bytes > maxBytes) done(new TierlabError('too_large', `the upload is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`));
      else done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>), limit, createWriteStream(file), { signal });
  return { bytes, parquet: head.toString('latin1') === 'PAR1' };
}

/** POST /api/datasets/:kind: load an uploaded file through the same ingest as the CLI, then rebuild features and tiers. */
export async function uploadDataset(input: RouteInput<UploadQuery>) {
  // A form upload would be read as a CSV whose header is the multipart boundary.
  if (/^multipart\//i.test(input.c.req.header('content-type') ?? '')) {
    throw badInput('send the file itself as the request body (curl --data-binary @file.csv), not as multipart/form-data', { field: 'body' });
  }
  return loadUpload(input);
}

/**
 * One upload: refused while a training job runs (its promotion would replace the tables the upload rebuilds;
 * the client is told to retry, nothing is lost), spooled to a file, then loaded and the derived tables rebuilt
 * on a connection of its own, so requests keep reading the committed tables meanwhile. Receiving and loading
 * share one time limit; past it the load is interrupted and rolled back (408). Writes go one at a time.
 */
async function loadUpload({ c, deps, params, query }: RouteInput<UploadQuery>) {
  const kind = parseKind(params.kind);
  const mapping = parseMapping(query.map, kind);
  if (query.mode !== undefined && kind !== 'customers') throw badInput(`mode applies to customers uploads only, not ${kind}`, { field: 'mode' });
  refuseDuringTraining(deps, retryAfterJob);
  const body = c.req.raw.body;
  if (!body) throw badInput('send the file as the request body', { field: 'body' });
  const deadline = Date.now() + deps.limits.uploadMs;
  const tooSlow = `the upload took longer than ${deps.limits.uploadMs / 1000} s to receive and load; nothing was loaded`;
  mkdirSync(uploadsDir(deps.home), { recursive: true });
  const dir = mkdtempSync(join(uploadsDir(deps.home), 'up-'));
  try {
    const spoolFile = join(dir, 'spool');
    const received = await spool(body, spoolFile, deps.limits.uploadBytes, AbortSignal.timeout(deps.limits.uploadMs)).catch((error: Error) => {
      throw error.name === 'AbortError' || error.name === 'TimeoutError' ? new TierlabError('timeout', tooSlow) : error;
    });
    if (received.bytes === 0) throw badInput('the upload is empty', { field: 'body' });
    const isParquet = query.format ? query.format === 'parquet' : received.parquet;
    // ingestFile picks the reader by extension; the name also becomes the `file` of the summary.
    const file = join(dir, `${kind}.${isParquet ? 'parquet' : 'csv'}`);
    renameSync(spoolFile, file);
    return await asTheWriter(deps, (work) => {
      const deadlined = { connection: work.connection, ms: Math.max(0, deadline - Date.now()), message: tooSlow };
      return ingestDataset(work, {
          kind,
          file,
          mapping,
          skipBadRows: query.skip_bad_rows,
          generateIds: query.generate_ids,
          timezone: query.timezone,
          mode: query.mode,
          language: query.language,
          maxColumns: deps.limits.uploadColumns,
          tierRules: deps.served.tierRules(),
          loadWithin: (load) => withDeadline(deadlined, load),
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GET /api/datasets: row counts and time ranges of the input tables, row counts of the derived ones. */
export async function listDatasets({ deps }: RouteInput) {
  // Computed once per data change (uploads and version switches invalidate the cache), not per request.
  return deps.customers.memo('datasets', () => datasetFigures(deps.store));
}

async function datasetFigures(store: RouteInput['deps']['store']): Promise<DatasetList> {
  const ranges: Record<string, string> = {
    customers: 'SELECT count(*) AS rows, CAST(min(signup_date) AS VARCHAR) AS "from", CAST(max(signup_date) AS VARCHAR) AS "to" FROM customers',
    transactions: 'SELECT count(*) AS rows, min(timestamp) AS "from", max(timestamp) AS "to" FROM transactions',
    feedback: 'SELECT count(*) AS rows, min(timestamp) AS "from", max(timestamp) AS "to" FROM feedback',
  };
  const tables: DatasetList['tables'] = [];
  for (const [name, sql] of Object.entries(ranges)) {
    const row = (await store.one<{ rows: number; from: string | null; to: string | null }>(sql))!;
    tables.push({ name, rows: row.rows, from: row.from ?? null, to: row.to ?? null });
  }
  for (const name of ['customer_features', 'customer_rfm', 'customer_clusters', 'customer_churn', 'customer_clv', 'feedback_scores']) {
    if (!(await store.has(name))) continue;
    const row = (await store.one<{ rows: number }>(`SELECT count(*) AS rows FROM ${name}`))!;
    tables.push({ name, rows: row.rows, from: null, to: null });
  }
  return { tables };
}
