import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from './helpers.ts';

describe('the built UI', () => {
  let f: Fixture;
  let web: string;
  beforeAll(async () => {
    web = mkdtempSync(join(tmpdir(), 'tierlab-web-test-'));
    writeFileSync(join(web, 'index.html'), '<html>tierlab ui</html>');
    writeFileSync(join(web, 'app.js'), 'export {}');
    f = await fixture({ customers: 20, webDir: web });
  });
  afterAll(() => {
    f.close();
    rmSync(web, { recursive: true, force: true });
  });

  it('serves files, falls back to index.html for client routes, never outside the folder', async () => {
    expect((await f.call('GET', '/app.js')).headers.get('content-type')).toContain('javascript');
    expect(await (await f.call('GET', '/notebooks/churn')).text()).toBe('<html>tierlab ui</html>');
    expect(await (await f.call('GET', '/../../etc/passwd')).text()).toBe('<html>tierlab ui</html>');
    expect((await f.call('GET', '/api/unknown')).status).toBe(404);
  });
});
