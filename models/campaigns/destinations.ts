import { badInput, notFound, TierlabError } from '../../data/errors.ts';
import type { Store } from '../../data/store.ts';

export interface Destination {
  name: string;
  url: string;
  /** Customers per JSON batch. */
  batch_size: number;
  created_at: string;
}

export const DESTINATION_DEFAULTS = { batchSize: 500 } as const;

/**
 * Adds a webhook destination: an http(s) URL that receives a campaign's treatment list as JSON batches.
 *
 * @example
 * await addDestination(store, { name: 'crm', url: 'https://crm.example/hooks/tierlab' });
 */
export async function addDestination(store: Store, options: { name: string; url: string; batchSize?: number }): Promise<Destination> {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(options.name ?? '')) throw badInput('name must be a slug: a-z, 0-9 and -, at most 64 characters', { field: 'name' });
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw badInput(`url is not a URL: "${options.url}"`, { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(`url must be http or https, got ${url.protocol}`, { field: 'url' });
  const batchSize = options.batchSize ?? DESTINATION_DEFAULTS.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw badInput('batch_size must be a whole number from 1 to 10,000', { field: 'batch_size' });
  if (await store.one('SELECT 1 FROM destinations WHERE name = $1', [options.name])) throw new TierlabError('conflict', `destination ${options.name} exists; remove it first`, { field: 'name' });
  await store.run('INSERT INTO destinations VALUES ($1, $2, $3, now())', [options.name, url.toString(), batchSize]);
  return (await getDestination(store, options.name))!;
}

export async function getDestination(store: Store, name: string): Promise<Destination | undefined> {
  return store.one<Destination>('SELECT name, url, batch_size, created_at FROM destinations WHERE name = $1', [name]);
}

export async function listDestinations(store: Store): Promise<Destination[]> {
  return store.all<Destination>('SELECT name, url, batch_size, created_at FROM destinations ORDER BY name');
}

/** Removes a destination; its delivery log stays. */
export async function removeDestination(store: Store, name: string): Promise<void> {
  if (!(await getDestination(store, name))) throw notFound(`destination ${name} does not exist`, { field: 'name' });
  await store.run('DELETE FROM destinations WHERE name = $1', [name]);
}
