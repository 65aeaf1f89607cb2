/** Design-based estimation: the public surface used by the report and the CLI. */
export { makeDesign, totalsCovariance, cellTotalsCovariance, clusterTotalsCovariance, type Cells, type Design, type DesignInput } from './design.ts';
export { estimateCategorical, estimateCoded, estimateMulti, estimateMultiCoded, estimateIndicators, type DomainTotals, type Indicator, type CategoricalResult, type CategoryEstimate, type CiMethod, type Combined, type EstimateOptions, type Summary } from './proportions.ts';
export { compareCoded, compareGroups, type GroupDifference } from './compare.ts';
export { tQuantile, tCdf, betaQuantile } from './quantiles.ts';
