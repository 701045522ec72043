// In-place random fills (uniform_, normal_, bernoulli_, random_), drawing from
// PyTorch's generator in the same order as PyTorch, and torch.bernoulli.
import { allocate, getDefaultDtype, isFloatingDtype, type DType, type TypedArray } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { broadcastShapes } from '../tensor/shape.js';
import { bernoulliFill, getDefaultGenerator, normalFill, normalSampleDouble, randintFill, uniformFill, uniformSample, type Generator } from '../tensor/random.js';
import { multinomial as multinomialIndices } from '../tensor/multinomial.js';
import { Tensor } from '../tensor/tensor.js';
import { inplace } from './inplace.js';
import { castRaw } from './kernels.js';
import { needsGrad, record } from './record.js';
import { asNumbers } from '../tensor/dtype.js';

interface GeneratorOption {
  generator?: Generator;
}
interface RandomOptions {
  generator?: Generator | null;
  dtype?: DType;
  requiresGrad?: boolean;
}

/**
 * Replaces self's values with `fill`'s output, written in self's (contiguous) element order:
 * straight into self's memory when self is contiguous and nothing is recorded (init under
 * noGrad: no temporary the size of the weight, no copy).
 */
function refill(self: Tensor, fill: (data: TypedArray) => void, reads: readonly Tensor[] = []): Tensor {
  return inplace(
    self,
    reads,
    (s) => {
      const data = allocate(s.dtype, s.numel());
      fill(data);
      return Tensor.fromData(data, s.dtype, s.shape.slice());
    },
    { dtype: self.dtype, write: fill },
  );
}

function requireFloat(t: Tensor, op: string): void {
  if (!isFloatingDtype(t.dtype)) throw new TypeError(`${op} only supports floating-point dtypes (got ${t.dtype})`);
}

export function uniform_(self: Tensor, from = 0, to = 1, opts: GeneratorOption = {}): Tensor {
  requireFloat(self, 'uniform_');
  if (from > to) throw new RangeError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  return refill(self, (d) => uniformFill(d, self.dtype, from, to, opts.generator ?? getDefaultGenerator()));
}

export function normal_(self: Tensor, mean = 0, std = 1, opts: GeneratorOption = {}): Tensor {
  requireFloat(self, 'normal_');
  if (std < 0) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  if (!self.isContiguous()) {
    // Non-contiguous targets draw element by element (normal_distribution<double>), as PyTorch.
    const gen = opts.generator ?? getDefaultGenerator();
    return refill(self, (d) => {
      for (let i = 0; i < d.length; i++) d[i] = normalSampleDouble(gen, mean, std);
    });
  }
  return refill(self, (d) => normalFill(d, self.dtype, mean, std, opts.generator ?? getDefaultGenerator()));
}

/** bernoulli_(p): 1 with probability p (a number, or a tensor of per-element probabilities). */
export function bernoulli_(self: Tensor, p: number | Tensor = 0.5, opts: GeneratorOption = {}): Tensor {
  const gen = opts.generator ?? getDefaultGenerator();
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
    return refill(self, (d) => bernoulliFill(d, self.dtype, p, gen));
  }
  const probs = castRaw(p.expand(self.shape), 'float64').buffer;
  return refill(
    self,
    (d) => {
      for (let i = 0; i < d.length; i++) d[i] = uniformSample(gen, 'float32', 0, 1) < probs[i] ? 1 : 0;
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
export function exponential_(self: Tensor, lambd = 1, opts: GeneratorOption = {}): Tensor {
  requireFloat(self, 'exponential_');
  if (!(lambd > 0)) throw new RangeError(`exponential_ expects lambda > 0.0, but found lambda=${lambd}`);
  const gen = opts.generator ?? getDefaultGenerator();
  return refill(self, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = -Math.log1p(-uniformDouble(gen)) / lambd;
  });
}

export function cauchy_(self: Tensor, median = 0, sigma = 1, opts: GeneratorOption = {}): Tensor {
  requireFloat(self, 'cauchy_');
  const gen = opts.generator ?? getDefaultGenerator();
  return refill(self, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = median + sigma * Math.tan(Math.PI * (uniformDouble(gen) - 0.5));
  });
}

