// In-place random fills (uniform_, normal_, bernoulli_, random_), drawing from
// PyTorch's generator in the same order as PyTorch, and torch.bernoulli.
import { allocate, allocateForOverwrite, getDefaultDtype, isFloatingDtype, type TypedArray } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { broadcastShapes } from '../tensor/shape.js';
import { bernoulliFill, Generator, getDefaultGenerator, normalFill, normalSampleDouble, randintFill, uniformFill, uniformSample } from '../tensor/random.js';
import { memoryOrder } from '../tensor/memory-format.js';
import { multinomial as multinomialIndices } from '../tensor/multinomial.js';
import { Tensor } from '../tensor/tensor.js';
import { inplace } from './inplace.js';
import { castRaw } from './kernels.js';
import { needsGrad, record } from './record.js';
import { asNumbers } from '../tensor/dtype.js';
import {
  bool, check, deviceArg, dtype as dtypeArg, either, instance, int, intList, nullable, number, signature, tensor as tensorArg, type ArgsOf,
} from '../tensor/args.js';
import { tensorOp } from './op-args.js';


/**
 * Replaces self's values with `fill`'s output, written in self's memory order (as
 * PyTorch's TensorIterator visits a transposed or channels-last tensor): straight into
 * self's memory when self is contiguous and nothing is recorded (init under noGrad: no
 * temporary the size of the weight, no copy).
 */
function refill(self: Tensor, fill: (data: TypedArray) => void, reads: readonly Tensor[] = []): Tensor {
  const order = memoryOrder(self.shape, self.strides);
  return inplace(
    self,
    reads,
    (s) => {
      const data = allocate(s.dtype, s.numel());
      fill(data);
      if (order === null) return Tensor.fromData(data, s.dtype, s.shape.slice());
      const inverse = order.map((_, d) => order.indexOf(d));
      return Tensor.fromData(data, s.dtype, order.map((d) => s.shape[d])).permute(inverse);
    },
    { dtype: self.dtype, write: fill },
  );
}

/** t's values in self's memory order (see refill), contiguous. */
function inMemoryOrderOf(self: Tensor, t: Tensor): Tensor {
  const order = memoryOrder(self.shape, self.strides);
  return (order === null ? t : t.permute(order)).contiguous();
}

function requireFloat(t: Tensor, op: string): void {
  if (!isFloatingDtype(t.dtype)) throw new TypeError(`${op} only supports floating-point dtypes (got ${t.dtype})`);
}

function uniformImpl(self: Tensor, from: number, to: number, gen: Generator): Tensor {
  requireFloat(self, 'uniform_');
  if (from > to) throw new RangeError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  return refill(self, (d) => uniformFill(d, self.dtype, from, to, gen));
}

function normalImpl(self: Tensor, mean: number, std: number, gen: Generator): Tensor {
  requireFloat(self, 'normal_');
  if (std < 0) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  if (!self.isContiguous()) {
    // Non-contiguous targets draw element by element (normal_distribution<double>), as PyTorch.
    return refill(self, (d) => {
      for (let i = 0; i < d.length; i++) d[i] = normalSampleDouble(gen, mean, std);
    });
  }
  return refill(self, (d) => normalFill(d, self.dtype, mean, std, gen));
}

