import { Store } from '../data/store.ts';

/** Opens the store named by `--db` (default: the runtime folder's), runs `work`, and always closes it. */
export async function withStore<T>(db: string | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open({ path: db });
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
