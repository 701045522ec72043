// torchvision's tensor path for perspective and elastic_transform: a sampling grid
// (_perspective_grid / _create_identity_grid + displacement) handed to
// nn.functional.gridSample by _apply_grid_transform, which also blends in the fill
// colour through an extra all-ones channel. Also _get_perspective_coeffs.
import '../../ops/index.js';
import { gridSample } from '../../nn/functional/index.js';
import { cat, stack } from '../../ops/join.js';
import { linspace, ones, tensor } from '../../tensor/create.js';
import { isFloatingDtype, type DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { castSqueeze } from './tensor-extra.js';
import { asNumbers } from '../../tensor/dtype.js';

export type GridMode = 'nearest' | 'bilinear';

/** _assert_grid_transform_inputs' checks of fill and interpolation. */
export function checkGridInputs(img: Tensor, fill: readonly number[] | null, interpolation: string): void {
  if (img.dim() < 2) throw new TypeError('Tensor is not a torch image.');
  const channels = img.dim() === 2 ? 1 : img.shape[img.dim() - 3];
  if (fill !== null && fill.length > 1 && fill.length !== channels) {
    throw new RangeError(`The number of elements in 'fill' cannot broadcast to match the number of channels of the image (${fill.length} != ${channels})`);
  }
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new RangeError(`Interpolation mode '${interpolation}' is unsupported with Tensor input`);
}

/** _apply_grid_transform(img, grid, mode, fill) */
export function applyGridTransform(img: Tensor, grid: Tensor, mode: GridMode, fill: readonly number[] | null): Tensor {
  return castSqueeze(img, grid.dtype, (x) => {
    const [n, , h, w] = x.shape;
    const g = n > 1 ? grid.expand([n, grid.shape[1], grid.shape[2], grid.shape[3]]) : grid;
    const input = fill === null ? x : cat([x, ones([n, 1, h, w], { dtype: x.dtype })], 1);
    let out = gridSample(input, g, mode, 'zeros', false);
    if (fill === null) return out;
    const c = out.shape[1] - 1;
    const mask = out.narrow(1, c, 1).expand([n, c, out.shape[2], out.shape[3]]);
    out = out.narrow(1, 0, c);
    const fillImg = tensor(fill.slice(), { dtype: out.dtype }).view([1, fill.length, 1, 1]).expand(out.shape);
    if (mode === 'nearest') return fillImg.where(mask.lt(0.5), out);
    return out.mul(mask).add(mask.rsub(1).mul(fillImg));
  });
}

/** The dtype the grid is built in: the image's when floating, float32 otherwise. */
function gridDtype(img: Tensor): DType {
  return isFloatingDtype(img.dtype) ? img.dtype : 'float32';
}

/**
 * _perspective_grid(coeffs, ow, oh, dtype): (base_grid @ theta1^T / [ow / 2, oh / 2]) /
 * (base_grid @ theta2^T) - 1 over pixel centres (x + 0.5, y + 0.5, 1). The two
 * [oh * ow, 3] x [3, 2] products are evaluated here as ATen's CPU bmm evaluates them
 * (a fused multiply-add per term, in order), so the grid does not depend on the backend's
 * matmul: grid_sample's nearest mode is sensitive to the last bit of it.
 */
export function perspectiveGrid(c: readonly number[], ow: number, oh: number, dtype: DType): Tensor {
  const single = dtype !== 'float64';
  const r = single ? Math.fround : (x: number) => x;
  // fma(a, b, acc): the product is exact in a double for float32 operands
  const fma = (a: number, b: number, acc: number) => r(a * b + acc);
  const t1 = [[c[0], c[1], c[2]], [c[3], c[4], c[5]]].map((row, j) => row.map((v) => r(r(v) / r(j === 0 ? 0.5 * ow : 0.5 * oh))));
  const t2 = [r(c[6]), r(c[7]), 1];
  const xs = Array.from(asNumbers(linspace(0.5, ow - 0.5, ow).toTypedArray()), (v) => r(v));
  const ys = Array.from(asNumbers(linspace(0.5, oh - 0.5, oh).toTypedArray()), (v) => r(v));
  const out = single ? new Float32Array(oh * ow * 2) : new Float64Array(oh * ow * 2);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const den = fma(1, t2[2], fma(ys[y], t2[1], fma(xs[x], t2[0], 0)));
      for (let j = 0; j < 2; j++) {
        const num = fma(1, t1[j][2], fma(ys[y], t1[j][1], fma(xs[x], t1[j][0], 0)));
        out[(y * ow + x) * 2 + j] = r(r(num / den) - 1);
      }
    }
  }
  return Tensor.fromData(out, single ? 'float32' : 'float64', [1, oh, ow, 2]);
}

export function tensorPerspective(img: Tensor, coeffs: readonly number[], mode: GridMode, fill: readonly number[] | null): Tensor {
  const [oh, ow] = img.shape.slice(-2);
  return applyGridTransform(img, perspectiveGrid(coeffs, ow, oh, gridDtype(img)), mode, fill);
}

/** _create_identity_grid([h, w]): [1, h, w, 2] of normalised pixel centres (x, y). */
function identityGrid(h: number, w: number): Tensor {
  const ys = linspace((-h + 1) / h, (h - 1) / h, h).view([h, 1]).expand([h, w]);
  const xs = linspace((-w + 1) / w, (w - 1) / w, w).view([1, w]).expand([h, w]);
  return stack([xs, ys], -1).unsqueeze(0);
}

export function tensorElastic(img: Tensor, displacement: Tensor, mode: GridMode, fill: readonly number[] | null): Tensor {
  const [h, w] = img.shape.slice(-2);
  return applyGridTransform(img, identityGrid(h, w).add(displacement), mode, fill);
}

/**
 * _get_perspective_coeffs: the 8 coefficients mapping endpoints to startpoints, the
 * solution of torchvision's 8x8 system. torchvision solves it in float32 with LAPACK's
 * gels; here it is solved in doubles and rounded to float32, which can differ from
 * LAPACK's result in the last bits.
 */
export function perspectiveCoeffs(startpoints: readonly (readonly number[])[], endpoints: readonly (readonly number[])[]): number[] {
  const a: number[][] = [];
  const b: number[] = [];
  endpoints.forEach((p1, i) => {
    const p2 = startpoints[i];
    a.push([p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]].map(Math.fround));
    a.push([0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]].map(Math.fround));
    b.push(Math.fround(p2[0]), Math.fround(p2[1]));
  });
  // Gaussian elimination with partial pivoting on [A | b]
  const n = 8;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (m[pivot][col] === 0) throw new RangeError('perspective: the start and end points do not define a perspective transform (singular system)');
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const k = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= k * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x.map(Math.fround);
}