/** bernoulli_(p): 1 with probability p (a number, or a tensor of per-element probabilities). */
function bernoulliImpl(self: Tensor, p: number | Tensor, gen: Generator): Tensor {
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
    return refill(self, (d) => bernoulliFill(d, self.dtype, p, gen));
  }
  // Float probabilities are read where they are (no copy when p already has self's shape).
  const pe = inMemoryOrderOf(self, p.dtype === 'float32' || p.dtype === 'float64' ? p.expand(self.shape) : castRaw(p.expand(self.shape), 'float64'));
  const probs = pe.buffer.subarray(pe.offset, pe.offset + pe.numel()) as Float32Array | Float64Array;
  for (let i = 0; i < probs.length; i++) {
    // ATen's bernoulli_distribution checks each p (NaN included); checked here before self is touched.
    if (!(probs[i] >= 0 && probs[i] <= 1)) throw new RangeError(`bernoulli_ expects all elements of p to be in [0, 1], but got p=${probs[i]}`);
  }
  // ATen draws bernoulli_distribution<double> (53-bit uniforms) for float64 p, <float> otherwise:
  // the uniform_(0, 1) stream of that dtype, drawn in bulk, then compared element by element.
  const drawDtype = p.dtype === 'float64' ? 'float64' : 'float32';
  return refill(
    self,
    (d) => {
      const u = allocateForOverwrite(drawDtype, d.length);
      uniformFill(u, drawDtype, 0, 1, gen);
      if (d instanceof BigInt64Array) for (let i = 0; i < d.length; i++) d[i] = u[i] < probs[i] ? 1n : 0n;
      else for (let i = 0; i < d.length; i++) d[i] = u[i] < probs[i] ? 1 : 0;
    },
    [p],
  );
}

/** One uniform double in [0, 1) from the 53-bit stream (uniform_real_distribution<double>). */
const uniformDouble = (gen: Generator) => uniformSample(gen, 'float64', 0, 1);

/**
 * The other distributions of Tensor's in-place samplers, each one double draw per element
 * transformed as PyTorch's at::*_distribution<double> (then rounded to self's dtype).
 */
function exponentialImpl(self: Tensor, lambd: number, gen: Generator): Tensor {
  requireFloat(self, 'exponential_');
  if (!(lambd > 0)) throw new RangeError(`exponential_ expects lambda > 0.0, but found lambda=${lambd}`);
  return refill(self, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = -Math.log1p(-uniformDouble(gen)) / lambd;
  });
}

function cauchyImpl(self: Tensor, median: number, sigma: number, gen: Generator): Tensor {
  requireFloat(self, 'cauchy_');
  return refill(self, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = median + sigma * Math.tan(Math.PI * (uniformDouble(gen) - 0.5));
  });
}

function geometricImpl(self: Tensor, p: number, gen: Generator): Tensor {
  if (!(p > 0 && p < 1)) throw new RangeError(`geometric_ expects p to be in (0, 1), but got p=${p}`);
  return refill(self, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = Math.ceil(Math.log(uniformDouble(gen)) / Math.log1p(-p));
  });
}

function logNormalImpl(self: Tensor, mean: number, std: number, gen: Generator): Tensor {
  requireFloat(self, 'log_normal_');
  if (!(std > 0)) throw new RangeError(`log_normal_ expects std > 0.0, but found std=${std}`);
  return refill(self, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = Math.exp(normalSampleDouble(gen, mean, std));
  });
}

/**
 * torch.multinomial: `numSamples` category indices per row of `input` (1-D or 2-D
 * weights), drawn as PyTorch draws from float64 weights (WeightedRandomSampler's case;
 * float32 weights are drawn the same way, so their numbers can differ from PyTorch's).
 */
function multinomialImpl(input: Tensor, numSamples: number, replacement: boolean, gen: Generator): Tensor {
  if (input.dim() < 1 || input.dim() > 2) throw new RangeError(`prob_dist must be 1 or 2 dim, got ${input.dim()}`);
  if (numSamples <= 0) throw new RangeError(`cannot sample n_sample <= 0 samples (got ${numSamples})`);
  const rows = input.dim() === 1 ? [input] : input.unbind(0);
  const float32 = input.dtype === 'float32';
  const out = rows.flatMap((row) => multinomialIndices(Array.from(asNumbers(row.toTypedArray())), numSamples, replacement, gen, float32));
  return Tensor.fromData(Float64Array.from(out), 'int64', input.dim() === 1 ? [numSamples] : [rows.length, numSamples]);
}

// --- PyTorch's signatures (aten::normal_(self, float mean=0., float std=1., *, Generator? generator=None), …) ---

