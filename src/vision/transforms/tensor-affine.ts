// torchvision's tensor rotate: _gen_affine_grid + grid_sample (zeros padding,
// align_corners=False) + the fill mask of _apply_grid_transform, per output pixel in
// ATen's float32 order. (These belong in nn.functional as affineGrid / gridSample;
// until that exists they are computed here, on a float copy of the image.)
import '../../ops/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { isFloatingDtype } from '../../tensor/dtype.js';
import { roundHalfEven } from './round.js';
import { channelsOf, planar } from './tensor-ops.js';

const f = Math.fround;

/**
 * F_t.rotate's sampling: the inverse affine `matrix` (torchvision's
 * _get_inverse_affine_matrix) applied to an [outH, outW] grid; pixels sampled from
 * outside get `fill` (0 when null). Integer images are rounded back (_cast_squeeze_out).
 */
export function tensorAffineGrid(t: Tensor, matrix: number[], bilinear: boolean, fill: number[] | null, ow?: number, oh?: number): Tensor {
  const p = planar(t, 'rotate');
  const outW = ow ?? p.w;
  const outH = oh ?? p.h;
  const float64 = p.dtype === 'float64';
  const r = float64 ? (x: number) => x : f;
  const theta = matrix.map(r);
  const cw = r(0.5 * p.w);
  const chh = r(0.5 * p.h);
  const A = [r(theta[0] / cw), r(theta[1] / cw), r(theta[2] / cw)];
  const Bm = [r(theta[3] / chh), r(theta[4] / chh), r(theta[5] / chh)];
  const c = channelsOf(t);
  const n = p.lead.reduce((a, b) => a * b, 1);
  const out = float64 ? new Float64Array(n * outH * outW) : new Float32Array(n * outH * outW);
  const halfW = r(p.w / 2);
  const halfH = r(p.h / 2);
  const inside = (yy: number, xx: number) => xx >= 0 && xx < p.w && yy >= 0 && yy < p.h;
  for (let y = 0; y < outH; y++) {
    const by = r(-outH * 0.5 + 0.5 + y);
    for (let x = 0; x < outW; x++) {
      const bx = r(-outW * 0.5 + 0.5 + x);
      const gx = r(A[2] + r(by * A[1] + r(bx * A[0])));
      const gy = r(Bm[2] + r(by * Bm[1] + r(bx * Bm[0])));
      const ix = r(r(r(gx + 1) * halfW) - 0.5);
      const iy = r(r(r(gy + 1) * halfH) - 0.5);
      for (let k = 0; k < n; k++) {
        const src = k * p.h * p.w;
        const fillValue = fill ? fill[fill.length === 1 ? 0 : k % c] : 0;
        let value: number;
        if (!bilinear) {
          const nx = roundHalfEven(ix);
          const ny = roundHalfEven(iy);
          value = inside(ny, nx) ? p.data[src + ny * p.w + nx] : fillValue;
        } else {
          const x0 = Math.floor(ix);
          const y0 = Math.floor(iy);
          const w = r(ix - x0);
          const e = r(1 - w);
          const nn = r(iy - y0);
          const s = r(1 - nn);
          const weights = [r(s * e), r(s * w), r(nn * e), r(nn * w)];
          const pts: [number, number][] = [[y0, x0], [y0, x0 + 1], [y0 + 1, x0], [y0 + 1, x0 + 1]];
          let v = 0;
          let mask = 0;
          pts.forEach(([yy, xx], j) => {
            const at = inside(yy, xx);
            v = r(v + r((at ? p.data[src + yy * p.w + xx] : 0) * weights[j]));
            mask = r(mask + r((at ? 1 : 0) * weights[j]));
          });
          value = fill ? r(r(v * mask) + r(r(1 - mask) * fillValue)) : v;
        }
        out[(k * outH + y) * outW + x] = value;
      }
    }
  }
  const sampled = Tensor.fromData(out, float64 ? 'float64' : 'float32', [...p.lead, outH, outW]);
  if (isFloatingDtype(p.dtype)) return sampled.to(p.dtype);
  return sampled.round().to(p.dtype);
}
