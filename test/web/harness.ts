/**
 * What the browser tests and the notebook bench share: a built UI, a served demo store with trained models,
 * and Debian's headless Chromium driven by playwright-core (never a downloaded browser).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { retrain } from '../../models/registry/retrain.ts';
import { TokenStore } from '../../server/auth.ts';
import { startServer, type RunningServer } from '../../server/start.ts';
import { writeWorkspace } from '../../server/routes/workspace.ts';
import type { Lang } from '../../data/lang.ts';

const root = resolve(import.meta.dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the UI with vite unless dist/web is newer than every file under web/.
 *
 * @example
 * ensureBuild(); // in beforeAll
 */
export function ensureBuild(): void {
  const index = join(root, 'dist', 'web', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs > newestMtime(join(root, 'web'))) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface DemoServer {
  server: RunningServer;
  /** An admin token; the app URL with it in the fragment. */
  token: string;
  appUrl: string;
  home: string;
  close(): Promise<void>;
}

/**
 * The server in-process on a free port over a TIERLAB_HOME and a demo store with one trained version
 * (features, tiers, clusters, churn, lifetime value), as `tierlab serve --demo` gives a first-time user; with
 * `lang: 'zh'` the Chinese demo (`TIERLAB_LANG=zh npm start`).
 * Without `keepIn` the home is a temp folder removed on close; with it, a trained home there is reused
 * (training 100,000 customers takes minutes) and kept.
 *
 * @example
 * const demo = await startDemoServer({ customers: 800 });
 * await page.goto(demo.appUrl);
 */
export async function startDemoServer(options: { customers: number; seed?: number; lang?: Lang; keepIn?: string; onProgress?: (m: string) => void }): Promise<DemoServer> {
  const home = options.keepIn ?? mkdtempSync(join(tmpdir(), 'tierlab-web-'));
  mkdirSync(home, { recursive: true });
  const trained = join(home, 'trained');
  const store = await Store.open({ path: join(home, 'tierlab.duckdb') });
  if (!existsSync(trained)) {
    await loadDemo(store, { customers: options.customers, seed: options.seed ?? 11, lang: options.lang });
    // As `tierlab demo --lang zh` does: the UI opens in the demo's language.
    if (options.lang === 'zh') writeWorkspace(home, { language: 'zh' });
    options.onProgress?.(`loaded ${options.customers} demo customers; training`);
    const run = await retrain({ home, store, seed: options.seed ?? 11 });
    if (run.outcome === 'failed') throw new Error(`demo training failed: ${run.reason}`);
    writeFileSync(trained, `${options.customers}\n`);
  }
  const token = new TokenStore(home).create('admin');
  const server = await startServer({ port: 0, store, home, log: () => {} });
  return {
    server,
    token,
    home,
    appUrl: `${server.url}/#token=${token}`,
    async close() {
      await server.close();
      store.close();
      if (!options.keepIn) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Headless Debian Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
