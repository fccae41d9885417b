import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import type { RetrainMessage } from '../../models/registry/notify.ts';
import { listRuns, retrain } from '../../models/registry/retrain.ts';

/** A webhook receiver on loopback that keeps what it is sent. */
async function receiver(status = 200): Promise<{ url: string; received: RetrainMessage[]; server: Server }> {
  const received: RetrainMessage[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, received, server };
}

describe('the retrain webhook', () => {
  let home: string;
  let store: Store;
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'notify-'));
    store = await Store.open({ path: ':memory:' });
    await loadDemo(store, { customers: 300, seed: 5 });
    hook = await receiver();
  });
  afterAll(() => {
    store.close();
    hook.server.close();
  });

  it('gets a Slack-compatible message on promoted, kept and interrupted runs', async () => {
    const first = await retrain({ home, store, webhookUrl: hook.url });
    const second = await retrain({ home, store, promote: 'never', webhookUrl: hook.url });
    const interrupted = await retrain({ home, store, signal: AbortSignal.abort(), webhookUrl: hook.url });
    expect([first.outcome, second.outcome, interrupted.outcome]).toEqual(['promoted', 'kept', 'failed']);
    expect(hook.received.map((m) => [m.event, m.decision, m.version, m.active])).toEqual([
      ['tierlab.retrain.promoted', 'promoted', 1, 1],
      ['tierlab.retrain.kept', 'kept', 2, 1],
      ['tierlab.retrain.interrupted', 'interrupted', null, 1],
    ]);
    const [promoted, kept] = hook.received;
    expect(promoted.figures.churn_roc_auc).toBeCloseTo(first.figures!.churn_roc_auc as number, 4);
    expect(promoted.text).toMatch(/^Tierlab retrain promoted v1, now served \(churn ROC-AUC 0\.\d+\) in \d+ s\. first version/);
    expect(kept.text).toMatch(/kept v1 served; v2 trained but not promoted .*promotion disabled/);
    expect(hook.received[2].text).toMatch(/interrupted; v1 still served/);
    expect(promoted.run.run_id).toBe(first.run_id);
  });

  it('logs a webhook that fails or cannot be reached, and the run stands', async () => {
    const down = await receiver(500);
    const lines: string[] = [];
    try {
      const answered500 = await retrain({ home, store, promote: 'never', webhookUrl: down.url, log: (l) => lines.push(l) });
      expect(answered500.outcome).toBe('kept');
    } finally {
      down.server.close();
    }
    const unreachable = await retrain({ home, store, promote: 'never', webhookUrl: down.url, log: (l) => lines.push(l) });
    expect(unreachable.outcome).toBe('kept');
    expect(lines).toEqual([expect.stringMatching(/webhook answered HTTP 500; the run .* is recorded/), expect.stringMatching(/webhook could not be reached .*; the run .* is recorded/)]);
    expect(listRuns(home).slice(-2).map((r) => r.run_id)).toEqual([answered500Id(lines[0]), unreachable.run_id]);
  });
});

const answered500Id = (line: string) => line.match(/the run (\S+) is recorded/)![1];
