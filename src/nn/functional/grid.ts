// affine_grid (2-D and 3-D) as PyTorch 1.13 generates it: a base grid of normalised
// coordinates (PyTorch's linspace_from_neg_one) times theta^T, one batched matmul.
// grid_sample (2-D and 3-D) as PyTorch 1.13's CPU kernels compute it, evaluated in JS.
import { noGrad } from '../../autograd/grad-mode.js';
import { rint } from '../../backend/js/math.js';
import { needsGrad, record } from '../../ops/record.js';
import { intList, nullable, bool, signature, string, tensor, type ArgsOf } from '../../tensor/args.js';
import { linspace, ones } from '../../tensor/create.js';
import { asNumbers, isFloatingDtype, numeric, scalarTypeName } from '../../tensor/dtype.js';
import { Node } from '../../tensor/graph.js';
import { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';
import { stack } from '../../ops/join.js';

type Grad = Tensor | null;

const affineGridArgs = signature('affine_grid', [['theta', tensor], ['size', intList], ['alignCorners', nullable(bool), null]] as const);

const pyTuple = (v: readonly number[]) => `[${v.join(', ')}]`;

/** linspace_from_neg_one: n points over [-1, 1], pulled in to pixel centres without align_corners. */
function fromNegOne(theta: Tensor, n: number, alignCorners: boolean): Tensor {
  if (n <= 1) return linspace(0, 0, 1, { dtype: theta.dtype });
  const r = linspace(-1, 1, n, { dtype: theta.dtype });
  return alignCorners ? r : r.mul(n - 1).div(n);
}

/** The (prod(spatial), k + 1) base grid: x fastest, then y (then z), then a column of ones. */
function baseGrid(theta: Tensor, spatial: readonly number[], alignCorners: boolean): Tensor {
  const k = spatial.length;
  const numel = spatial.reduce((a, b) => a * b, 1);
  const cols: Tensor[] = [];
  // Coordinates in (x, y, z) order: x runs along the last spatial dim.
  for (let c = 0; c < k; c++) {
    const d = k - 1 - c;
    const shape = spatial.map((_, i) => (i === d ? spatial[d] : 1));
    cols.push(fromNegOne(theta, spatial[d], alignCorners).reshape(shape).expand(spatial.slice()).reshape([numel]));
  }
  cols.push(ones([numel], { dtype: theta.dtype }));
  return stack(cols, 1);
}

class AffineGridGeneratorBackward0 extends Node {
  readonly name = 'AffineGridGeneratorBackward0';
  constructor(private readonly base: Tensor, private readonly n: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    // grid = base @ theta^T  =>  dtheta = (g^T @ base) per batch.
    const grad = g as Tensor;
    const k = this.base.shape[1] - 1;
    const flat = grad.reshape([this.n, -1, k]);
    return [flat.transpose(1, 2).matmul(this.base)];
  }
}

/**
 * affine_grid(theta, size, align_corners=None): the sampling grid (N, H, W, 2) of a batch of
 * 2x3 matrices for size (N, C, H, W), or (N, D, H, W, 3) of 3x4 matrices for (N, C, D, H, W).
 */
export function affineGrid(...args: ArgsOf<typeof affineGridArgs>): Tensor {
  const a = affineGridArgs.parse(args);
  const { theta, size } = a;
  let alignCorners = a.alignCorners;
  if (alignCorners === null) {
    warnOnce(
      'Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details.',
    );
    alignCorners = false;
  }
  if (!theta.isFloatingPoint()) throw new TypeError(`Expected theta to have floating point type, but got ${theta.dtype}`);
  let spatial: number[];
  if (size.length === 4) {
    if (theta.dim() !== 3 || theta.shape[1] !== 2 || theta.shape[2] !== 3) {
      throw new RangeError(`Expected a batch of 2D affine matrices of shape Nx2x3 for size ${pyTuple(size)}. Got torch.Size(${pyTuple(theta.shape)}).`);
    }
    spatial = size.slice(-2);
  } else if (size.length === 5) {
    if (theta.dim() !== 3 || theta.shape[1] !== 3 || theta.shape[2] !== 4) {
      throw new RangeError(`Expected a batch of 3D affine matrices of shape Nx3x4 for size ${pyTuple(size)}. Got torch.Size(${pyTuple(theta.shape)}).`);
    }
    spatial = size.slice(-3);
  } else {
    throw new Error(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${pyTuple(size)}.`);
  }
  if (alignCorners && Math.min(...spatial) === 1) {
    warnOnce(
      'Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. This is not an intended use case of affine_grid. See the documentation of affine_grid for details.',
    );
  } else if (Math.min(...size) <= 0) {
    throw new RangeError(`Expected non-zero, positive output size. Got ${pyTuple(size)}`);
  }
  const n = size[0];
  const k = spatial.length;
  const base = baseGrid(theta, spatial, alignCorners);
  const out = noGrad(() => base.expand([n, ...base.shape]).bmm(theta.transpose(1, 2)).reshape([n, ...spatial, k]));
  if (needsGrad(theta)) record(new AffineGridGeneratorBackward0(base, n), [theta], [out]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// grid_sample

type SampleMode = 'bilinear' | 'nearest' | 'bicubic';
type PaddingMode = 'zeros' | 'border' | 'reflection';

const gridSampleArgs = signature('grid_sample', [
  ['input', tensor],
  ['grid', tensor],
  ['mode', string, 'bilinear'],
  ['paddingMode', string, 'zeros'],
  ['alignCorners', nullable(bool), null],
] as const);

/**
 * One spatial axis of the input, seen from the grid coordinate that indexes it (x: W, y: H,
 * z: D). Mirrors ATen's GridSampler.h; `grad` holds d(source index)/d(grid value) of the last
 * unnormalize()/source() call, which the backward needs (0 where clipping or a border holds
 * the index still: PyTorch counts the borders as out of bounds for the gradient).
 */
class Axis {
  grad = 0;
  constructor(
    readonly size: number,
    readonly stride: number,
    private readonly padding: PaddingMode,
    private readonly alignCorners: boolean,
    private readonly twoD: boolean,
    private readonly round: (v: number) => number,
  ) {}

  /**
   * grid_sampler_unnormalize: -1..1 to the corner pixels' centres (alignCorners) or edges, in
   * the grid's precision and ATen's operation order (the 2-D CPU kernel's ComputeLocationBase,
   * GridSampler.h's formula in 3-D). The bits matter: at a pixel centre the floor, and with it
   * the one-sided grid gradient, flips on the last bit (an identity affine_grid lands there).
   */
  unnormalize(coord: number): number {
    const n = this.size;
    const r = this.round;
    if (this.alignCorners) {
      this.grad = (n - 1) / 2;
      return this.twoD ? r(r(coord + 1) * r((n - 1) / 2)) : r(r(r(coord + 1) / 2) * (n - 1));
    }
    this.grad = n / 2;
    return this.twoD ? r(r(r(coord + 1) * (n / 2)) - 0.5) : r(r(r(coord + 1) * n) - 1) / 2;
  }

  /** compute_coordinates: apply the padding mode to a pixel index, scaling `grad` by its slope. */
  pad(x: number): number {
    if (this.padding === 'zeros') return x;
    if (this.padding === 'reflection') {
      x = this.alignCorners ? this.reflect(x, 0, 2 * (this.size - 1)) : this.reflect(x, -1, 2 * this.size - 1);
    }
    // clip_coordinates_set_grad: the borders themselves get a zero gradient.
    const max = this.size - 1;
    if (x <= 0) {
      this.grad = 0;
      return 0;
    }
    if (x >= max) {
      this.grad = 0;
      return max;
    }
    return x;
  }

  /** grid_sampler_compute_source_index: the (padded) pixel index a grid value points at. */
  source(coord: number): number {
    return this.pad(this.unnormalize(coord));
  }

  /** reflect_coordinates_set_grad: fold x into [low, high] (bounds passed doubled, as ATen does). */
  private reflect(x: number, twiceLow: number, twiceHigh: number): number {
    if (twiceLow === twiceHigh) {
      this.grad = 0;
      return 0;
    }
    const min = twiceLow / 2;
    const span = (twiceHigh - twiceLow) / 2;
    let v = x - min;
    let sign = 1;
    if (v < 0) {
      sign = -1;
      v = -v;
    }
    const extra = v % span;
    const flips = Math.floor(v / span);
    if (flips % 2 === 0) {
      this.grad *= sign;
      return extra + min;
    }
    this.grad *= -sign;
    return span - extra + min;
  }
}

// Keys' cubic convolution with A = -0.75 (UpSample.h's get_cubic_upsample_coefficients) and the
// derivative of each of the four tap weights with respect to t.
const A = -0.75;
const cubic1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1; // |x| <= 1
const cubic2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; // 1 < |x| < 2
const dcubic1 = (x: number) => (3 * (A + 2) * x - 2 * (A + 3)) * x;
const dcubic2 = (x: number) => (3 * A * x - 10 * A) * x + 8 * A;

function cubicCoefficients(t: number, w: Float64Array, dw: Float64Array): void {
  w[0] = cubic2(t + 1);
  w[1] = cubic1(t);
  w[2] = cubic1(1 - t);
  w[3] = cubic2(2 - t);
  dw[0] = dcubic2(t + 1);
  dw[1] = dcubic1(t);
  dw[2] = -dcubic1(1 - t);
  dw[3] = -dcubic2(2 - t);
}

const MAX_TAPS = 16; // bicubic: 4 x 4; trilinear: 8

/**
 * The input pixels one output point reads: for each tap its offset within an (n, c) plane,
 * its weight, and d(weight)/d(grid value k) for each grid coordinate k. Out-of-bounds taps
 * read zeros, so they are left out (their gradients vanish too, as in PyTorch).
 */
class Sampler {
  readonly axes: Axis[];
  readonly k: number;
  count = 0;
  readonly offset = new Int32Array(MAX_TAPS);
  readonly weight = new Float64Array(MAX_TAPS);
  readonly dweight: Float64Array[];
  private readonly src = new Float64Array(3);
  private readonly t = new Float64Array(3);
  private readonly base = new Float64Array(3);
  private readonly cw = [new Float64Array(4), new Float64Array(4)];
  private readonly cdw = [new Float64Array(4), new Float64Array(4)];

  constructor(
    spatial: readonly number[],
    private readonly mode: SampleMode,
    padding: PaddingMode,
    alignCorners: boolean,
    round: (v: number) => number,
  ) {
    this.k = spatial.length;
    const strides = spatial.map((_, i) => spatial.slice(i + 1).reduce((a, b) => a * b, 1));
    // Grid coordinate k indexes the k-th spatial dimension counted from the last.
    this.axes = spatial.map((_, c) => new Axis(spatial[this.k - 1 - c], strides[this.k - 1 - c], padding, alignCorners, this.k === 2, round));
    this.dweight = spatial.map(() => new Float64Array(MAX_TAPS));
  }

  /** Fills the taps for the grid point whose coordinates start at g[at]. */
  taps(g: ArrayLike<number>, at: number): void {
    this.count = 0;
    if (this.mode === 'bicubic') this.bicubic(g, at);
    else if (this.mode === 'nearest') this.nearest(g, at);
    else this.linear(g, at);
  }

  /** Bilinear / trilinear: the 2^k corners around the source point. */
  private linear(g: ArrayLike<number>, at: number): void {
    const { axes, k, src, t, base } = this;
    for (let c = 0; c < k; c++) {
      src[c] = axes[c].source(g[at + c]);
      base[c] = Math.floor(src[c]);
      t[c] = src[c] - base[c];
    }
    for (let corner = 0; corner < 1 << k; corner++) {
      let off = 0;
      let w = 1;
      let inside = true;
      for (let c = 0; c < k; c++) {
        const hi = (corner >> c) & 1;
        const i = base[c] + hi;
        if (i < 0 || i >= axes[c].size) inside = false;
        off += i * axes[c].stride;
        w *= hi ? t[c] : 1 - t[c];
      }
      if (!inside) continue;
      const n = this.count++;
      this.offset[n] = off;
      this.weight[n] = w;
      for (let c = 0; c < k; c++) {
        // d w / d src_c: the other axes' weights, signed by the side this corner is on.
        let d = (corner >> c) & 1 ? 1 : -1;
        for (let o = 0; o < k; o++) if (o !== c) d *= (corner >> o) & 1 ? t[o] : 1 - t[o];
        this.dweight[c][n] = d * axes[c].grad;
      }
    }
  }

  /** Nearest: round half to even (nearbyint); the grid gets no gradient. */
  private nearest(g: ArrayLike<number>, at: number): void {
    let off = 0;
    for (let c = 0; c < this.k; c++) {
      const axis = this.axes[c];
      const i = rint(axis.source(g[at + c]));
      if (!(i >= 0 && i < axis.size)) return;
      off += i * axis.stride;
    }
    this.offset[0] = off;
    this.weight[0] = 1;
    for (let c = 0; c < this.k; c++) this.dweight[c][0] = 0;
    this.count = 1;
  }

  /**
   * Bicubic (2-D only): 4 x 4 taps around the unpadded source point; the padding mode is applied
   * to each tap's index (get_value_bounded), so it does not enter the grid gradient.
   */
  private bicubic(g: ArrayLike<number>, at: number): void {
    const [ax, ay] = this.axes;
    const x = ax.unnormalize(g[at]);
    const mx = ax.grad;
    const y = ay.unnormalize(g[at + 1]);
    const my = ay.grad; // pad() below reuses the axes' grad slots
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const [wx, wy] = this.cw;
    const [dwx, dwy] = this.cdw;
    cubicCoefficients(x - x0, wx, dwx);
    cubicCoefficients(y - y0, wy, dwy);
    for (let j = 0; j < 4; j++) {
      const iy = Math.trunc(ay.pad(y0 - 1 + j));
      if (iy < 0 || iy >= ay.size) continue;
      for (let i = 0; i < 4; i++) {
        const ix = Math.trunc(ax.pad(x0 - 1 + i));
        if (ix < 0 || ix >= ax.size) continue;
        const n = this.count++;
        this.offset[n] = iy * ay.stride + ix;
        this.weight[n] = wx[i] * wy[j];
        this.dweight[0][n] = dwx[i] * wy[j] * mx;
        this.dweight[1][n] = wx[i] * dwy[j] * my;
      }
    }
  }
}

interface SampleSpec {
  mode: SampleMode;
  padding: PaddingMode;
  alignCorners: boolean;
}

/** Rounding to the grid's dtype: ATen computes source indices in float for a float32 grid. */
const precisionOf = (grid: Tensor): ((v: number) => number) => (grid.dtype === 'float32' ? Math.fround : (v) => v);

/** The output (N, C, *grid spatial) from contiguous copies of input and grid. */
function sampleForward(input: Tensor, grid: Tensor, spec: SampleSpec): Tensor {
  const [n, c, ...spatial] = input.shape;
  const outSpatial = grid.shape.slice(1, -1);
  const points = outSpatial.reduce((a, b) => a * b, 1);
  const plane = spatial.reduce((a, b) => a * b, 1);
  const k = spatial.length;
  const x = asNumbers(input.toTypedArray());
  const g = asNumbers(grid.toTypedArray());
  const out = Tensor.empty([n, c, ...outSpatial], input.dtype);
  const o = out.buffer;
  const s = new Sampler(spatial, spec.mode, spec.padding, spec.alignCorners, precisionOf(grid));
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < points; p++) {
      s.taps(g, (b * points + p) * k);
      for (let ch = 0; ch < c; ch++) {
        const at = (b * c + ch) * plane;
        let acc = 0;
        for (let t = 0; t < s.count; t++) acc += x[at + s.offset[t]] * s.weight[t];
        o[(b * c + ch) * points + p] = acc;
      }
    }
  }
  return out;
}

/** Gradients for input (scattered back along the taps) and grid (the weights' slopes). */
function sampleBackward(gradOut: Tensor, input: Tensor, grid: Tensor, spec: SampleSpec, wantInput: boolean): [Tensor | null, Tensor] {
  const [n, c, ...spatial] = input.shape;
  const points = grid.shape.slice(1, -1).reduce((a, b) => a * b, 1);
  const plane = spatial.reduce((a, b) => a * b, 1);
  const k = spatial.length;
  const x = asNumbers(input.toTypedArray());
  const g = asNumbers(grid.toTypedArray());
  const go = asNumbers(gradOut.toTypedArray());
  const gi = new Float64Array(wantInput ? x.length : 0);
  const gg = Tensor.empty(grid.shape.slice(), grid.dtype);
  const ggBuf = gg.buffer;
  const acc = new Float64Array(k);
  const s = new Sampler(spatial, spec.mode, spec.padding, spec.alignCorners, precisionOf(grid));
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < points; p++) {
      const gAt = (b * points + p) * k;
      s.taps(g, gAt);
      acc.fill(0);
      for (let ch = 0; ch < c; ch++) {
        const at = (b * c + ch) * plane;
        const d = go[(b * c + ch) * points + p];
        for (let t = 0; t < s.count; t++) {
          const i = at + s.offset[t];
          if (wantInput) gi[i] += d * s.weight[t];
          for (let dim = 0; dim < k; dim++) acc[dim] += x[i] * d * s.dweight[dim][t];
        }
      }
      // Nearest sampling is piecewise constant: its grid gradient is zero everywhere.
      for (let dim = 0; dim < k; dim++) ggBuf[gAt + dim] = spec.mode === 'nearest' ? 0 : acc[dim];
    }
  }
  let gradInput: Tensor | null = null;
  if (wantInput) {
    gradInput = Tensor.empty(input.shape.slice(), input.dtype);
    numeric(gradInput.buffer).set(gi);
  }
  return [gradInput, gg];
}

/** PyTorch's stand-in for a derivative it does not have: the node fails only when reached. */
class NotImplemented extends Node {
  readonly name = 'torch::autograd::NotImplemented';
  constructor(private readonly op: string) {
    super();
  }
  backward(): Grad[] {
    throw new Error(`derivative for aten::${this.op} is not implemented`);
  }
}

class GridSamplerBackward extends Node {
  readonly name: string;
  constructor(
    private readonly k: number,
    private readonly spec: SampleSpec,
  ) {
    super();
    this.name = `GridSampler${k}DBackward0`;
  }
  backward([g]: Grad[]): Grad[] {
    const [input, grid] = this.saved();
    const grad = g as Tensor;
    const wantInput = this.next[0] !== null;
    const [gi, gg] = sampleBackward(grad, input, grid, this.spec, wantInput);
    // The backward is a loop, not ops: under createGraph its results carry a node that refuses
    // to differentiate again, as PyTorch's grid_sampler_*d_backward does.
    if (needsGrad(grad, input, grid)) record(new NotImplemented(`grid_sampler_${this.k}d_backward`), [grad, input, grid], [gi, gg]);
    return [gi, gg];
  }
}

const sizes = (t: Tensor) => pyTuple(t.shape);

/**
 * grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None): samples
 * input (N, C, H, W) at grid (N, Ho, Wo, 2) -> (N, C, Ho, Wo), or input (N, C, D, H, W) at
 * grid (N, Do, Ho, Wo, 3) -> (N, C, Do, Ho, Wo). Grid values are x, y (, z) in [-1, 1]; x
 * indexes W. Differentiable in both input and grid (once).
 */
export function gridSample(...args: ArgsOf<typeof gridSampleArgs>): Tensor {
  const { input, grid, mode, paddingMode, alignCorners: ac } = gridSampleArgs.parse(args);
  let alignCorners = ac;
  // The checks run in PyTorch's order: Python's argument checks, then ATen's shape checks,
  // then the CPU kernel's dtype checks.
  if (mode !== 'bilinear' && mode !== 'nearest' && mode !== 'bicubic') {
    throw new Error(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${mode}'`);
  }
  if (paddingMode !== 'zeros' && paddingMode !== 'border' && paddingMode !== 'reflection') {
    throw new Error(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${paddingMode}'`);
  }
  if (alignCorners === null) {
    warnOnce(
      'Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details.',
    );
    alignCorners = false;
  }
  const nd = input.dim();
  if (nd > 0 && grid.dim() > 0) {
    if (input.shape[0] !== grid.shape[0]) {
      throw new RangeError(
        `grid_sampler(): expected grid and input to have same batch size, but got input with sizes ${sizes(input)} and grid with sizes ${sizes(grid)}`,
      );
    }
    if (grid.shape[grid.dim() - 1] !== nd - 2) {
      throw new RangeError(`grid_sampler(): expected grid to have size ${nd - 2} in last dimension, but got grid with sizes ${sizes(grid)}`);
    }
  }
  for (let d = 2; d < nd; d++) {
    if (input.shape[d] <= 0) {
      throw new RangeError(
        `grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes ${sizes(input)} with dimension ${d} being empty`,
      );
    }
  }
  const k = nd === 4 ? 2 : 3;
  if (nd !== k + 2 || grid.dim() !== nd) {
    throw new RangeError(
      `grid_sampler(): expected ${k + 2}D input and grid with same number of dimensions, but got input with sizes ${sizes(input)} and grid with sizes ${sizes(grid)}`,
    );
  }
  if (k === 3 && mode === 'bicubic') throw new Error('grid_sampler(): bicubic interpolation only supports 4D input');
  if (!isFloatingDtype(input.dtype)) {
    const t = scalarTypeName(input.dtype);
    throw new TypeError(k === 2 ? `grid_sampler_2d_cpu not implemented for ${t}` : `"grid_sampler3d_cpu" not implemented for '${t}'`);
  }
  if (grid.dtype !== input.dtype) {
    throw new TypeError(`expected scalar type ${scalarTypeName(input.dtype)} but found ${scalarTypeName(grid.dtype)}`);
  }
  const spec: SampleSpec = { mode, padding: paddingMode, alignCorners };
  const out = sampleForward(input, grid, spec);
  if (needsGrad(input, grid)) record(new GridSamplerBackward(k, spec), [input, grid], [out]).save(input, grid);
  return out;
}