export function geometric_(self: Tensor, p: number, opts: GeneratorOption = {}): Tensor {
  if (!(p > 0 && p < 1)) throw new RangeError(`geometric_ expects p to be in (0, 1), but got p=${p}`);
  const gen = opts.generator ?? getDefaultGenerator();
  return refill(self, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = Math.ceil(Math.log(uniformDouble(gen)) / Math.log1p(-p));
  });
}

export function logNormal_(self: Tensor, mean = 1, std = 2, opts: GeneratorOption = {}): Tensor {
  requireFloat(self, 'log_normal_');
  if (!(std > 0)) throw new RangeError(`log_normal_ expects std > 0.0, but found std=${std}`);
  const gen = opts.generator ?? getDefaultGenerator();
  return refill(self, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = Math.exp(normalSampleDouble(gen, mean, std));
  });
}

/** random_(from, to) / random_(to): integers in [from, to). */
export function random_(self: Tensor, fromOrTo: number | bigint, to?: number | bigint, opts: GeneratorOption = {}): Tensor {
  const [low, high]: (number | bigint)[] = to === undefined ? [0, fromOrTo] : [fromOrTo, to];
  return refill(self, (d) => randintFill(d, low, high, opts.generator ?? getDefaultGenerator()));
}

/**
 * torch.multinomial: `numSamples` category indices per row of `input` (1-D or 2-D
 * weights), drawn as PyTorch draws from float64 weights (WeightedRandomSampler's case;
 * float32 weights are drawn the same way, so their numbers can differ from PyTorch's).
 */
export function multinomial(input: Tensor, numSamples: number, opts: GeneratorOption & { replacement?: boolean } = {}): Tensor {
  if (input.dim() < 1 || input.dim() > 2) throw new RangeError(`prob_dist must be 1 or 2 dim, got ${input.dim()}`);
  const rows = input.dim() === 1 ? [input] : input.unbind(0);
  const gen = opts.generator ?? getDefaultGenerator();
  const out = rows.flatMap((row) => multinomialIndices(Array.from(asNumbers(row.toTypedArray())), numSamples, opts.replacement ?? false, gen));
  return Tensor.fromData(Float64Array.from(out), 'int64', input.dim() === 1 ? [numSamples] : [rows.length, numSamples]);
}

