// libjpeg-turbo's accurate integer inverse DCT (JDCT_ISLOW, the default that PIL uses),
// dequantisation included: the Loeffler-Ligtenberg-Moschytz algorithm in 13-bit fixed
// point, columns first (keeping 2 extra bits), then rows.
//
// It follows the arithmetic of libjpeg-turbo's x86-64 SIMD kernel (jidctint-avx2.asm),
// which PIL runs on x86-64: the C code (jidctint.c) gives the same bytes for every
// coefficient block an encoder produces, but on corrupt data, where values overflow,
// the kernel's 16-bit lanes wrap (dequantised coefficients, a few sums) and saturate
// (pass outputs, final clamp) where the C code's wider integers would not.

const CONST_BITS = 13;
const fix = (x: number): number => Math.floor(x * (1 << CONST_BITS) + 0.5);

const F_0_298 = fix(0.298631336);
const F_0_390 = fix(0.390180644);
const F_0_541 = fix(0.5411961);
const F_0_765 = fix(0.765366865);
const F_0_899 = fix(0.899976223);
const F_1_175 = fix(1.175875602);
const F_1_501 = fix(1.50132111);
const F_1_847 = fix(1.847759065);
const F_1_961 = fix(1.96157056);
const F_2_053 = fix(2.053119869);
const F_2_562 = fix(2.562915447);
const F_3_072 = fix(3.072711026);

// the kernel's pairs of multipliers (each product pair is one 16x16->32-bit multiply-add)
const EVEN_2 = F_0_541 + F_0_765;
const EVEN_6 = F_0_541 - F_1_847;
const ODD_Z3 = F_1_175 - F_1_961;
const ODD_Z4 = F_1_175 - F_0_390;
const ODD_0 = F_0_298 - F_0_899;
const ODD_1 = F_2_053 - F_2_562;
const ODD_2 = F_3_072 - F_2_562;
const ODD_3 = F_1_501 - F_0_899;

/** Pass 1 divides by 2**11 (keeping 2 extra bits), pass 2 by 2**18 (also the IDCT's factor 8). */
const SHIFT_1 = 11;
const SHIFT_2 = 18;

const wrap16 = (x: number): number => (x << 16) >> 16;
const sat16 = (x: number): number => (x > 32767 ? 32767 : x < -32768 ? -32768 : x);

const workspace = new Int32Array(64);
const flatRow = new Int32Array(8);

/** The final step of pass 2: the 16-bit result clamped to a signed byte, then offset to 0..255. */
const toSample = (v: number): number => (v < -128 ? 0 : v > 127 ? 255 : v + 128);

/**
 * Pass 1 on column c: dequantise (16-bit products) and transform into ws[c + 8k] =
 * sat16((x + 2**10) >> 11). A column without AC terms reduces to sat16(4 * DC).
 */
function columnPass(coefs: Int16Array, offset: number, quant: Int32Array, c: number, ws: Int32Array): void {
  const i = offset + c;
  const in0 = wrap16(coefs[i] * quant[c]);
  const in1 = wrap16(coefs[i + 8] * quant[c + 8]);
  const in2 = wrap16(coefs[i + 16] * quant[c + 16]);
  const in3 = wrap16(coefs[i + 24] * quant[c + 24]);
  const in4 = wrap16(coefs[i + 32] * quant[c + 32]);
  const in5 = wrap16(coefs[i + 40] * quant[c + 40]);
  const in6 = wrap16(coefs[i + 48] * quant[c + 48]);
  const in7 = wrap16(coefs[i + 56] * quant[c + 56]);
  if ((in1 | in2 | in3 | in4 | in5 | in6 | in7) === 0) {
    const v = sat16(in0 * 4);
    for (let r = c; r < 64; r += 8) ws[r] = v;
    return;
  }
  // even part
  const tmp3 = in2 * EVEN_2 + in6 * F_0_541;
  const tmp2 = in2 * F_0_541 + in6 * EVEN_6;
  const tmp0 = wrap16(in0 + in4) << CONST_BITS;
  const tmp1 = wrap16(in0 - in4) << CONST_BITS;
  const tmp10 = tmp0 + tmp3 + (1 << (SHIFT_1 - 1));
  const tmp13 = tmp0 - tmp3 + (1 << (SHIFT_1 - 1));
  const tmp11 = tmp1 + tmp2 + (1 << (SHIFT_1 - 1));
  const tmp12 = tmp1 - tmp2 + (1 << (SHIFT_1 - 1));
  // odd part
  const z3 = wrap16(in7 + in3);
  const z4 = wrap16(in5 + in1);
  const z3r = z3 * ODD_Z3 + z4 * F_1_175;
  const z4r = z3 * F_1_175 + z4 * ODD_Z4;
  const odd0 = in7 * ODD_0 - in1 * F_0_899 + z3r;
  const odd1 = in5 * ODD_1 - in3 * F_2_562 + z4r;
  const odd2 = in3 * ODD_2 - in5 * F_2_562 + z3r;
  const odd3 = in1 * ODD_3 - in7 * F_0_899 + z4r;
  ws[c] = sat16((tmp10 + odd3) >> SHIFT_1);
  ws[c + 56] = sat16((tmp10 - odd3) >> SHIFT_1);
  ws[c + 8] = sat16((tmp11 + odd2) >> SHIFT_1);
  ws[c + 48] = sat16((tmp11 - odd2) >> SHIFT_1);
  ws[c + 16] = sat16((tmp12 + odd1) >> SHIFT_1);
  ws[c + 40] = sat16((tmp12 - odd1) >> SHIFT_1);
  ws[c + 24] = sat16((tmp13 + odd0) >> SHIFT_1);
  ws[c + 32] = sat16((tmp13 - odd0) >> SHIFT_1);
}

