// ATen's CPU samplers for the Gamma family (aten/src/ATen/native/Distributions.h and
// Distributions.cpp): sample_gamma (Marsaglia–Tsang, boosted below alpha = 1) drawing
// uniform_real_distribution<double> and normal_distribution<double> from the generator
// in ATen's order, so torch.manual_seed gives PyTorch's Gamma/Beta/Dirichlet draws; and
// standard_gamma_grad_one, the reparameterized gradient of those draws.
import { Function, type FunctionCtx } from '../autograd/function.js';
import { asNumbers, type DType } from '../tensor/dtype.js';
import { getDefaultGenerator, normalSampleDouble, uniformSample, type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

const f32 = Math.fround;
const F_0331 = f32(0.0331);
const F_THIRD = f32(1 / 3);
const FLT_MIN = 2 ** -126;
const DBL_MIN = 2 ** -1022;

/**
 * One Gamma(alpha, 1) draw as sample_gamma<scalar_t, double>: alpha and its boost are in
 * scalar_t (float32 rounds at each step), the rest in double.
 */
function sampleGamma(alpha: number, float32: boolean, gen: Generator): number {
  const r = float32 ? f32 : (x: number) => x;
  const uniform = (): number => uniformSample(gen, 'float64', 0, 1);
  let scale = 1;
  let a = alpha;
  if (a < 1) {
    if (a === 0) return 0;
    scale *= Math.pow(1 - uniform(), r(1 / a));
    a = r(a + 1);
  }
  const d = float32 ? f32(a - F_THIRD) : a - F_THIRD;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let y: number;
    do {
      x = normalSampleDouble(gen, 0, 1);
      y = 1 + c * x;
    } while (y <= 0);
    const v = y * y * y;
    const u = 1 - uniform();
    const xx = x * x;
    if (u < 1 - F_0331 * xx * xx) return r(scale * d * v);
    if (Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) return r(scale * d * v);
  }
}

/** torch._standard_gamma's values: one draw per element of alpha (row-major), clamped to the dtype's smallest normal. */
export function standardGammaValues(alpha: Tensor, gen: Generator = getDefaultGenerator()): Tensor {
  const a = asNumbers(alpha.contiguous().toTypedArray());
  const float32 = alpha.dtype === 'float32';
  const out = new (float32 ? Float32Array : Float64Array)(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.max(float32 ? FLT_MIN : DBL_MIN, sampleGamma(a[i], float32, gen));
  return Tensor.fromData(out, alpha.dtype, alpha.shape.slice());
}

/**
 * torch._sample_dirichlet: Gamma draws in double (alpha cast to double), normalized over the
 * last dim, then clamped into [smallest normal, the float just below 1] in alpha's dtype.
 */
export function sampleDirichletValues(alpha: Tensor, gen: Generator = getDefaultGenerator()): Tensor {
  const a = asNumbers(alpha.contiguous().toTypedArray());
  const k = alpha.shape[alpha.dim() - 1];
  const g = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) g[i] = Math.max(DBL_MIN, sampleGamma(a[i], false, gen));
  const float32 = alpha.dtype === 'float32';
  const out = new (float32 ? Float32Array : Float64Array)(a.length);
  const max = float32 ? 1 - 2 ** -24 : 1 - 2 ** -53;
  const min = float32 ? FLT_MIN : DBL_MIN;
  for (let row = 0; row < a.length; row += k) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += g[row + j];
    for (let j = 0; j < k; j++) {
      const v = float32 ? f32(g[row + j] / sum) : g[row + j] / sum;
      out[row + j] = Math.min(max, Math.max(min, v));
    }
  }
  return Tensor.fromData(out, alpha.dtype, alpha.shape.slice());
}

const PSI_10 = 2.25175258906672110764;
const DIGAMMA_A = [8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3, -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3, 8.33333333333333333333e-2];

