/**
 * The built-in views a view cell can show (each titled `view.<name>` in the catalogues, i18n/): the params it takes (so the cell can offer them), how it
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
import { t, type MessageKey } from '../i18n/index.svelte.ts';

/** What every view component receives; `Data` is what the view's loader returned. */
export interface ViewProps<Data = unknown> {
  data: Data;
  params: load.Params;
  /** Changes one of the cell's params (saved with the notebook) and re-runs the cell. */
  setParam: (name: string, value: string | number) => void;
  rerun: () => void;
}

export interface ViewDefinition<Data = unknown> {
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

/** A view's title in the current language (the catalogue's `view.<name>`); an unknown view by its name. */
export const viewTitle = (name: string): string => (name in VIEWS ? t(`view.${name}` as MessageKey) : name);

export const VIEWS: Record<string, ViewDefinition> = {
  'dataset-summary': view({ params: {}, load: load.datasetSummary, component: DatasetSummary }),
  'tier-summary': view({ params: { dimension: 'rfm_segment' }, load: load.tierSummary, component: TierSummary }),
  'k-selection': view({ params: {}, load: load.kSelection, component: KSelection }),
  'cluster-profiles': view({ params: {}, load: load.clusterProfiles, component: ClusterProfiles }),
  'clusters-vs-rfm': view({ params: {}, load: load.clusterComparison, component: ClustersVsRfm }),
  projection: view({ params: { color: 'cluster', max_points: 5000 }, load: load.projection, component: Projection }),
  'churn-distribution': view({ params: {}, load: load.churnDistribution, component: ChurnDistribution }),
  calibration: view({ params: {}, load: load.churnEvaluation, component: Calibration }),
  'at-risk': view({ params: { limit: 100 }, load: load.atRisk, component: AtRiskTable }),
  'model-versions': view({ params: {}, load: load.modelVersions, component: ModelVersions }),
  'campaign-results': view({ params: { campaign: '' }, load: actions.campaignResults, component: CampaignResults }),
  'tier-flow': view({ params: { column: 'value_tier' }, load: actions.tierFlow, component: TierFlow }),
  'tier-alerts': view({ params: {}, load: actions.tierAlerts, component: TierAlerts }),
};