/** torch.bernoulli(input): 0/1 samples with the probabilities in input. */
export function bernoulli(input: Tensor, opts: GeneratorOption = {}): Tensor {
  const out = Tensor.empty(input.shape.slice(), isFloatingDtype(input.dtype) ? input.dtype : getDefaultDtype());
  return bernoulli_(out, input, opts);
}

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
export function normal(mean: Tensor | number, std: Tensor | number = 1, sizeOrOpts?: readonly number[] | RandomOptions, maybeOpts?: RandomOptions): Tensor {
  if (!(mean instanceof Tensor) && !(std instanceof Tensor)) {
    if (!Array.isArray(sizeOrOpts)) {
      throw new TypeError('normal(mean, std) with two numbers needs a size: torch.normal(mean, std, size), e.g. torch.normal(0, 1, [2, 3])');
    }
    const opts = maybeOpts ?? {};
    const out = Tensor.empty((sizeOrOpts as readonly number[]).slice(), opts.dtype ?? getDefaultDtype());
    normal_(out, mean, std, { generator: opts.generator ?? undefined });
    return opts.requiresGrad ? out.requiresGrad_() : out;
  }
  if (Array.isArray(sizeOrOpts)) throw new TypeError('normal(): a size is only accepted with a number mean and std; the tensor gives the shape');
  const opts = (sizeOrOpts ?? {}) as RandomOptions;
  const generator = opts.generator ?? undefined;
  if (typeof std === 'number' && std < 0) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  if (std instanceof Tensor && std.lt(0).any().item()) throw new RangeError('normal expects all elements of std >= 0.0');
  const like = (mean instanceof Tensor ? mean : std) as Tensor;
  if (!isFloatingDtype(like.dtype)) throw new TypeError(`normal is not implemented for ${like.dtype} tensors; pass a floating-point mean/std`);
  const shape = mean instanceof Tensor && std instanceof Tensor ? broadcastShapes(mean.shape, std.shape) : like.shape;
  const out = Tensor.empty(shape.slice(), like.dtype);
  let node: string;
  if (typeof std === 'number') {
    node = 'NormalBackward1';
    normal_(out, 0, std, { generator }).add_((mean as Tensor).detach());
  } else {
    node = mean instanceof Tensor ? 'NormalBackward3' : 'NormalBackward2';
    normal_(out, 0, 1, { generator }).mul_(std.detach()).add_(mean instanceof Tensor ? mean.detach() : mean);
  }
  const inputs = [mean, std].filter((t): t is Tensor => t instanceof Tensor);
  if (needsGrad(...inputs)) record(new NormalBackward(node, inputs), inputs, [out]);
  return out;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    uniform_(from?: number, to?: number, opts?: GeneratorOption): Tensor;
    normal_(mean?: number, std?: number, opts?: GeneratorOption): Tensor;
    bernoulli_(p?: number | Tensor, opts?: GeneratorOption): Tensor;
    random_(fromOrTo: number | bigint, to?: number | bigint, opts?: GeneratorOption): Tensor;
    exponential_(lambd?: number, opts?: GeneratorOption): Tensor;
    cauchy_(median?: number, sigma?: number, opts?: GeneratorOption): Tensor;
    geometric_(p: number, opts?: GeneratorOption): Tensor;
    logNormal_(mean?: number, std?: number, opts?: GeneratorOption): Tensor;
    /** Samples 0/1 with self's values as probabilities (torch.bernoulli). */
    bernoulli(opts?: GeneratorOption): Tensor;
    multinomial(numSamples: number, opts?: GeneratorOption & { replacement?: boolean }): Tensor;
  }
}

const P = Tensor.prototype;
P.uniform_ = function (this: Tensor, from?: number, to?: number, opts?: GeneratorOption) {
  return uniform_(this, from, to, opts);
};
P.normal_ = function (this: Tensor, mean?: number, std?: number, opts?: GeneratorOption) {
  return normal_(this, mean, std, opts);
};
P.bernoulli_ = function (this: Tensor, p?: number | Tensor, opts?: GeneratorOption) {
  return bernoulli_(this, p, opts);
};
P.random_ = function (this: Tensor, fromOrTo: number | bigint, to?: number | bigint, opts?: GeneratorOption) {
  return random_(this, fromOrTo, to, opts);
};
P.exponential_ = function (this: Tensor, lambd?: number, opts?: GeneratorOption) {
  return exponential_(this, lambd, opts);
};
P.cauchy_ = function (this: Tensor, median?: number, sigma?: number, opts?: GeneratorOption) {
  return cauchy_(this, median, sigma, opts);
};
P.geometric_ = function (this: Tensor, p: number, opts?: GeneratorOption) {
  return geometric_(this, p, opts);
};
P.logNormal_ = function (this: Tensor, mean?: number, std?: number, opts?: GeneratorOption) {
  return logNormal_(this, mean, std, opts);
};
P.bernoulli = function (this: Tensor, opts?: GeneratorOption) {
  return bernoulli(this, opts);
};
P.multinomial = function (this: Tensor, numSamples: number, opts?: GeneratorOption & { replacement?: boolean }) {
  return multinomial(this, numSamples, opts);
};
