/** Ranking figures shared by every scored model (churn risk, sentiment): pure functions over typed arrays. */

/**
 * ROC-AUC via ranks (Mann-Whitney U): the chance a random positive scores above a random negative, ties
 * counted half. Labels are 0/1 (anything above 0.5 is positive). NaN when only one class is present.
 *
 * @example
 * rocAuc(Float64Array.of(0.1, 0.4, 0.35, 0.8), Float64Array.of(0, 0, 1, 1)); // 0.75
 */
export function rocAuc(scores: Float64Array, labels: ArrayLike<number>): number {
  const order = Int32Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] > 0.5) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (!positives || !negatives) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
