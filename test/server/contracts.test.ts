import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AtRiskQuery, SqlRequest, TrainSettings, UploadQuery } from '../../server/contracts.ts';
import { openApiDocument } from '../../server/docs.ts';
import { ROUTES } from '../../server/routes/index.ts';
import { validate, type Field } from '../../server/validate.ts';

/** The OpenAPI keywords a field's constraints are published under. */
function published(field: Field): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('enum' in field && field.enum) out.enum = [...field.enum];
  if ('pattern' in field && field.pattern) out.pattern = field.pattern.source;
  if ('min' in field && field.min !== undefined) out.minimum = field.min;
  if ('max' in field && field.max !== undefined) out.maximum = field.max;
  if ('minItems' in field && field.minItems !== undefined) out.minItems = field.minItems;
  if ('maxItems' in field && field.maxItems !== undefined) out.maxItems = field.maxItems;
  if (field.type === 'string' && field.maxLength !== undefined) out.maxLength = field.maxLength;
  return out;
}

describe('the API contracts (server/contracts.ts)', () => {
  it('publishes every constraint the server checks in the OpenAPI document', () => {
    type Operation = { parameters: { name: string; in: string; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> } };
    const paths = openApiDocument(ROUTES).paths as Record<string, Record<string, Operation>>;
    let fields = 0;
    for (const route of ROUTES) {
      const operation = paths[route.path.replace(/:(\w+)/g, '{$1}')][route.method.toLowerCase()];
      for (const [name, field] of Object.entries(route.query ?? {})) {
        const parameter = operation.parameters.find((p) => p.in === 'query' && p.name === name);
        expect(parameter?.schema, `${route.method} ${route.path} ?${name}`).toMatchObject(published(field));
        fields++;
      }
      if (route.body && route.body !== 'raw') {
        const properties = operation.requestBody!.content['application/json'].schema.properties;
        for (const [name, field] of Object.entries(route.body)) {
          expect(properties[name], `${route.method} ${route.path} body.${name}`).toMatchObject(published(field));
          if (field.type === 'string[]' && field.maxLength !== undefined) expect(properties[name].items).toMatchObject({ maxLength: field.maxLength });
          fields++;
        }
      }
    }
    expect(fields).toBeGreaterThan(40);
  });

  it('infers request types from the schemas that validate them', () => {
    expectTypeOf<SqlRequest>().toEqualTypeOf<{ sql: string } & { params?: Record<string, string | number | boolean | null>; limit?: number; cells?: unknown[] }>();
    expectTypeOf<TrainSettings['promote']>().toEqualTypeOf<'auto' | 'always' | 'never' | undefined>();
    expectTypeOf<AtRiskQuery['format']>().toEqualTypeOf<'json' | 'csv' | undefined>();
    expectTypeOf<UploadQuery['mode']>().toEqualTypeOf<'upsert' | 'replace' | undefined>();
    // What validate() returns for a valid body is a value of the inferred type.
    const body = validate(ROUTES.find((r) => r.path === '/api/sql')!.body as never, { sql: 'SELECT 1', limit: 5 }, 'body');
    expect(body).toEqual({ sql: 'SELECT 1', limit: 5 } satisfies SqlRequest);
  });
});
