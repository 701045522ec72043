// Bringing subsampled components to the image's resolution as libjpeg-turbo does with
// its default do_fancy_upsampling = TRUE (PIL keeps it): jdsample.c's triangle filters
// for 2x1, 1x2 and 2x2 ratios, box replication for other integral ratios and for
// components at most 2 samples wide. Edges repeat the last real row and column.

/** A component's samples after the IDCT: `width` x `height` real samples in rows `stride` apart. */
export interface Plane {
  readonly data: Uint8Array;
  readonly stride: number;
  readonly width: number;
  readonly height: number;
}

/** Upsampled to (at least) the image size; `stride` apart rows. */
export interface FullPlane {
  readonly data: Uint8Array;
  readonly stride: number;
}

function row(p: Plane, y: number): number {
  return (y < 0 ? 0 : y >= p.height ? p.height - 1 : y) * p.stride;
}

// h2v1_fancy_upsample: each output sample is 3/4 of the nearer input plus 1/4 of the
// other neighbour, rounding alternately down and up; the two ends are copied.
function fancyH2V1(p: Plane, outH: number): FullPlane {
  const w = p.width;
  const stride = 2 * w;
  const out = new Uint8Array(stride * outH);
  const src = p.data;
  for (let y = 0; y < outH; y++) {
    const i = row(p, y);
    const o = y * stride;
    out[o] = src[i];
    out[o + 1] = (src[i] * 3 + src[i + 1] + 2) >> 2;
    for (let x = 1; x < w - 1; x++) {
      const v = src[i + x] * 3;
      out[o + 2 * x] = (v + src[i + x - 1] + 1) >> 2;
      out[o + 2 * x + 1] = (v + src[i + x + 1] + 2) >> 2;
    }
    out[o + 2 * w - 2] = (src[i + w - 1] * 3 + src[i + w - 2] + 1) >> 2;
    out[o + 2 * w - 1] = src[i + w - 1];
  }
  return { data: out, stride };
}

// h1v2_fancy_upsample: the vertical version, the row above (+1) or below (+2) as the far one.
function fancyH1V2(p: Plane, outH: number): FullPlane {
  const w = p.width;
  const out = new Uint8Array(w * outH);
  const src = p.data;
  for (let y = 0; y < outH; y++) {
    const inRow = y >> 1;
    const near = row(p, inRow);
    const lower = (y & 1) === 1;
    const far = row(p, lower ? inRow + 1 : inRow - 1);
    const bias = lower ? 2 : 1;
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = (src[near + x] * 3 + src[far + x] + bias) >> 2;
  }
  return { data: out, stride: w };
}

// h2v2_fancy_upsample: the 2-D triangle filter (weights 9/16, 3/16, 3/16, 1/16) on
// column sums of 3 x nearer row + farther row, with libjpeg's rounding constants 8 and 7.
function fancyH2V2(p: Plane, outH: number): FullPlane {
  const w = p.width;
  const stride = 2 * w;
  const out = new Uint8Array(stride * outH);
  const src = p.data;
  for (let y = 0; y < outH; y++) {
    const inRow = y >> 1;
    const near = row(p, inRow);
    const far = row(p, (y & 1) === 1 ? inRow + 1 : inRow - 1);
    const o = y * stride;
    let thisSum = src[near] * 3 + src[far];
    let nextSum = src[near + 1] * 3 + src[far + 1];
    out[o] = (thisSum * 4 + 8) >> 4;
    out[o + 1] = (thisSum * 3 + nextSum + 7) >> 4;
    let lastSum = thisSum;
    thisSum = nextSum;
    for (let x = 1; x < w - 1; x++) {
      nextSum = src[near + x + 1] * 3 + src[far + x + 1];
      out[o + 2 * x] = (thisSum * 3 + lastSum + 8) >> 4;
      out[o + 2 * x + 1] = (thisSum * 3 + nextSum + 7) >> 4;
      lastSum = thisSum;
      thisSum = nextSum;
    }
    out[o + 2 * w - 2] = (thisSum * 3 + lastSum + 8) >> 4;
    out[o + 2 * w - 1] = (thisSum * 4 + 7) >> 4;
  }
  return { data: out, stride };
}

// int_upsample (and h2v1/h2v2_upsample): each sample repeated hx times across, vx times down.
function replicate(p: Plane, hx: number, vx: number, outH: number): FullPlane {
  const stride = p.width * hx;
  const out = new Uint8Array(stride * outH);
  const src = p.data;
  for (let y = 0; y < outH; y++) {
    const i = row(p, Math.floor(y / vx));
    const o = y * stride;
    for (let x = 0; x < p.width; x++) out.fill(src[i + x], o + x * hx, o + x * hx + hx);
  }
  return { data: out, stride };
}

/**
 * One component brought to the full sampling grid (max factors maxH x maxV) with the
 * method libjpeg-turbo's jinit_upsampler picks; `outH` output rows are produced.
 */
export function upsample(p: Plane, h: number, v: number, maxH: number, maxV: number, outH: number): FullPlane {
  if (h === maxH && v === maxV) return p;
  if (h * 2 === maxH && v === maxV) return p.width > 2 ? fancyH2V1(p, outH) : replicate(p, 2, 1, outH);
  if (h === maxH && v * 2 === maxV) return fancyH1V2(p, outH);
  if (h * 2 === maxH && v * 2 === maxV) return p.width > 2 ? fancyH2V2(p, outH) : replicate(p, 2, 2, outH);
  if (maxH % h === 0 && maxV % v === 0) return replicate(p, maxH / h, maxV / v, outH);
  throw new Error(`JPEG sampling factors ${h}x${v} of a component in a ${maxH}x${maxV} frame are fractional (libjpeg does not support them either)`);
}
