// ATen's CPU samplers for counts (aten/src/ATen/native/Distributions.cpp sample_poisson,
// Distributions.h sample_binomial: BTRS + inversion, adapted there from NumPy and
// TensorFlow), drawing uniform_real_distribution<double> from the generator in ATen's
// order, so seeded Poisson and Binomial draws are PyTorch's. Binomial's float32 path
// rounds where ATen computes in float (scalar_t) and keeps double where ATen does.
import { asNumbers } from '../tensor/dtype.js';
import { lgamma } from '../ops/special-math.js';
import { getDefaultGenerator, uniformSample, type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

const uniform = (gen: Generator): number => uniformSample(gen, 'float64', 0, 1);

function samplePoisson(lambda: number, gen: Generator): number {
  if (!(lambda >= 0)) throw new RangeError('invalid Poisson rate, expected rate to be non-negative');
  if (lambda >= 10) {
    // Transformed rejection (Hörmann 1993).
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = uniform(gen) - 0.5;
      const V = uniform(gen);
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1)) return k;
    }
  }
  if (lambda === 0) return 0;
  // Multiplication of uniforms (Knuth).
  const enlam = Math.exp(-lambda);
  let X = 0;
  let prod = 1.0;
  for (;;) {
    prod *= uniform(gen);
    if (prod > enlam) X += 1;
    else return X;
  }
}

/** torch.poisson(rate): one draw per element (row-major), in rate's dtype. */
export function poissonValues(rate: Tensor, gen: Generator = getDefaultGenerator()): Tensor {
  const r = asNumbers(rate.contiguous().toTypedArray());
  const out = new (rate.dtype === 'float32' ? Float32Array : Float64Array)(r.length);
  for (let i = 0; i < r.length; i++) out[i] = samplePoisson(r[i], gen);
  return Tensor.fromData(out, rate.dtype, rate.shape.slice());
}

const TAIL = [0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.010411265261972, 0.00925546218271273, 0.00833056343336287];

function stirlingApproxTail(k: number): number {
  if (k <= 9) return TAIL[k];
  const kp1sq = (k + 1) * (k + 1);
  return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

type Round = (x: number) => number;

function binomialInversion(count: number, prob: number, gen: Generator, r: Round): number {
  let geomSum = 0;
  let numGeom = 0;
  const logprob = r(Math.log1p(-prob)); // log1p of a float is a float in ATen's float kernel
  for (;;) {
    const geom = Math.ceil(Math.log(uniform(gen)) / logprob);
    geomSum += geom;
    if (geomSum > count) break;
    numGeom += 1;
  }
  return numGeom;
}

function btrs(count: number, prob: number, gen: Generator, r: Round): number {
  const stddev = r(Math.sqrt(r(r(count * prob) * r(1 - prob))));
  const b = 1.15 + 2.53 * stddev;
  const a = -0.0873 + 0.0248 * b + 0.01 * prob;
  const c = r(count * prob) + 0.5;
  const vR = 0.92 - 4.2 / b;
  const ratio = r(prob / r(1 - prob));
  const alpha = (2.83 + 5.1 / b) * stddev;
  const m = Math.floor(r(r(count + 1) * prob));
  for (;;) {
    const U = uniform(gen) - 0.5;
    let V = uniform(gen);
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + c);
    if (k < 0 || k > count) continue;
    if (us >= 0.07 && V <= vR) return k;
    V = Math.log((V * alpha) / (a / (us * us) + b));
    const upperbound =
      (m + 0.5) * Math.log((m + 1) / (ratio * (count - m + 1))) +
      (count + 1) * Math.log((count - m + 1) / (count - k + 1)) +
      (k + 0.5) * Math.log((ratio * (count - k + 1)) / (k + 1)) +
      stirlingApproxTail(m) +
      stirlingApproxTail(count - m) -
      stirlingApproxTail(k) -
      stirlingApproxTail(count - k);
    if (V <= upperbound) return k;
  }
}

function sampleBinomial(count: number, prob: number, gen: Generator, r: Round): number {
  if (count <= 0 || prob <= 0) return 0;
  if (prob >= 1) return count;
  if (prob <= 0.5) return r(count * prob) >= 10 ? btrs(count, prob, gen, r) : binomialInversion(count, prob, gen, r);
  if (prob > 0.5) {
    const q = r(1 - prob);
    return count - (r(count * q) >= 10 ? btrs(count, q, gen, r) : binomialInversion(count, q, gen, r));
  }
  return NaN;
}

/** torch.binomial(count, prob): one draw per element of their (equal) shapes, in prob's dtype. */
export function binomialValues(count: Tensor, prob: Tensor, gen: Generator = getDefaultGenerator()): Tensor {
  const n = asNumbers(count.contiguous().toTypedArray());
  const p = asNumbers(prob.contiguous().toTypedArray());
  const float32 = prob.dtype === 'float32';
  const r: Round = float32 ? Math.fround : (x) => x;
  const out = new (float32 ? Float32Array : Float64Array)(p.length);
  for (let i = 0; i < p.length; i++) out[i] = sampleBinomial(n[i], p[i], gen, r);
  return Tensor.fromData(out, prob.dtype, prob.shape.slice());
}
