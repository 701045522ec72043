// torch.nn.functional.interpolate on [..., H, W] planes, as torchvision's tensor
// resize calls it (align_corners=False): nearest, bilinear and bicubic, with or
// without antialias, following ATen's CPU kernels (UpSample*.cpp) in float32.
export type TensorInterpolation = 'nearest' | 'bilinear' | 'bicubic';

const f = Math.fround;

interface Planes {
  data: Float32Array | Float64Array;
  count: number;
  height: number;
  width: number;
}

function roundFor(single: boolean): (x: number) => number {
  return single ? f : (x: number) => x;
}

/** upsample_nearest2d's source index (nearest_idx). */
function nearestIndex(out: number, inSize: number, outSize: number): number {
  if (outSize === inSize) return out;
  if (outSize === 2 * inSize) return out >> 1;
  const scale = f(inSize / outSize);
  return Math.min(Math.floor(f(out * scale)), inSize - 1);
}

function nearest(p: Planes, oh: number, ow: number, out: Float32Array | Float64Array): void {
  const ys = Array.from({ length: oh }, (_, y) => nearestIndex(y, p.height, oh));
  const xs = Array.from({ length: ow }, (_, x) => nearestIndex(x, p.width, ow));
  for (let n = 0; n < p.count; n++) {
    const src = n * p.height * p.width;
    const dst = n * oh * ow;
    for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[dst + y * ow + x] = p.data[src + ys[y] * p.width + xs[x]];
  }
}

/** compute_source_index_and_lambda of the linear kernels. */
function linearTaps(inSize: number, outSize: number, r: (x: number) => number): { i0: Int32Array; i1: Int32Array; w0: Float64Array; w1: Float64Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float64Array(outSize);
  const w1 = new Float64Array(outSize);
  const scale = r(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    if (inSize === outSize) {
      i0[o] = o;
      i1[o] = o;
      w0[o] = 1;
      w1[o] = 0;
      continue;
    }
    let src = r(scale * (o + 0.5) - 0.5);
    if (src < 0) src = 0;
    const idx = Math.trunc(src);
    i0[o] = idx;
    i1[o] = idx + (idx < inSize - 1 ? 1 : 0);
    w1[o] = r(src - idx);
    w0[o] = r(1 - w1[o]);
  }
  return { i0, i1, w0, w1 };
}

function bilinear(p: Planes, oh: number, ow: number, out: Float32Array | Float64Array, r: (x: number) => number): void {
  const ty = linearTaps(p.height, oh, r);
  const tx = linearTaps(p.width, ow, r);
  for (let n = 0; n < p.count; n++) {
    const src = n * p.height * p.width;
    const dst = n * oh * ow;
    for (let y = 0; y < oh; y++) {
      const r0 = src + ty.i0[y] * p.width;
      const r1 = src + ty.i1[y] * p.width;
      for (let x = 0; x < ow; x++) {
        const top = r(r(p.data[r0 + tx.i0[x]] * tx.w0[x]) + r(p.data[r0 + tx.i1[x]] * tx.w1[x]));
        const bottom = r(r(p.data[r1 + tx.i0[x]] * tx.w0[x]) + r(p.data[r1 + tx.i1[x]] * tx.w1[x]));
        out[dst + y * ow + x] = r(r(top * ty.w0[y]) + r(bottom * ty.w1[y]));
      }
    }
  }
}

const A_CUBIC = -0.75;

function cubicWeights(t: number, r: (x: number) => number): number[] {
  const c1 = (x: number) => r(r(r(r(A_CUBIC + 2) * x) - r(A_CUBIC + 3)) * x * x + 1);
  const c2 = (x: number) => r(r(r(r(A_CUBIC * x) - 5 * A_CUBIC) * x + 8 * A_CUBIC) * x - 4 * A_CUBIC);
  return [c2(r(t + 1)), c1(t), c1(r(1 - t)), c2(r(r(1 - t) + 1))];
}

