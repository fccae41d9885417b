import { isDecimalText } from '../data/decimal-text.ts';
import { badInput } from '../data/errors.ts';

/**
 * A field of a query string or JSON body. The same description validates requests and feeds the OpenAPI
 * document, so the docs cannot drift from what the server accepts.
 */
export type Field =
  | { type: 'string'; description?: string; required?: boolean; enum?: readonly string[]; maxLength?: number; pattern?: RegExp }
  | { type: 'integer' | 'number'; description?: string; required?: boolean; min?: number; max?: number }
  | { type: 'boolean'; description?: string; required?: boolean }
  | { type: 'string[]'; description?: string; required?: boolean; minItems?: number; maxItems?: number; maxLength?: number }
  | { type: 'object' | 'array' | 'scalars'; description?: string; required?: boolean; maxItems?: number };

export type Schema = Record<string, Field>;

/** The validated value of a schema: loosely typed, since handlers know their own fields. */
export type Values = Record<string, any>;

/** The type of a field's validated value. */
type FieldValue<F extends Field> = F extends { type: 'string'; enum: readonly (infer E)[] }
  ? E
  : F extends { type: 'string' }
    ? string
    : F extends { type: 'integer' | 'number' }
      ? number
      : F extends { type: 'boolean' }
        ? boolean
        : F extends { type: 'string[]' }
          ? string[]
          : F extends { type: 'array' }
            ? unknown[]
            : F extends { type: 'object' }
              ? Record<string, unknown>
              : Record<string, string | number | boolean | null>;

type RequiredKeys<S extends Schema> = { [K in keyof S]: S[K] extends { required: true } ? K : never }[keyof S];

/**
 * What `validate` returns for a schema, as a type, the way Hono's validator infers its output: required fields
 * present, the others optional, enums as their values. Declare the schema `as const satisfies Schema` so its
 * literals survive.
 *
 * @example
 * const BODY = { sql: { type: 'string', required: true }, limit: { type: 'integer' } } as const satisfies Schema;
 * type Body = Infer<typeof BODY>; // { sql: string; limit?: number }
 */
export type Infer<S extends Schema> = { [K in RequiredKeys<S>]: FieldValue<S[K]> } & { [K in Exclude<keyof S, RequiredKeys<S>>]?: FieldValue<S[K]> };

/** Query strings carry text; turn it into the declared type, naming the field when it does not fit. */
function fromQuery(name: string, field: Field, raw: string): unknown {
  switch (field.type) {
    case 'integer':
    case 'number': {
      const n = isDecimalText(raw) ? Number(raw) : Number.NaN;
      if (!Number.isFinite(n)) throw badInput(`${name} must be a number, got "${raw}"`, { field: name });
      return n;
    }
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw badInput(`${name} must be true or false, got "${raw}"`, { field: name });
    default:
      return raw;
  }
}

function check(name: string, field: Field, value: unknown): unknown {
  const fail = (what: string) => badInput(`${name} ${what}`, { field: name });
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') throw fail('must be a string');
      if (field.maxLength !== undefined && value.length > field.maxLength) throw fail(`must be at most ${field.maxLength} characters`);
      if (field.enum && !field.enum.includes(value)) throw fail(`must be one of ${field.enum.join(', ')}, got "${value}"`);
      if (field.pattern && !field.pattern.test(value)) throw fail('has an invalid format');
      return value;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fail('must be a number');
      if (field.type === 'integer' && !Number.isInteger(value)) throw fail('must be a whole number');
      if (field.min !== undefined && value < field.min) throw fail(`must be at least ${field.min}`);
      if (field.max !== undefined && value > field.max) throw fail(`must be at most ${field.max}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw fail('must be true or false');
      return value;
    case 'string[]':
      if (!Array.isArray(value)) throw fail('must be an array of strings');
      if (field.minItems !== undefined && value.length < field.minItems) throw fail(`must have at least ${field.minItems} item${field.minItems === 1 ? '' : 's'}`);
      if (field.maxItems !== undefined && value.length > field.maxItems) throw fail(`must have at most ${field.maxItems} items`);
      value.forEach((item, i) => {
        if (typeof item !== 'string') throw badInput(`${name}[${i}] must be a string`, { field: `${name}[${i}]` });
        if (field.maxLength !== undefined && item.length > field.maxLength) throw badInput(`${name}[${i}] is too long`, { field: `${name}[${i}]` });
      });
      return value;
    case 'array':
      if (!Array.isArray(value)) throw fail('must be an array');
      if (field.maxItems !== undefined && value.length > field.maxItems) throw fail(`must have at most ${field.maxItems} items`);
      return value;
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('must be an object');
      return value;
    case 'scalars':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('must be an object');
      for (const [key, item] of Object.entries(value)) {
        if (item !== null && !['string', 'number', 'boolean'].includes(typeof item)) {
          throw badInput(`${name}.${key} must be a string, number, boolean or null`, { field: `${name}.${key}` });
        }
      }
      return value;
  }
}

/**
 * One value per query parameter: `?limit=10&limit=20` is refused rather than one of the two silently winning.
 *
 * @example
 * singleQueryValues({ limit: ['20'] }); // { limit: '20' }
 */
export function singleQueryValues(all: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(all)) {
    if (values.length > 1) throw badInput(`${name} is given ${values.length} times; give it once`, { field: name });
    out[name] = values[0];
  }
  return out;
}

/**
 * Checks an input object against a schema: unknown fields are rejected, missing required ones named,
 * query text converted to numbers and booleans.
 *
 * @example
 * validate({ limit: { type: 'integer', min: 1, max: 500 } }, { limit: '20' }, 'query'); // { limit: 20 }
 */
export function validate(schema: Schema, input: unknown, source: 'query' | 'body'): Values {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badInput(`the ${source} must be a JSON object`, { field: source });
  const out: Values = {};
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(schema, key)) throw badInput(`unknown ${source} field "${key}"`, { field: key });
  }
  for (const [name, field] of Object.entries(schema)) {
    let value = (input as Record<string, unknown>)[name];
    if (value === undefined) {
      if (field.required) throw badInput(`${name} is required`, { field: name });
      continue;
    }
    if (source === 'query' && typeof value === 'string') value = fromQuery(name, field, value);
    out[name] = check(name, field, value);
  }
  return out;
}