const generator = ['generator', nullable(instance(Generator, 'torch.Generator')), null] as const;
const gen = (g: Generator | null): Generator => g ?? getDefaultGenerator();
const intScalar = check<number | bigint>('an int', (v) => Number.isInteger(v) || typeof v === 'bigint');

const uniformOp = tensorOp('uniform_', [['from', number, 0], ['to', number, 1], '*', generator] as const, (x, a) => uniformImpl(x, a.from, a.to, gen(a.generator)));
const normalOp = tensorOp('normal_', [['mean', number, 0], ['std', number, 1], '*', generator] as const, (x, a) => normalImpl(x, a.mean, a.std, gen(a.generator)));
const bernoulliInplaceOp = tensorOp('bernoulli_', [['p', either(number, tensorArg), 0.5], '*', generator] as const, (x, a) => bernoulliImpl(x, a.p, gen(a.generator)));
const exponentialOp = tensorOp('exponential_', [['lambd', number, 1], '*', generator] as const, (x, a) => exponentialImpl(x, a.lambd, gen(a.generator)));
const cauchyOp = tensorOp('cauchy_', [['median', number, 0], ['sigma', number, 1], '*', generator] as const, (x, a) => cauchyImpl(x, a.median, a.sigma, gen(a.generator)));
const geometricOp = tensorOp('geometric_', [['p', number], '*', generator] as const, (x, a) => geometricImpl(x, a.p, gen(a.generator)));
const logNormalOp = tensorOp('logNormal_', [['mean', number, 1], ['std', number, 2], '*', generator] as const, (x, a) => logNormalImpl(x, a.mean, a.std, gen(a.generator)));
const multinomialOp = tensorOp('multinomial', [['numSamples', int], ['replacement', bool, false], '*', generator] as const, (x, a) => multinomialImpl(x, a.numSamples, a.replacement, gen(a.generator)));
// random_(from, to) / random_(to) as PyTorch's two overloads: one number is `to`; by name
// both, or `to` alone. random_() and random_(from=…) alone (to the dtype's limit) are not supported.
const randomOp = tensorOp('random_', [['from', nullable(intScalar), null], ['to', nullable(intScalar), null], '*', generator] as const, (x, a) => {
  if (a.from === null) throw new TypeError('random_(): give the range: random_(to), random_(from, to) or { from, to }; random_() without a range is not supported');
  const [low, high] = a.to === null ? [0, a.from] : [a.from, a.to];
  return refill(x, (d) => randintFill(d, low, high, gen(a.generator)));
});
// torch.bernoulli(input, p=None, *, generator): without p, input holds the probabilities.
const bernoulliOp = tensorOp('bernoulli', [['p', nullable(either(number, tensorArg)), null], '*', generator] as const, (x, a) => {
  const out = Tensor.empty(x.shape.slice(), isFloatingDtype(x.dtype) ? x.dtype : getDefaultDtype());
  return bernoulliImpl(out, a.p ?? x, gen(a.generator));
});

export const uniform_ = uniformOp.fn;
export const normal_ = normalOp.fn;
export const bernoulli_ = bernoulliInplaceOp.fn;
export const exponential_ = exponentialOp.fn;
export const cauchy_ = cauchyOp.fn;
export const geometric_ = geometricOp.fn;
export const logNormal_ = logNormalOp.fn;
export const random_ = randomOp.fn;
export const multinomial = multinomialOp.fn;
export const bernoulli = bernoulliOp.fn;

/** torch.normal's backward: zero for mean and std, as PyTorch (the draw is not reparameterized). */
class NormalBackward extends Node {
  constructor(
    readonly name: string,
    private readonly inputs: readonly Tensor[],
  ) {
    super();
  }
  backward(): (Tensor | null)[] {
    return this.inputs.map((t) => Tensor.fromData(allocate(t.dtype, t.numel()), t.dtype, t.shape.slice()));
  }
}

/**
 * torch.normal: normal(mean, std) with a tensor mean and/or std (one draw per element of
 * their broadcast shape), or normal(mean, std, size) with numbers. Drawn as PyTorch draws:
 * standard normals (or N(0, std) for a number std) in the output's order, then scaled and shifted.
 */
