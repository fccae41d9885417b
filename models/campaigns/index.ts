export { CAMPAIGN_DEFAULTS, campaignPreview, controlGroup, createCampaign, getCampaign, listCampaigns, type Campaign, type CreateCampaignOptions } from './create.ts';
export { addDestination, DESTINATION_DEFAULTS, getDestination, listDestinations, removeDestination, type Destination } from './destinations.ts';
export { EXPORT_COLUMNS, exportCsvLine, TREATMENT_SQL } from './export.ts';
export { FILTER_KEYS, filterWhere, type CampaignFilter } from './filter.ts';
export { campaignResults, type CampaignResults } from './outcomes.ts';
export { deliveryLog, pushCampaign, PUSH_DEFAULTS, type PushOptions, type PushResult } from './push.ts';
export { compareMeans, compareProportions, normalCdf, wilson, zFor } from './stats.ts';
