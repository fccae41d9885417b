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

/** What every view component receives. */
export interface ViewProps {
  /** What the view's loader returned; each component narrows it to its own type. */
  data: any;
  params: load.Params;
  /** Changes one of the cell's params (saved with the notebook) and re-runs the cell. */
  setParam: (name: string, value: string | number) => void;
  rerun: () => void;
}

export interface ViewDefinition {
  /** Params the view reads, with their defaults; a value may be `$input` to follow an input cell. */
  params: Record<string, string | number>;
  load: (params: load.Params) => Promise<unknown>;
  component: Component<ViewProps>;
}

/** A view's title in the current language (the catalogue's `view.<name>`); an unknown view by its name. */
export const viewTitle = (name: string): string => (name in VIEWS ? t(`view.${name}` as MessageKey) : name);

export const VIEWS: Record<string, ViewDefinition> = {
  'dataset-summary': { params: {}, load: load.datasetSummary, component: DatasetSummary as Component<ViewProps> },
  'tier-summary': { params: { dimension: 'rfm_segment' }, load: load.tierSummary, component: TierSummary as Component<ViewProps> },
  'k-selection': { params: {}, load: load.kSelection, component: KSelection as Component<ViewProps> },
  'cluster-profiles': { params: {}, load: load.clusterProfiles, component: ClusterProfiles as Component<ViewProps> },
  'clusters-vs-rfm': { params: {}, load: load.clusterComparison, component: ClustersVsRfm as Component<ViewProps> },
  projection: { params: { color: 'cluster', max_points: 5000 }, load: load.projection, component: Projection as Component<ViewProps> },
  'churn-distribution': { params: {}, load: load.churnDistribution, component: ChurnDistribution as Component<ViewProps> },
  calibration: { params: {}, load: load.churnEvaluation, component: Calibration as Component<ViewProps> },
  'at-risk': { params: { limit: 100 }, load: load.atRisk, component: AtRiskTable as Component<ViewProps> },
  'model-versions': { params: {}, load: load.modelVersions, component: ModelVersions as Component<ViewProps> },
  'campaign-results': { params: { campaign: '' }, load: actions.campaignResults, component: CampaignResults as Component<ViewProps> },
  'tier-flow': { params: { column: 'value_tier' }, load: actions.tierFlow, component: TierFlow as Component<ViewProps> },
  'tier-alerts': { params: {}, load: actions.tierAlerts, component: TierAlerts as Component<ViewProps> },
};
