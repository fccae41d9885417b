import { TierlabError } from '../data/errors.ts';
import { Store } from '../data/store.ts';
import { inServer } from './in-server.ts';
import { runningServer } from './remote.ts';

/**
 * Opens the store named by `--db` (default: the runtime folder's), runs `work`, and always closes it. Inside the
 * server (a command typed while it runs, scripts/in-server.ts) the work runs on the server's store: `read` on the
 * served version, `write` as the one writer. A command that reaches here while a server holds the default store
 * (`tierlab demo`) is told where the server is (exit 75).
 */
export async function withStore<T>(db: string | undefined, work: (store: Store) => Promise<T>, mode: 'read' | 'write' = 'write'): Promise<T> {
  const io = inServer();
  if (io) return io.withStore(mode, work);
  const server = runningServer(db);
  if (server) {
    throw new TierlabError('busy', `the store is held by the server running at ${server.url} (pid ${server.pid}); this command replaces the data it serves: stop the server first`);
  }
  const store = await Store.open({ path: db });
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