const normalArgs = signature('normal', [
  ['mean', either(number, tensorArg)], ['std', either(number, tensorArg), 1], ['size', nullable(intList), null],
  '*', generator, ['dtype', nullable(dtypeArg), null], ['device', nullable(deviceArg), null], ['requiresGrad', bool, false],
] as const);

export function normal(...args: ArgsOf<typeof normalArgs>): Tensor {
  const { mean, std, size, generator, dtype, requiresGrad } = normalArgs.parse(args);
  if (!(mean instanceof Tensor) && !(std instanceof Tensor)) {
    if (size === null) {
      throw new TypeError('normal(mean, std) with two numbers needs a size: torch.normal(mean, std, size), e.g. torch.normal(0, 1, [2, 3])');
    }
    const out = Tensor.empty(size.slice(), dtype ?? getDefaultDtype());
    normalImpl(out, mean, std, gen(generator));
    return requiresGrad ? out.requiresGrad_() : out;
  }
  if (size !== null) throw new TypeError('normal(): a size is only accepted with a number mean and std; the tensor gives the shape');
  if (dtype !== null || requiresGrad) throw new TypeError('normal(): dtype and requiresGrad are only accepted with a number mean and std');
  if (typeof std === 'number' && std < 0) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  if (std instanceof Tensor && std.lt(0).any().item()) throw new RangeError('normal expects all elements of std >= 0.0');
  const like = (mean instanceof Tensor ? mean : std) as Tensor;
  if (!isFloatingDtype(like.dtype)) throw new TypeError(`normal is not implemented for ${like.dtype} tensors; pass a floating-point mean/std`);
  const shape = mean instanceof Tensor && std instanceof Tensor ? broadcastShapes(mean.shape, std.shape) : like.shape;
  const out = Tensor.empty(shape.slice(), like.dtype);
  let node: string;
  if (typeof std === 'number') {
    node = 'NormalBackward1';
    normalImpl(out, 0, std, gen(generator)).add_((mean as Tensor).detach());
  } else {
    node = mean instanceof Tensor ? 'NormalBackward3' : 'NormalBackward2';
    normalImpl(out, 0, 1, gen(generator)).mul_(std.detach()).add_(mean instanceof Tensor ? mean.detach() : mean);
  }
  const inputs = [mean, std].filter((t): t is Tensor => t instanceof Tensor);
  if (needsGrad(...inputs)) record(new NormalBackward(node, inputs), inputs, [out]);
  return out;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    uniform_(...args: Parameters<typeof uniformOp.method>): Tensor;
    normal_(...args: Parameters<typeof normalOp.method>): Tensor;
    bernoulli_(...args: Parameters<typeof bernoulliInplaceOp.method>): Tensor;
    random_(...args: Parameters<typeof randomOp.method>): Tensor;
    exponential_(...args: Parameters<typeof exponentialOp.method>): Tensor;
    cauchy_(...args: Parameters<typeof cauchyOp.method>): Tensor;
    geometric_(...args: Parameters<typeof geometricOp.method>): Tensor;
    logNormal_(...args: Parameters<typeof logNormalOp.method>): Tensor;
    /** Samples 0/1 with self's values (or p) as probabilities (torch.bernoulli). */
    bernoulli(...args: Parameters<typeof bernoulliOp.method>): Tensor;
    multinomial(...args: Parameters<typeof multinomialOp.method>): Tensor;
  }
}

const P = Tensor.prototype;
P.uniform_ = uniformOp.method;
P.normal_ = normalOp.method;
P.bernoulli_ = bernoulliInplaceOp.method;
P.random_ = randomOp.method;
P.exponential_ = exponentialOp.method;
P.cauchy_ = cauchyOp.method;
P.geometric_ = geometricOp.method;
P.logNormal_ = logNormalOp.method;
P.bernoulli = bernoulliOp.method;
P.multinomial = multinomialOp.method;
