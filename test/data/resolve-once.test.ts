import { afterEach, describe, expect, it, vi } from 'vitest';
import { ingestFile } from '../../data/ingest.ts';
import * as sourceColumns from '../../data/source-columns.ts';
import type { Store } from '../../data/store.ts';
import { csv, memoryStore, tempDir, TX_HEADER } from './support.ts';

// Counts how often the load paths resolve the file's columns, by either function (the real ones run).
vi.mock('../../data/source-columns.ts', async (original) => {
  const actual = await original<typeof import('../../data/source-columns.ts')>();
  return { ...actual, resolveColumns: vi.fn(actual.resolveColumns), resolveCsv: vi.fn(actual.resolveCsv) };
});
const resolutions = () =>
  [sourceColumns.resolveColumns, sourceColumns.resolveCsv].reduce((n, f) => n + vi.mocked(f).mock.calls.length, 0);

const { file } = tempDir('tierlab-resolve-once-');
let store: Store | undefined;
afterEach(() => store?.close());

describe('ingest: a file\'s columns are resolved once', () => {
  it('when the single scan gives up on a file that is not clean and the checked load takes over', async () => {
    store = await memoryStore();
    const path = file('unclean.csv', csv(TX_HEADER, ['c1,o1,2024-01-15,12.50,2,6.25,Mug,cups,web', 'c2,o2,2024-01-16,NA,1,3.00,Tea,tea,web']));
    vi.clearAllMocks();
    const messages: string[] = [];
    const summary = await ingestFile(store, { kind: 'transactions', file: path, skipBadRows: true, onProgress: (m) => messages.push(m) });
    // Both paths ran: the scan was tried, then the checked load named the bad row.
    expect(messages.some((m) => m.startsWith('checking'))).toBe(true);
    expect(summary.rows_rejected).toBe(1);
    expect(resolutions()).toBe(1);
  });
});
