// Elementwise ops of one tensor: each entry is the op's kernel, its PyTorch node name,
// what it saves and its derivative, written with differentiable ops.
import { backend, type BinaryOp, type UnaryOp } from '../backend/index.js';
import { int, signature, tensor as tensorArg } from '../tensor/args.js';
import { floatResult, isFloatingDtype, scalarTypeName, type DType, type TypedArray } from '../tensor/dtype.js';
import { isGradEnabled, Node } from '../tensor/graph.js';
import { zerosLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { inplace } from './inplace.js';
import { binaryKernel, unaryKernel } from './kernels.js';
import { needsGrad, record } from './record.js';
import { outArg, writeOut } from './out.js';

type Saves = 'input' | 'result' | 'none';

interface UnarySpec {
  node: string;
  /** Integer inputs give a default-float result (exp, sqrt, …). */
  float?: boolean;
  saves: Saves;
  /** d(op)/dx times g; `s` is the saved input or result. */
  grad: (g: Tensor, s: Tensor) => Tensor;
}

/**
 * A fused backward kernel, or (when the backward itself is being recorded, i.e.
 * createGraph) the same formula as differentiable ops.
 */
export function fused(op: BinaryOp, g: Tensor, s: Tensor, composed: () => Tensor, args?: readonly number[]): Tensor {
  if (isGradEnabled()) return composed();
  return binaryKernel(op, g, s, g.dtype, g.dtype, 1, args);
}

/**
 * The backward of a piecewise-linear op (relu, leaky_relu, threshold, hardtanh): g times a
 * factor that depends only on which piece s lies in. With createGraph it is recorded as
 * PyTorch's `node` (ThresholdBackwardBackward0, …): linear in g, so g's gradient is this same
 * op of the incoming one, and s gets zeros (PyTorch's zeros_like, a gradient rather than none).
 */
export function piecewiseLinearBackward(op: BinaryOp, g: Tensor, s: Tensor, node: string, args?: readonly number[]): Tensor {
  const out = binaryKernel(op, g, s, g.dtype, g.dtype, 1, args);
  if (needsGrad(g, s)) record(new PiecewiseLinearBackward(node, op, args), [g, s], [out]).save(s);
  return out;
}

class PiecewiseLinearBackward extends Node {
  constructor(
    readonly name: string,
    private readonly op: BinaryOp,
    private readonly args: readonly number[] | undefined,
  ) {
    super();
  }
  backward([gg]: (Tensor | null)[]): (Tensor | null)[] {
    const [s] = this.saved();
    return [piecewiseLinearBackward(this.op, gg as Tensor, s, this.name, this.args), zerosLike(s)];
  }
}

const zeros = (g: Tensor) => g.mul(0);

const SPECS = {
  neg: { node: 'NegBackward0', saves: 'none', grad: (g) => g.neg() },
  abs: { node: 'AbsBackward0', saves: 'input', grad: (g, x) => g.mul(x.sign()) },
  sign: { node: 'SignBackward0', saves: 'none', grad: zeros },
  floor: { node: 'FloorBackward0', saves: 'none', grad: zeros },
  ceil: { node: 'CeilBackward0', saves: 'none', grad: zeros },
  round: { node: 'RoundBackward0', saves: 'none', grad: zeros },
  trunc: { node: 'TruncBackward0', saves: 'none', grad: zeros },
  frac: { node: 'FracBackward0', saves: 'none', grad: (g) => g },
  exp: { node: 'ExpBackward0', float: true, saves: 'result', grad: (g, r) => g.mul(r) },
  expm1: { node: 'Expm1Backward0', float: true, saves: 'result', grad: (g, r) => g.mul(r.add(1)) },
  log: { node: 'LogBackward0', float: true, saves: 'input', grad: (g, x) => g.div(x) },
  log1p: { node: 'Log1PBackward0', float: true, saves: 'input', grad: (g, x) => g.div(x.add(1)) },
  log2: { node: 'Log2Backward0', float: true, saves: 'input', grad: (g, x) => g.div(x.mul(Math.LN2)) },
  log10: { node: 'Log10Backward0', float: true, saves: 'input', grad: (g, x) => g.div(x.mul(Math.LN10)) },
  sqrt: { node: 'SqrtBackward0', float: true, saves: 'result', grad: (g, r) => g.div(r.mul(2)) },
  rsqrt: { node: 'RsqrtBackward0', float: true, saves: 'result', grad: (g, r) => g.mul(r.pow(3)).mul(-0.5) },
  reciprocal: { node: 'ReciprocalBackward0', float: true, saves: 'result', grad: (g, r) => g.neg().mul(r.mul(r)) },
  sin: { node: 'SinBackward0', float: true, saves: 'input', grad: (g, x) => g.mul(x.cos()) },
  cos: { node: 'CosBackward0', float: true, saves: 'input', grad: (g, x) => g.mul(x.sin().neg()) },
  tan: { node: 'TanBackward0', float: true, saves: 'result', grad: (g, r) => g.mul(r.mul(r).add(1)) },
  asin: { node: 'AsinBackward0', float: true, saves: 'input', grad: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()) },
  acos: { node: 'AcosBackward0', float: true, saves: 'input', grad: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()).neg() },
  atan: { node: 'AtanBackward0', float: true, saves: 'input', grad: (g, x) => g.div(x.mul(x).add(1)) },
  sinh: { node: 'SinhBackward0', float: true, saves: 'input', grad: (g, x) => g.mul(x.cosh()) },
  cosh: { node: 'CoshBackward0', float: true, saves: 'input', grad: (g, x) => g.mul(x.sinh()) },
  tanh: {
    node: 'TanhBackward0', float: true, saves: 'result',
    grad: (g, r) => fused('tanhBackward', g, r, () => g.mul(r.mul(r).neg().add(1))),
  },
  sigmoid: {
    node: 'SigmoidBackward0', float: true, saves: 'result',
    grad: (g, r) => fused('sigmoidBackward', g, r, () => g.mul(r.neg().add(1)).mul(r)),
  },
  erf: { node: 'ErfBackward0', float: true, saves: 'input', grad: (g, x) => g.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI))) },
  erfinv: { node: 'ErfinvBackward0', float: true, saves: 'result', grad: (g, r) => g.mul(r.mul(r).exp().mul(Math.sqrt(Math.PI) / 2)) },
  relu: {
    node: 'ReluBackward0', saves: 'result',
    grad: (g, r) => piecewiseLinearBackward('thresholdBackward', g, r, 'ThresholdBackwardBackward0', [0]),
  },
  silu: {
    node: 'SiluBackward0', float: true, saves: 'input',
    grad: (g, x) => fused('siluBackward', g, x, () => {
      const s = x.sigmoid();
      return g.mul(s).mul(x.mul(s.neg().add(1)).add(1));
    }),
  },
  gelu: {
    node: 'GeluBackward0', float: true, saves: 'input',
    grad: (g, x) => fused('geluBackward', g, x, () => {
      const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
      const pdf = x.mul(x).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
      return g.mul(cdf.add(x.mul(pdf)));
    }),
  },
  logSigmoid: {
    node: 'LogSigmoidBackward0', float: true, saves: 'input',
    grad: (g, x) => fused('logSigmoidBackward', g, x, () => g.mul(x.neg().sigmoid())),
  },
  // PyTorch's softsign is x / (x.abs() + 1) in Python: its gradient is the sum of that
  // graph's two paths, g / d and -g * ((x / d) / d) * sgn(x), rounded as they round.
  softsign: {
    node: 'DivBackward0', float: true, saves: 'input',
    grad: (g, x) => {
      const d = x.abs().add(1);
      return g.div(d).add(g.neg().mul(x.div(d).div(d)).mul(x.sign()));
    },
  },
  hardsigmoid: {
    node: 'HardsigmoidBackward0', float: true, saves: 'input',
    grad: (g, x) => fused('hardsigmoidBackward', g, x, () => g.mul(x.gt(-3).logicalAnd(x.lt(3))).div(6)),
  },
  hardswish: {
    node: 'HardswishBackward0', float: true, saves: 'input',
    grad: (g, x) => fused('hardswishBackward', g, x, () => g.mul(x.div(3).add(0.5).maskedFill(x.ge(3), 1).maskedFill(x.lt(-3), 0))),
  },
} satisfies Record<string, UnarySpec>;

