/**
 * Customer segments by k-means: features in, named and tiered clusters out. See README.md in this folder.
 */
export { segmentCustomers, assignCustomers, SegmentationResult, SEGMENT_DEFAULTS } from './segment.ts';
export type { SegmentOptions, SegmentationModel, SegmentationParts, Assignment, ScatterPoint } from './segment.ts';
export { loadCustomerTable, saveClusters, describeStoredSegments } from './io.ts';
export { NO_PURCHASES, UNCLUSTERED, buyerRows } from './buyers.ts';
export { tableFromRows } from './table.ts';
export type { CustomerTable } from './table.ts';
export { fitKMeans, assignNearest, KMEANS_DEFAULTS } from './kmeans.ts';
export type { KMeansFit, KMeansOptions } from './kmeans.ts';
export type { ClusterProfile, GroupProfile, SegmentProfiles } from './profiles.ts';
export type { RfmComparison } from './compare.ts';
export type { Stability } from './stability.ts';
export type { KScore } from './select-k.ts';
