import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.ts';

/** One request's log line. */
export type RequestLogLine = {
  time: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  role: string | null;
};

export interface RequestLogOptions {
  /** Where each line goes; default JSON to stdout. */
  write?: (line: RequestLogLine) => void;
}

/**
 * One line per request, written when its answer is ready: method, path, status, time taken and the caller's role.
 *
 * @example
 * app.use(requestLog({ write: (line) => lines.push(line) }));
 */
export function requestLog(options: RequestLogOptions = {}): MiddlewareHandler<AppEnv> {
  const write = options.write ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  return async (c, next) => {
    const started = performance.now();
    await next();
    // Path only: query strings can carry filters typed by people, and never a token.
    write({ time: new Date().toISOString(), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10, role: c.get('role') ?? null });
  };
}