export type UnaryName = keyof typeof SPECS;

/** Activations PyTorch offers only in nn.functional, not as tensor methods. */
const FUNCTIONAL_ONLY = ['silu', 'gelu', 'logSigmoid', 'softsign', 'hardsigmoid', 'hardswish'] as const;

class UnaryBackward extends Node {
  constructor(readonly name: string, private readonly derivative: (g: Tensor, s: Tensor) => Tensor) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [s] = this.saved();
    return [this.derivative(g as Tensor, s ?? (g as Tensor))];
  }
}

/** Applies a table op: the kernel (same name), dtype rule, and its node. */
export function applyUnary(name: UnaryName, x: Tensor): Tensor {
  const spec: UnarySpec = SPECS[name];
  const dtype: DType = spec.float ? floatResult(x.dtype) : x.dtype;
  if (x.dtype === 'bool' && !spec.float && name !== 'abs') {
    throw new TypeError(`${name}: the operation is not supported for bool tensors`);
  }
  const out = unaryKernel(name as UnaryOp, x, dtype);
  if (needsGrad(x)) {
    const node = record(new UnaryBackward(spec.node, spec.grad), [x], [out]);
    if (spec.saves === 'input') node.save(x);
    else if (spec.saves === 'result') node.save(out);
  }
  return out;
}

