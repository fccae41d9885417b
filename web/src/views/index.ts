/**
 * The built-in views a view cell can show: title, the params it takes (so the cell can offer them), how it
 * loads its data, and the component that draws it.
 */
import type { Component } from 'svelte';
import * as actions from './action-load.ts';
import AtRiskTable from './AtRiskTable.svelte';
import CampaignResults from './CampaignResults.svelte';
import Calibration from './Calibration.svelte';
import ChurnDistribution from './ChurnDistribution.svelte';
import ClusterProfiles from './ClusterProfiles.svelte';
import ClustersVsRfm from './ClustersVsRfm.svelte';
import DatasetSummary from './DatasetSummary.svelte';
import KSelection from './KSelection.svelte';
import * as load from './load.ts';
import ModelVersions from './ModelVersions.svelte';
import Projection from './Projection.svelte';
import TierAlerts from './TierAlerts.svelte';
import TierFlow from './TierFlow.svelte';
import TierSummary from './TierSummary.svelte';

/** What every view component receives; `Data` is what the view's loader returned. */
export interface ViewProps<Data = unknown> {
  data: Data;
  params: load.Params;
  /** Changes one of the cell's params (saved with the notebook) and re-runs the cell. */
  setParam: (name: string, value: string | number) => void;
  rerun: () => void;
}

export interface ViewDefinition<Data = unknown> {
  title: string;
  /** Params the view reads, with their defaults; a value may be `$input` to follow an input cell. */
  params: Record<string, string | number>;
  load: (params: load.Params) => Promise<Data>;
  component: Component<ViewProps<Data>>;
}

/** A view whose component takes exactly what its loader returns: checked here, once a view. */
function view<Data>(definition: ViewDefinition<Data>): ViewDefinition {
  // Sound: a view cell hands the component only what this same definition's loader returned.
  return definition as unknown as ViewDefinition;
}

export const VIEWS: Record<string, ViewDefinition> = {
  'dataset-summary': view({ title: 'Data set summary', params: {}, load: load.datasetSummary, component: DatasetSummary }),
  'tier-summary': view({ title: 'Tier summary', params: { dimension: 'rfm_segment' }, load: load.tierSummary, component: TierSummary }),
  'k-selection': view({ title: 'Choosing k', params: {}, load: load.kSelection, component: KSelection }),
  'cluster-profiles': view({ title: 'Cluster profiles', params: {}, load: load.clusterProfiles, component: ClusterProfiles }),
  'clusters-vs-rfm': view({ title: 'Clusters × RFM segments', params: {}, load: load.clusterComparison, component: ClustersVsRfm }),
  projection: view({ title: 'Customer map (2-D projection)', params: { color: 'cluster', max_points: 5000 }, load: load.projection, component: Projection }),
  'churn-distribution': view({ title: 'Churn risk distribution', params: {}, load: load.churnDistribution, component: ChurnDistribution }),
  calibration: view({ title: 'Churn model: calibration and lift', params: {}, load: load.churnEvaluation, component: Calibration }),
  'at-risk': view({ title: 'At-risk customers', params: { limit: 100 }, load: load.atRisk, component: AtRiskTable }),
  'model-versions': view({ title: 'Model versions', params: {}, load: load.modelVersions, component: ModelVersions }),
  'campaign-results': view({ title: 'Campaign results', params: { campaign: '' }, load: actions.campaignResults, component: CampaignResults }),
  'tier-flow': view({ title: 'Tier flow', params: { column: 'value_tier' }, load: actions.tierFlow, component: TierFlow }),
  'tier-alerts': view({ title: 'Tier alerts: who to call today', params: {}, load: actions.tierAlerts, component: TierAlerts }),
};