export function digammaOne(x0: number): number {
  let x = x0;
  if (x === 0) return Infinity;
  let extra = 0;
  if (x < 0) {
    if (x === Math.floor(x)) return Infinity;
    extra = -Math.PI / Math.tan(Math.PI * x);
    x = 1 - x;
  }
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  if (x === 10) return result + PSI_10 + extra;
  let y = 0;
  if (x < 1e17) {
    const z = 1 / (x * x);
    let p = 0;
    for (const c of DIGAMMA_A) p = p * z + c;
    y = z * p;
  }
  return result + Math.log(x) - 0.5 / x - y + extra;
}

const COEF_UV = [
  [0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084],
  [0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915, -0.00058392623],
  [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-7],
];

/** d x / d alpha for x ~ Gamma(alpha, 1): -(d/dalpha cdf(x; alpha)) / pdf(x; alpha), ATen's three regimes. */
function standardGammaGradOne(alpha: number, x: number): number {
  if (x < 0.8) {
    let numer = 1;
    let denom = alpha;
    let series1 = numer / denom;
    let series2 = numer / (denom * denom);
    for (let i = 1; i <= 5; i++) {
      numer *= -x / i;
      denom += 1;
      series1 += numer / denom;
      series2 += numer / (denom * denom);
    }
    const powXAlpha = Math.pow(x, alpha);
    const gammaPdf = Math.pow(x, alpha - 1) * Math.exp(-x);
    const gammaCdf = powXAlpha * series1;
    const gammaCdfAlpha = (Math.log(x) - digammaOne(alpha)) * gammaCdf - powXAlpha * series2;
    const result = -gammaCdfAlpha / gammaPdf;
    return Number.isNaN(result) ? 0 : result;
  }
  if (alpha > 8) {
    if (0.9 * alpha <= x && x <= 1.1 * alpha) {
      const numer1 = 1 + 24 * alpha * (1 + 12 * alpha);
      const numer2 = 1440 * (alpha * alpha) + 6 * x * (53 - 120 * x) - (65 * x * x) / alpha + alpha * (107 + 3600 * x);
      const denom = 1244160 * (alpha * alpha) * (alpha * alpha);
      return (numer1 * numer2) / denom;
    }
    const denom = Math.sqrt(8 * alpha);
    const term2 = denom / (alpha - x);
    const term3 = Math.pow(x - alpha - alpha * Math.log(x / alpha), -1.5);
    const term23 = x < alpha ? term2 - term3 : term2 + term3;
    const term1 = Math.log(x / alpha) * term23 - (Math.sqrt(2 / alpha) * (alpha + x)) / ((alpha - x) * (alpha - x));
    const stirling = 1 + (1 / (12 * alpha)) * (1 + 1 / (24 * alpha));
    return (-stirling * (x * term1)) / denom;
  }
  const u = Math.log(x / alpha);
  const v = Math.log(alpha);
  const cv = COEF_UV[0].map((c0, i) => c0 + u * (COEF_UV[1][i] + u * COEF_UV[2][i]));
  const p = cv[0] + v * (cv[1] + v * (cv[2] + v * cv[3]));
  const q = cv[4] + v * (cv[5] + v * (cv[6] + v * cv[7]));
  return Math.exp(p / q);
}

/** torch._standard_gamma_grad(alpha, x), elementwise (alpha and x of one shape). */
export function standardGammaGrad(alpha: Tensor, x: Tensor): Tensor {
  const a = asNumbers(alpha.contiguous().toTypedArray());
  const xs = asNumbers(x.contiguous().toTypedArray());
  const dtype: DType = alpha.dtype;
  const out = new (dtype === 'float32' ? Float32Array : Float64Array)(a.length);
  for (let i = 0; i < a.length; i++) out[i] = standardGammaGradOne(a[i], xs[i]);
  return Tensor.fromData(out, dtype, alpha.shape.slice());
}

/** torch._standard_gamma as a differentiable function of alpha (StandardGammaBackward0). */
export class StandardGamma extends Function {
  static forward(ctx: FunctionCtx, alpha: Tensor): Tensor {
    const x = standardGammaValues(alpha);
    ctx.saveForBackward(alpha, x);
    return x;
  }
  static backward(ctx: FunctionCtx, grad: Tensor | null): Tensor | null {
    const [alpha, x] = ctx.savedTensors;
    return grad === null ? null : grad.mul(standardGammaGrad(alpha, x));
  }
}