// --- ops of one tensor that return bool (no gradient) ---

export type PredicateName = 'isnan' | 'isinf' | 'isfinite' | 'logicalNot';

export function predicate(name: PredicateName, x: Tensor): Tensor {
  return unaryKernel(name, x, 'bool');
}

export function bitwiseNot(x: Tensor): Tensor {
  if (isFloatingDtype(x.dtype)) throw new TypeError('bitwise_not is only supported for integer and boolean tensors');
  return unaryKernel(x.dtype === 'bool' ? 'logicalNot' : 'bitwiseNot', x, x.dtype);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    neg(): Tensor;
    neg_(): Tensor;
    abs(): Tensor;
    abs_(): Tensor;
    sign(): Tensor;
    sign_(): Tensor;
    floor(): Tensor;
    floor_(): Tensor;
    ceil(): Tensor;
    ceil_(): Tensor;
    round(options?: { decimals?: number }): Tensor;
    round_(options?: { decimals?: number }): Tensor;
    trunc(): Tensor;
    trunc_(): Tensor;
    frac(): Tensor;
    frac_(): Tensor;
    exp(): Tensor;
    exp_(): Tensor;
    expm1(): Tensor;
    expm1_(): Tensor;
    log(): Tensor;
    log_(): Tensor;
    log1p(): Tensor;
    log1p_(): Tensor;
    log2(): Tensor;
    log2_(): Tensor;
    log10(): Tensor;
    log10_(): Tensor;
    sqrt(): Tensor;
    sqrt_(): Tensor;
    rsqrt(): Tensor;
    rsqrt_(): Tensor;
    reciprocal(): Tensor;
    reciprocal_(): Tensor;
    sin(): Tensor;
    sin_(): Tensor;
    cos(): Tensor;
    cos_(): Tensor;
    tan(): Tensor;
    tan_(): Tensor;
    asin(): Tensor;
    asin_(): Tensor;
    acos(): Tensor;
    acos_(): Tensor;
    atan(): Tensor;
    atan_(): Tensor;
    sinh(): Tensor;
    sinh_(): Tensor;
    cosh(): Tensor;
    cosh_(): Tensor;
    tanh(): Tensor;
    tanh_(): Tensor;
    erf(): Tensor;
    erf_(): Tensor;
    erfinv(): Tensor;
    erfinv_(): Tensor;
    sigmoid(): Tensor;
    sigmoid_(): Tensor;
    relu(): Tensor;
    relu_(): Tensor;
    isnan(): Tensor;
    isinf(): Tensor;
    isfinite(): Tensor;
    logicalNot(): Tensor;
    bitwiseNot(): Tensor;
    /** Elementwise x*x (PyTorch's square, recorded as pow(x, 2)). */
    square(): Tensor;
    square_(): Tensor;
  }
}

