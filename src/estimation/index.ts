/** Design-based estimation: the public surface used by the report and the CLI. */
export { makeDesign, domainDf, totalsCovariance, clusterTotalsCovariance, type Design, type DesignInput } from './design.ts';
export { estimateCategorical, estimateMulti, estimateIndicators, type CategoricalResult, type CategoryEstimate, type CiMethod, type Combined, type EstimateOptions, type Summary } from './proportions.ts';
export { compareGroups, type GroupDifference } from './compare.ts';
export { tQuantile, tCdf, betaQuantile } from './quantiles.ts';
