/**
 * View params as one editable line, `name=value, other=$input`: numbers stay numbers, the rest text.
 *
 * @example
 * parseParams('min_risk=$threshold, limit=100'); // { min_risk: '$threshold', limit: 100 }
 * formatParams({ limit: 100 }); // 'limit=100'
 */
export function parseParams(text: string): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    params[key] = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return params;
}

/** The inverse of parseParams. */
export function formatParams(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}
