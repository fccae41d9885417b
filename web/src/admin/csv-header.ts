import { parseCsvHeader } from '../../../data/csv-header.ts';

/**
 * The column names of a CSV file from its first line, read from the first 64 KB only, so a 500 MB upload
 * costs nothing to map. Quoted names with commas are handled; Parquet files give [].
 *
 * @example
 * await csvHeader(file); // ['CustomerID', 'InvoiceNo', 'InvoiceDate', ...]
 */
export async function csvHeader(file: Blob): Promise<string[]> {
  const head = await file.slice(0, 65536).text();
  if (head.startsWith('PAR1')) return [];
  const names = parseCsvHeader(head).columns;
  return names.filter(Boolean);
}

/**
 * The upload's `map` query from a field -> source column choice; identity pairs are left out.
 *
 * @example
 * mappingQuery({ customer_id: 'CustomerID', order_id: 'order_id' }); // 'CustomerID=customer_id'
 */
export function mappingQuery(choice: Record<string, string>): string {
  return Object.entries(choice)
    .filter(([field, source]) => source && source !== field)
    .map(([field, source]) => `${source}=${field}`)
    .join(',');
}
