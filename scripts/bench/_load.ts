/** HTTP load for the benches: autocannon in a child process, latency percentiles per scenario. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Scenario {
  name: string;
  /** Paths requested round-robin (random customer ids for the lookup). */
  paths: string[];
}

export interface Measured {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** Responses by HTTP status, so a run of errors is seen for what it is. */
  statuses: Record<string, number>;
}

/**
 * autocannon runs in a child process: in the server's own thread it would take the event loop it measures
 * (and in a worker thread it reports encoded histograms). The child is plain JS, its settings on stdin.
 */
const LOAD = `
const autocannon = require(process.argv[1]);
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', () => {
  const o = JSON.parse(input);
  let i = 0;
  autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    headers: { authorization: 'Bearer ' + o.token },
    requests: [{ setupRequest: (req) => ({ ...req, path: o.paths[i++ % o.paths.length] }) }],
  }, (error, result) => process.stdout.write(JSON.stringify(error ? { error: String(error) } : result)));
});
`;

/**
 * Requests `scenario.paths` round-robin over `connections` keep-alive connections for `seconds`, with a bearer token.
 *
 * @example
 * const m = await measureLoad(url, token, { name: 'lookup', paths: ['/api/customers/C000001'] }, { connections: 10, seconds: 5 });
 */
export function measureLoad(url: string, token: string, scenario: Scenario, load: { connections: number; seconds: number }): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LOAD, fileURLToPath(import.meta.resolve('autocannon'))], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.end(JSON.stringify({ url, token, paths: scenario.paths, connections: load.connections, seconds: load.seconds }));
    child.once('error', reject);
    child.once('close', () => {
      let r: any;
      try {
        r = JSON.parse(out);
      } catch {
        return reject(new Error(`autocannon printed no result: ${out.slice(0, 200)}`));
      }
      if (r.error) return reject(new Error(r.error));
      resolve({
        scenario: scenario.name,
        requestsPerSecond: Math.round(r.requests.average),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        requests: r.requests.total,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        statuses: Object.fromEntries(Object.entries((r.statusCodeStats ?? {}) as Record<string, { count: number }>).map(([code, stat]) => [code, stat.count])),
      });
    });
  });
}
