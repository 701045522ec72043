// torch.multinomial on a 1-d float64 weight vector, drawing from PyTorch's CPU
// generator exactly as ATen does (aten/src/ATen/native/Distributions.cpp and
// cpu/MultinomialKernel.cpp), so WeightedRandomSampler reproduces PyTorch's indices.
import type { Generator } from './random.js';

const TWO_POW_M53 = 2 ** -53;

function uniformDouble(gen: Generator): number {
  return gen.random53() * TWO_POW_M53;
}

function checkWeights(weights: readonly number[]): void {
  if (weights.length === 0) throw new RangeError('cannot sample from an empty weight vector');
  let sum = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError('probability tensor contains either `inf`, `nan` or element < 0');
    sum += w;
  }
  if (!(sum > 0)) throw new RangeError('invalid multinomial distribution (sum of probabilities <= 0)');
}

/**
 * Without replacement: the Gumbel-max trick as ATen does it,
 * argsort of w / q with q ~ Exp(1) (one double uniform per category, in order).
 */
function withoutReplacement(weights: readonly number[], numSamples: number, gen: Generator): number[] {
  const keys = weights.map((w) => w / -Math.log(1 - uniformDouble(gen)));
  const order = keys.map((_, i) => i);
  // topk(sorted=True): largest first; equal keys keep the lower index first.
  order.sort((a, b) => keys[b] - keys[a] || a - b);
  return order.slice(0, numSamples);
}

/** With replacement: a binary search of one double uniform per draw in the normalized CDF. */
function withReplacement(weights: readonly number[], numSamples: number, gen: Generator, float32: boolean): number[] {
  const n = weights.length;
  // The sums and the normalization in the weights' precision (ATen's scalar_t cum_dist).
  const cdf = float32 ? new Float32Array(n) : new Float64Array(n);
  const r = float32 ? Math.fround : (x: number) => x;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    sum = r(sum + weights[j]);
    cdf[j] = sum;
  }
  for (let j = 0; j < n; j++) cdf[j] = r(cdf[j] / sum);
  cdf[n - 1] = 1;
  const out: number[] = new Array(numSamples);
  for (let s = 0; s < numSamples; s++) {
    const u = uniformDouble(gen);
    let left = 0;
    let right = n;
    while (right - left > 0) {
      const mid = left + ((right - left) >> 1);
      if (cdf[mid] < u) left = mid + 1;
      else right = mid;
    }
    out[s] = left;
  }
  return out;
}

/** torch.multinomial(weights, numSamples, replacement, generator) as a list of indices (float32: the weights' dtype was float32). */
export function multinomial(weights: readonly number[], numSamples: number, replacement: boolean, gen: Generator, float32 = false): number[] {
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new RangeError(`cannot sample n_sample <= 0 samples (got ${numSamples})`);
  checkWeights(weights);
  if (!replacement) {
    if (numSamples > weights.length) throw new RangeError('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
    return withoutReplacement(weights, numSamples, gen);
  }
  return withReplacement(weights, numSamples, gen, float32);
}
