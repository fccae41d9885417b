import { badInput } from './errors.ts';

export type DatasetKind = 'transactions' | 'customers' | 'feedback';
export const DATASET_KINDS: readonly DatasetKind[] = ['transactions', 'customers', 'feedback'];

/** How a canonical field is read from its text form. */
export type FieldType = 'id' | 'text' | 'timestamp' | 'date' | 'money' | 'number' | 'boolean';

export interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean;
}

/**
 * The canonical columns a file has when no `--map` is given (documented in the README).
 * A customers file's other columns become typed customer attributes; a transactions or feedback file's other
 * columns are not stored and are named in the load summary's `ignored_columns`.
 */
export const CANONICAL_FIELDS: Record<DatasetKind, FieldSpec[]> = {
  transactions: [
    { name: 'customer_id', type: 'id', required: true },
    { name: 'order_id', type: 'id', required: true },
    { name: 'timestamp', type: 'timestamp', required: true },
    // Required unless quantity and unit_price are both given: then amount = quantity x unit_price.
    { name: 'amount', type: 'money', required: false },
    { name: 'quantity', type: 'number', required: false },
    { name: 'unit_price', type: 'money', required: false },
    { name: 'product', type: 'text', required: false },
    // The product's name (the retail logs' Description), beside `product`, its code.
    { name: 'description', type: 'text', required: false },
    { name: 'category', type: 'text', required: false },
    { name: 'channel', type: 'text', required: false },
  ],
  customers: [
    { name: 'customer_id', type: 'id', required: true },
    { name: 'signup_date', type: 'date', required: false },
    { name: 'churned', type: 'boolean', required: false },
  ],
  feedback: [
    { name: 'customer_id', type: 'id', required: true },
    { name: 'timestamp', type: 'timestamp', required: true },
    { name: 'text', type: 'text', required: true },
    { name: 'rating', type: 'number', required: false },
    { name: 'channel', type: 'text', required: false },
  ],
};

export function parseKind(value: string | undefined): DatasetKind {
  if (!value || !DATASET_KINDS.includes(value as DatasetKind)) {
    throw badInput((o) => `${o.named('kind')} must be one of ${DATASET_KINDS.join(', ')}, got "${value ?? ''}"`, { field: 'kind' });
  }
  return value as DatasetKind;
}

/**
 * Which source column feeds each canonical field, for files with their own headers: canonical field -> source
 * column, the one shape of a mapping from the parsed option to the loaders (the UI's choice has it too).
 */
export type ColumnMapping = Record<string, string>;

/**
 * Parses the `map` option, `source=field,...` as users write it, into field -> source column.
 *
 * @example
 * parseMapping('CustomerID=customer_id,InvoiceNo=order_id') // { customer_id: 'CustomerID', order_id: 'InvoiceNo' }
 */
export function parseMapping(spec: string | undefined, kind: DatasetKind): ColumnMapping {
  const mapping: ColumnMapping = {};
  if (!spec) return mapping;
  const known = new Set(CANONICAL_FIELDS[kind].map((f) => f.name));
  const fieldOf = new Map<string, string>();
  for (const pair of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw badInput((o) => `${o.named('map')} entry "${pair}" is not source=field`, { field: 'map' });
    const source = pair.slice(0, eq).trim();
    const field = pair.slice(eq + 1).trim();
    if (!known.has(field) && kind !== 'customers') {
      throw badInput((o) => `${o.named('map')} names unknown ${kind} field "${field}"; fields: ${[...known].join(', ')}`, { field: 'map' });
    }
    // Either repeat would let one entry silently win over the other.
    if (fieldOf.has(source)) throw badInput((o) => `${o.named('map')} maps column "${source}" twice (to ${fieldOf.get(source)} and to ${field})`, { field: 'map' });
    if (Object.hasOwn(mapping, field)) throw badInput((o) => `${o.named('map')} maps both "${mapping[field]}" and "${source}" to ${field}; give each field one column`, { field: 'map' });
    mapping[field] = source;
    fieldOf.set(source, field);
  }
  return mapping;
}
