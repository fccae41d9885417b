import { TierlabError } from '../data/errors.ts';
import { Store } from '../data/store.ts';
import { runningServer } from './remote.ts';

/**
 * Opens the store named by `--db` (default: the runtime folder's), runs `work`, and always closes it. While a server
 * holds the default store, a command that does not go through it yet is told where the server is (exit 75).
 */
export async function withStore<T>(db: string | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  const server = runningServer(db);
  if (server) {
    throw new TierlabError('busy', `the store is held by the server running at ${server.url} (pid ${server.pid}); this command does not go through it yet: use its API (${server.url}/api/docs) or stop it`);
  }
  const store = await Store.open({ path: db });
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