function bicubic(p: Planes, oh: number, ow: number, out: Float32Array | Float64Array, r: (x: number) => number): void {
  const sy = r(p.height / oh);
  const sx = r(p.width / ow);
  const clampIdx = (i: number, n: number) => Math.max(0, Math.min(n - 1, i));
  for (let n = 0; n < p.count; n++) {
    const src = n * p.height * p.width;
    const dst = n * oh * ow;
    for (let y = 0; y < oh; y++) {
      const realY = r(sy * (y + 0.5) - 0.5);
      const iy = Math.floor(realY);
      const wy = cubicWeights(r(realY - iy), r);
      for (let x = 0; x < ow; x++) {
        const realX = r(sx * (x + 0.5) - 0.5);
        const ix = Math.floor(realX);
        const wx = cubicWeights(r(realX - ix), r);
        let acc = 0;
        for (let k = 0; k < 4; k++) {
          const row = src + clampIdx(iy - 1 + k, p.height) * p.width;
          let rowAcc = 0;
          for (let j = 0; j < 4; j++) rowAcc = r(rowAcc + r(p.data[row + clampIdx(ix - 1 + j, p.width)] * wx[j]));
          acc = r(acc + r(rowAcc * wy[k]));
        }
        out[dst + y * ow + x] = acc;
      }
    }
  }
}

const AA_FILTERS = {
  bilinear: { size: 2, fn: (x: number) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  bicubic: {
    size: 4,
    fn: (x: number) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
};

/** _compute_indices_weights_aa: PIL-style support scaled by the downsampling factor. */
function aaTaps(inSize: number, outSize: number, filter: (typeof AA_FILTERS)['bilinear'], r: (x: number) => number): { min: Int32Array; size: Int32Array; w: Float64Array; k: number } {
  const scale = r(inSize / outSize);
  const support = r(scale >= 1 ? filter.size * 0.5 * scale : filter.size * 0.5);
  const k = Math.ceil(support) * 2 + 1;
  const invscale = r(scale >= 1 ? 1 / scale : 1);
  const min = new Int32Array(outSize);
  const size = new Int32Array(outSize);
  const w = new Float64Array(outSize * k);
  for (let i = 0; i < outSize; i++) {
    const center = r(scale * (i + 0.5));
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const v = r(filter.fn(r((j + xmin - center + 0.5) * invscale)));
      w[i * k + j] = v;
      total = r(total + v);
    }
    if (total !== 0) for (let j = 0; j < xsize; j++) w[i * k + j] = r(w[i * k + j] / total);
    min[i] = xmin;
    size[i] = xsize;
  }
  return { min, size, w, k };
}

function antialiased(p: Planes, oh: number, ow: number, mode: 'bilinear' | 'bicubic', r: (x: number) => number, single: boolean): Float32Array | Float64Array {
  const make = (n: number) => (single ? new Float32Array(n) : new Float64Array(n));
  let data = p.data;
  let w = p.width;
  if (ow !== p.width) {
    const t = aaTaps(p.width, ow, AA_FILTERS[mode], r);
    const out = make(p.count * p.height * ow);
    for (let row = 0; row < p.count * p.height; row++) {
      for (let x = 0; x < ow; x++) {
        const base = row * w + t.min[x];
        let acc = r(data[base] * t.w[x * t.k]);
        for (let j = 1; j < t.size[x]; j++) acc = r(acc + r(data[base + j] * t.w[x * t.k + j]));
        out[row * ow + x] = acc;
      }
    }
    data = out;
    w = ow;
  }
  if (oh !== p.height) {
    const t = aaTaps(p.height, oh, AA_FILTERS[mode], r);
    const out = make(p.count * oh * w);
    for (let n = 0; n < p.count; n++) {
      const src = n * p.height * w;
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < w; x++) {
          const base = src + t.min[y] * w + x;
          let acc = r(data[base] * t.w[y * t.k]);
          for (let j = 1; j < t.size[y]; j++) acc = r(acc + r(data[base + j * w] * t.w[y * t.k + j]));
          out[n * oh * w + y * w + x] = acc;
        }
      }
    }
    data = out;
  }
  return data;
}

/** Interpolates `count` planes of height x width to oh x ow; float32 data computes in float32. */
export function interpolatePlanes(
  data: Float32Array | Float64Array,
  count: number,
  height: number,
  width: number,
  oh: number,
  ow: number,
  mode: TensorInterpolation,
  antialias: boolean,
): Float32Array | Float64Array {
  const single = data instanceof Float32Array;
  const r = roundFor(single);
  const p: Planes = { data, count, height, width };
  if (antialias && mode !== 'nearest') return antialiased(p, oh, ow, mode, r, single);
  const out = single ? new Float32Array(count * oh * ow) : new Float64Array(count * oh * ow);
  if (mode === 'nearest') nearest(p, oh, ow, out);
  else if (mode === 'bilinear') bilinear(p, oh, ow, out, r);
  else bicubic(p, oh, ow, out, r);
  return out;
}
