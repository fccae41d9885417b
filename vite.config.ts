import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The web UI lives in web/; the build lands in dist/web, which the Hono service serves at `/`.
export default defineConfig({
  root: 'web',
  plugins: [svelte()],
  build: { outDir: '../dist/web', emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8787' } },
  test: {
    root: '.',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll waits for a condition on the page; its default bound (1 s) is shorter than a busy machine takes
    // to push a campaign or draw a chart, which made browser tests fail beside a CPU-heavy process.
    expect: { poll: { timeout: 60_000 } },
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