/**
 * Pass 2 on the 8 values src[s..s+8): the same butterfly (on 16-bit inputs, shift 18),
 * clamped into 8 samples at out[o..o+8). A row without AC terms is one value.
 */
function rowPass(src: Int32Array, s: number, out: Uint8Array, o: number): void {
  const in0 = src[s], in1 = src[s + 1], in2 = src[s + 2], in3 = src[s + 3];
  const in4 = src[s + 4], in5 = src[s + 5], in6 = src[s + 6], in7 = src[s + 7];
  if ((in1 | in2 | in3 | in4 | in5 | in6 | in7) === 0) {
    // sat16((DC * 2**13 + 2**17) >> 18)
    out.fill(toSample((in0 + 16) >> 5), o, o + 8);
    return;
  }
  const tmp3 = in2 * EVEN_2 + in6 * F_0_541;
  const tmp2 = in2 * F_0_541 + in6 * EVEN_6;
  const tmp0 = wrap16(in0 + in4) << CONST_BITS;
  const tmp1 = wrap16(in0 - in4) << CONST_BITS;
  const tmp10 = tmp0 + tmp3 + (1 << (SHIFT_2 - 1));
  const tmp13 = tmp0 - tmp3 + (1 << (SHIFT_2 - 1));
  const tmp11 = tmp1 + tmp2 + (1 << (SHIFT_2 - 1));
  const tmp12 = tmp1 - tmp2 + (1 << (SHIFT_2 - 1));
  const z3 = wrap16(in7 + in3);
  const z4 = wrap16(in5 + in1);
  const z3r = z3 * ODD_Z3 + z4 * F_1_175;
  const z4r = z3 * F_1_175 + z4 * ODD_Z4;
  const odd0 = in7 * ODD_0 - in1 * F_0_899 + z3r;
  const odd1 = in5 * ODD_1 - in3 * F_2_562 + z4r;
  const odd2 = in3 * ODD_2 - in5 * F_2_562 + z3r;
  const odd3 = in1 * ODD_3 - in7 * F_0_899 + z4r;
  out[o] = toSample(sat16((tmp10 + odd3) >> SHIFT_2));
  out[o + 7] = toSample(sat16((tmp10 - odd3) >> SHIFT_2));
  out[o + 1] = toSample(sat16((tmp11 + odd2) >> SHIFT_2));
  out[o + 6] = toSample(sat16((tmp11 - odd2) >> SHIFT_2));
  out[o + 2] = toSample(sat16((tmp12 + odd1) >> SHIFT_2));
  out[o + 5] = toSample(sat16((tmp12 - odd1) >> SHIFT_2));
  out[o + 3] = toSample(sat16((tmp13 + odd0) >> SHIFT_2));
  out[o + 4] = toSample(sat16((tmp13 - odd0) >> SHIFT_2));
}

/**
 * Inverse-transforms the block at coefs[offset..offset+64) with quantisation table `quant`
 * (natural order) into 8x8 samples of `out` starting at outOffset, rows `stride` apart.
 */
export function idctIslow(coefs: Int16Array, offset: number, quant: Int32Array, out: Uint8Array, outOffset: number, stride: number): void {
  let anyAc = 0;
  for (let i = offset + 8; i < offset + 64; i++) anyAc |= coefs[i];
  if (anyAc === 0) {
    // the kernel's shortcut for a block whose AC rows are all zero: every column is flat
    // (the dequantised DC times 4, wrapped to 16 bits), so every output row is the same
    for (let c = 0; c < 8; c++) flatRow[c] = wrap16(wrap16(coefs[offset + c] * quant[c]) << 2);
    rowPass(flatRow, 0, out, outOffset);
    for (let r = 1; r < 8; r++) out.copyWithin(outOffset + r * stride, outOffset, outOffset + 8);
    return;
  }
  const ws = workspace;
  for (let c = 0; c < 8; c++) columnPass(coefs, offset, quant, c, ws);
  for (let r = 0; r < 8; r++) rowPass(ws, r * 8, out, outOffset + r * stride);
}
