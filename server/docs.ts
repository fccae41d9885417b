/**
 * The API's documents made from the route table: the OpenAPI 3.1 document and the docs page. Parameters and
 * bodies come from the same schemas that validate requests (server/contracts.ts), constraints included, so the
 * documents cannot drift from what the server accepts.
 */
import type { RouteSpec } from './context.ts';
import type { Field, Schema } from './validate.ts';

function fieldSchema(field: Field): Record<string, unknown> {
  const base = { description: field.description };
  switch (field.type) {
    case 'string':
      return { ...base, type: 'string', enum: field.enum, maxLength: field.maxLength, pattern: field.pattern?.source };
    case 'integer':
    case 'number':
      return { ...base, type: field.type, minimum: field.min, maximum: field.max };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'string[]':
      return { ...base, type: 'array', items: { type: 'string', maxLength: field.maxLength }, minItems: field.minItems, maxItems: field.maxItems };
    case 'array':
      return { ...base, type: 'array', maxItems: field.maxItems };
    case 'object':
      return { ...base, type: 'object' };
    case 'scalars':
      return { ...base, type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } };
  }
}

function objectSchema(schema: Schema): Record<string, unknown> {
  const required = Object.entries(schema).filter(([, f]) => f.required).map(([n]) => n);
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Object.entries(schema).map(([n, f]) => [n, fieldSchema(f)])),
    ...(required.length ? { required } : {}),
  };
}

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function operation(route: RouteSpec): Record<string, unknown> {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const queryParams = Object.entries(route.query ?? {}).map(([name, f]) => ({ name, in: 'query', required: !!f.required, schema: fieldSchema(f) }));
  const body = route.body === 'raw'
    ? { content: { 'text/csv': { schema: { type: 'string' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }
    : route.body
      ? { required: true, content: { 'application/json': { schema: objectSchema(route.body) } } }
      : undefined;
  return {
    tags: [route.tag],
    summary: route.summary,
    description: `Role: ${route.access}. Answers: ${route.response}`,
    'x-role': route.access,
    parameters: [...pathParams, ...queryParams],
    ...(body ? { requestBody: body } : {}),
    ...(route.access === 'public' ? { security: [] } : {}),
    responses: {
      '200': { description: route.response },
      ...(route.access === 'public' ? {} : { '401': { description: 'no or unknown token' }, '403': { description: 'role too low' } }),
      '400': { description: 'invalid input; names the field' },
    },
  };
}

/** The OpenAPI 3.1 document of a route table. */
export function openApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation(route);
  return {
    openapi: '3.1.0',
    info: { title: 'Tierlab API', version: '0.1.0', description: 'Customer analytics: tiers, segments, churn, sentiment, lifetime value.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

function fieldRows(schema: Schema | undefined): string {
  if (!schema) return '';
  return `<ul>${Object.entries(schema)
    .map(([n, f]) => `<li><code>${escape(n)}</code> ${f.type}${f.required ? ' (required)' : ''}${'enum' in f && f.enum ? `: ${f.enum.map(escape).join(' | ')}` : ''}${f.description ? ` — ${escape(f.description)}` : ''}</li>`)
    .join('')}</ul>`;
}

/** A route table as one readable page, grouped by tag (GET /api/docs). */
export function docsPage(routes: readonly RouteSpec[]): string {
  const tags = [...new Set(routes.map((r) => r.tag))];
  const sections = tags.map((tag) => `<h2>${escape(tag)}</h2>${routes.filter((r) => r.tag === tag).map((r) => `
    <section><h3><span class="m">${r.method}</span> <code>${escape(r.path)}</code> <span class="role">${r.access}</span></h3>
    <p>${escape(r.summary)}</p>${r.query ? `<h4>Query</h4>${fieldRows(r.query)}` : ''}${r.body === 'raw' ? '<h4>Body</h4><p>the file itself (CSV or Parquet)</p>' : r.body ? `<h4>JSON body</h4>${fieldRows(r.body)}` : ''}
    <h4>Answer</h4><p><code>${escape(r.response)}</code></p></section>`).join('')}`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tierlab API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.3rem 0}.m{font-weight:700;color:#05a}.role{font-size:.8em;background:#eef;padding:.1em .4em;border-radius:.3em}
code{background:#f5f5f5;padding:0 .2em}h3{margin:.4rem 0}</style></head><body>
<h1>Tierlab API</h1><p>Send <code>Authorization: Bearer &lt;token&gt;</code>. Roles: retention &lt; analyst &lt; admin. Errors are JSON
<code>{error, message, field?}</code>. Machine-readable: <a href="/api/openapi.json">openapi.json</a>.</p>${sections.join('')}</body></html>`;
}
