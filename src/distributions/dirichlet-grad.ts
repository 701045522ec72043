// The reparameterized gradient of Dirichlet draws: ATen's dirichlet_grad_one
// (aten/src/ATen/native/Distributions.h), -(d/dalpha cdf(x; alpha, total - alpha)) / pdf / (1 - x)
// of the Beta marginal, by three asymptotic expansions and a rational correction; computed
// in double here (ATen mixes the tensor's dtype and double: within 1e-4 of PyTorch's float32).
import { Function, type FunctionCtx } from '../autograd/function.js';
import { asNumbers } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { digammaOne, sampleDirichletValues } from './gamma-sampler.js';

function betaGradAlphaSmall(x: number, alpha: number, beta: number): number {
  const factor = digammaOne(alpha) - digammaOne(alpha + beta) - Math.log(x);
  let numer = 1;
  let series = (numer / alpha) * (factor + 1 / alpha);
  for (let i = 1; i <= 10; i++) {
    numer *= ((i - beta) * x) / i;
    const denom = alpha + i;
    series += (numer / denom) * (factor + 1 / denom);
  }
  const result = x * Math.pow(1 - x, -beta) * series;
  return Number.isNaN(result) ? 0 : result;
}

function betaGradBetaSmall(x: number, alpha: number, beta: number): number {
  const factor = digammaOne(alpha + beta) - digammaOne(beta);
  let numer = 1;
  let betas = 1;
  let dbetas = 0;
  let series = factor / alpha;
  for (let i = 1; i <= 8; i++) {
    numer *= -x / i;
    dbetas = dbetas * (beta - i) + betas;
    betas = betas * (beta - i);
    series += (numer / (alpha + i)) * (dbetas + factor * betas);
  }
  const result = -Math.pow(1 - x, 1 - beta) * series;
  return Number.isNaN(result) ? 0 : result;
}

function betaGradAlphaMid(x: number, alpha: number, beta: number): number {
  const total = alpha + beta;
  const mean = alpha / total;
  const std = Math.sqrt((alpha * beta) / (total + 1)) / total;
  if (mean - 0.1 * std <= x && x <= mean + 0.1 * std) {
    const poly =
      47 * x * (beta * beta) * (beta * beta) +
      alpha *
        ((43 + 20 * (16 + 27 * beta) * x) * (beta * beta) * beta +
          alpha * (3 * (59 + 180 * beta - 90 * x) * (beta * beta) + alpha * ((453 + 1620 * beta * (1 - x) - 455 * x) * beta + alpha * (8 * (1 - x) * (135 * beta - 11)))));
    const prefactorNum = ((1 + 12 * alpha) * (1 + 12 * beta)) / (total * total);
    const prefactorDen = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total);
    return ((prefactorNum / (1 - x)) * poly) / prefactorDen;
  }
  const prefactor = -x / Math.sqrt((2 * alpha * beta) / total);
  const stirling =
    ((1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha)) * (1 + 1 / (12 * beta) + 1 / (288 * beta * beta))) / (1 + 1 / (12 * total) + 1 / (288 * total * total));
  const term1Num = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * (beta * beta);
  const axbx = alpha * (x - 1) + beta * x;
  const term1Den = Math.sqrt((2 * alpha) / beta) * Math.pow(total, 1.5) * axbx * axbx;
  const term1 = term1Num / term1Den;
  const term2 = 0.5 * Math.log(alpha / (total * x));
  const term3 = Math.sqrt((8 * alpha * beta) / total) / (beta * x + alpha * (x - 1));
  const term4 = Math.pow(beta * Math.log(beta / (total * (1 - x))) + alpha * Math.log(alpha / (total * x)), -1.5);
  const term1234 = term1 + term2 * (term3 + (x < mean ? term4 : -term4));
  return stirling * prefactor * term1234;
}

const C = [
  [
    [[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863], [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033], [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
    [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814], [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057], [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-5]],
    [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565], [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181], [0.005900514878, -0.001936558688, -9.495446725e-6, 5.385558597e-5]],
  ],
  [
    [[1, -0.02924021934, -0.04438342661, 0.007285809825], [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521], [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
    [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273], [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956], [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-5]],
    [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-5], [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-5], [-0.0003477407336, 6.959756487e-5, 1.097287507e-5, -1.650964693e-6]],
  ],
];

function dirichletGradOne(x: number, alpha: number, total: number): number {
  const beta = total - alpha;
  const boundary = total * x * (1 - x);
  if (x <= 0.5 && boundary < 2.5) return betaGradAlphaSmall(x, alpha, beta);
  if (x >= 0.5 && boundary < 0.75) return -betaGradBetaSmall(1 - x, beta, alpha);
  if (alpha > 6 && beta > 6) return betaGradAlphaMid(x, alpha, beta);
  const u = Math.log(x);
  const a = Math.log(alpha) - u;
  const b = Math.log(total) - a;
  const powU = [1, u, u * u];
  const powA = [1, a, a * a];
  let p = 0;
  let q = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const ua = powU[i] * powA[j];
      const c0 = C[0][i][j];
      const c1 = C[1][i][j];
      p += ua * (c0[0] + b * (c0[1] + b * (c0[2] + b * c0[3])));
      q += ua * (c1[0] + b * (c1[1] + b * (c1[2] + b * c1[3])));
    }
  }
  const approx = (x * (digammaOne(total) - digammaOne(alpha))) / beta;
  return (p / q) * approx;
}

/** torch._dirichlet_grad(x, alpha, total), elementwise. */
export function dirichletGrad(x: Tensor, alpha: Tensor, total: Tensor): Tensor {
  const xs = asNumbers(x.contiguous().toTypedArray());
  const as = asNumbers(alpha.contiguous().toTypedArray());
  const ts = asNumbers(total.contiguous().toTypedArray());
  const out = new (x.dtype === 'float32' ? Float32Array : Float64Array)(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = dirichletGradOne(xs[i], as[i], ts[i]);
  return Tensor.fromData(out, x.dtype, x.shape.slice());
}

/** PyTorch's _Dirichlet autograd function: the draw forward, dirichlet_grad backward. */
export class DirichletSample extends Function {
  static forward(ctx: FunctionCtx, concentration: Tensor): Tensor {
    const x = sampleDirichletValues(concentration);
    ctx.saveForBackward(x, concentration);
    return x;
  }
  static backward(ctx: FunctionCtx, grad: Tensor | null): Tensor | null {
    if (grad === null) return null;
    const [x, concentration] = ctx.savedTensors;
    const total = concentration.sum(-1, { keepdim: true }).expand(concentration.shape);
    const g = dirichletGrad(x, concentration, total);
    return g.mul(grad.sub(x.mul(grad).sum(-1, { keepdim: true })));
  }
}
