import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrainJob } from '../../server/start.ts';
import type { ClustersAnswer, KSelectionAnswer, ModelManifest } from '../../server/contracts.ts';
import { fixture, type Fixture } from './helpers.ts';

describe('a real training job behind the API (the lead\'s retrain)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 400, train: retrainJob });
    const started = await f.call('POST', '/api/jobs/train', { role: 'admin' });
    expect(started.status).toBe(202);
    const job = await f.deps.jobs.wait(((await started.json()) as { id: string }).id);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
  }, 120_000);
  afterAll(() => f.close());

  it('serves the new version and its reports', async () => {
    const health = (await (await f.call('GET', '/api/health')).json()) as { model_version: string };
    expect(health.model_version).toBe('1');
    const models = (await (await f.call('GET', '/api/models', { role: 'analyst' })).json()) as { active: number; versions: { version: number }[] };
    expect(models.active).toBe(1);
    const clusters = (await (await f.call('GET', '/api/clusters', { role: 'analyst' })).json()) as ClustersAnswer;
    const k = (await (await f.call('GET', '/api/clusters/k-selection', { role: 'analyst' })).json()) as KSelectionAnswer;
    expect(k.rows.map((r) => r.k)).toContain(k.chosen_k);
    // One answer from the served tables: the k clusters, then "No purchases yet", every customer counted once.
    expect(clusters.k).toBe(k.chosen_k);
    expect(clusters.clusters.filter((c) => c.cluster !== null)).toHaveLength(clusters.k);
    const [{ n }] = await f.store.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM customer_clusters');
    expect(clusters.clusters.reduce((sum, c) => sum + c.customers, 0)).toBe(n);
    const projection = (await (await f.call('GET', '/api/clusters/projection?max_points=50&color=rfm_segment', { role: 'analyst' })).json()) as { points: unknown[] };
    expect(projection.points).toHaveLength(50);
    expect((await f.call('GET', '/api/churn/evaluation', { role: 'analyst' })).status).toBe(200);
  });

  it('profiles the clusters in original units, measured on the customers, as the segmentation report does', async () => {
    type Group = { size: number; means: Record<string, number>; medians: Record<string, number> };
    type Profiles = { features: string[]; clusters: (Group & { cluster: number; name: string; z: Record<string, number> })[]; overall: Group; noPurchases: Group & { name: string } };
    const res = await f.call('GET', '/api/clusters/profiles', { role: 'analyst' });
    expect(res.status).toBe(200);
    const p = (await res.json()) as Profiles;
    const seg = ((await (await f.call('GET', '/api/models/1', { role: 'analyst' })).json()) as ModelManifest).evaluation.segmentation!;
    expect(p.features.slice(0, seg.features.length)).toEqual(seg.features);
    expect(p.clusters).toHaveLength(seg.k);
    // Nothing changed since training: the figures are the ones the training run stored.
    expect(p.clusters.map((c) => [c.name, c.size, c.medians, c.z])).toEqual(seg.profiles.map((c) => [c.name, c.size, c.medians, c.z]));
    expect(p.noPurchases).toMatchObject({ name: 'No purchases yet', size: seg.noPurchases.size });
    expect(p.clusters.reduce((n, c) => n + c.size, 0)).toBe(p.overall.size);
    const feature = p.features[0];
    const [expected] = await f.store.all<{ n: number; mean: number; median: number }>(
      `SELECT count(*)::INTEGER AS n, avg(f."${feature}") AS mean, median(f."${feature}") AS median FROM customer_clusters c JOIN customer_features f USING (customer_id) WHERE c.cluster = ${p.clusters[0].cluster}`,
    );
    expect(p.clusters[0].size).toBe(expected.n);
    expect(p.clusters[0].means[feature]).toBeCloseTo(expected.mean, 9);
    expect(p.clusters[0].medians[feature]).toBeCloseTo(expected.median, 9);
    const [apart] = await f.store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM customer_clusters WHERE cluster IS NULL AND cluster_name = 'No purchases yet'`);
    expect(p.noPurchases.size).toBe(apart.n);
    expect((await f.call('GET', '/api/clusters/profiles', { role: 'retention' })).status).toBe(403);
  });

  it('ranks at-risk customers from the trained churn scores and shows them on the customer page', async () => {
    const { items } = (await (await f.call('GET', '/api/churn/at-risk?limit=5', { role: 'retention' })).json()) as { items: { customer_id: string; value_at_risk: number; reasons: string[] }[] };
    expect(items).toHaveLength(5);
    expect(items[0].reasons.length).toBeGreaterThan(0);
    const page = (await (await f.call('GET', `/api/customers/${items[0].customer_id}`, { role: 'retention' })).json()) as { churn: { churn_probability: number }; cluster: object };
    expect(page.churn.churn_probability).toBeGreaterThan(0);
    expect(page.cluster).not.toBeNull();
  });

  it('activates a version and refuses a rollback with nothing before it', async () => {
    expect((await f.call('POST', '/api/models/1/activate', { role: 'admin' })).status).toBe(200);
    expect((await f.call('POST', '/api/models/rollback', { role: 'admin' })).status).toBe(409);
    expect((await f.call('GET', '/api/models/7', { role: 'analyst' })).status).toBe(404);
  });
});