// The methods take no argument (round: the keyword-only decimals): anything passed is
// checked by a signature, so `x.exp(2)` or `torch.exp(x, { out })` throws instead of
// being ignored; the plain call skips the parser.
const noArgs = (name: string) => signature(name, [] as const);
/**
 * x.<name>_(): unrecorded, the kernel writes straight into a contiguous x (no temporary
 * and copy back); recorded, as inplace() does. F.relu(x, inplace=True) comes here too.
 */
export function applyUnaryInplace(name: UnaryName, x: Tensor): Tensor {
  const spec: UnarySpec = SPECS[name];
  const dtype = spec.float ? floatResult(x.dtype) : x.dtype;
  const direct = x.dtype === 'bool' ? undefined : { dtype, write: (out: TypedArray) => backend().unary(name as UnaryOp, x, out) };
  return inplace(x, [], (self) => applyUnary(name, self), direct);
}

const P = Tensor.prototype as unknown as Record<string, unknown>;
for (const name of Object.keys(SPECS) as UnaryName[]) {
  if ((FUNCTIONAL_ONLY as readonly string[]).includes(name)) continue;
  const sig = noArgs(name), sigInplace = noArgs(`${name}_`);
  P[name] = function (this: Tensor) {
    if (arguments.length !== 0) sig.parse(Array.from(arguments));
    return applyUnary(name, this);
  };
  P[`${name}_`] = function (this: Tensor) {
    if (arguments.length !== 0) sigInplace.parse(Array.from(arguments));
    return applyUnaryInplace(name, this);
  };
}
for (const name of ['isnan', 'isinf', 'isfinite', 'logicalNot'] as const) {
  P[name] = function (this: Tensor) {
    return predicate(name, this);
  };
}
P.bitwiseNot = function (this: Tensor) {
  return bitwiseNot(this);
};
P.square = function (this: Tensor) {
  return this.pow(2);
};
P.square_ = function (this: Tensor) {
  return this.pow_(2);
};

// round(input, *, decimals=0): round(x * 10^d) / 10^d in the tensor's dtype (10^-d for
// negative d), as ATen; the gradient is zero (RoundBackward1).
const roundSig = signature('round', ['*', ['decimals', int, 0]] as const);
const roundFnSig = signature('round', [['input', tensorArg], '*', ['decimals', int, 0]] as const);
function roundDecimals(x: Tensor, decimals: number): Tensor {
  if (decimals === 0) return applyUnary('round', x);
  if (!isFloatingDtype(x.dtype)) throw new TypeError(`"round_cpu" not implemented for '${scalarTypeName(x.dtype)}'`);
  const p = 10 ** Math.abs(decimals);
  const v = x.detach();
  const out = decimals > 0 ? v.mul(p).round().div(p) : v.div(p).round().mul(p);
  if (needsGrad(x)) record(new UnaryBackward('RoundBackward1', zeros), [x], [out]);
  return out;
}
P.round = function (this: Tensor) {
  return arguments.length === 0 ? applyUnary('round', this) : roundDecimals(this, roundSig.parse(Array.from(arguments)).decimals);
};
P.round_ = function (this: Tensor) {
  if (arguments.length === 0) return inplace(this, [], (self) => applyUnary('round', self));
  const { decimals } = roundSig.parse(Array.from(arguments));
  return inplace(this, [], (self) => roundDecimals(self, decimals));
};

/** torch.<op>(x) for every table op (torch.round(x, { decimals }) too). */
export const unaryFunctions = Object.fromEntries(
  (Object.keys(SPECS) as UnaryName[]).map((name) => {
    const sig = signature(name, [['input', tensorArg], '*', ['out', outArg, null]] as const);
    return [
      name,
      (...args: unknown[]) => {
        if (name === 'round' && args.length > 1) {
          const a = roundFnSig.parse(args);
          return roundDecimals(a.input, a.decimals);
        }
        if (args.length === 1 && args[0] instanceof Tensor) return applyUnary(name, args[0]);
        const p = sig.parse(args);
        return writeOut(name, p.out, [p.input], () => applyUnary(name, p.input));
      },
    ];
  }),
) as { [K in UnaryName]: (x: Tensor, options?: { out?: Tensor | null }) => Tensor } & { round: (x: Tensor, options?: { decimals?: number }) => Tensor };
