// Scalar twins of SLEEF 3.5's vectorized expf_u10, logf_u10, tanhf_u10 and erff_u10 (xexpf,
// xlogf_u1, xtanhf, xerff_u1 in sleefsimdsp.c, the AVX2/FMA build), which PyTorch 1.13's
// Vectorized<float>::exp(), ::log(), ::tanh() and ::erf() call: its float32 exp, log, tanh and
// erf, and the ones inside softmax, log_softmax, sigmoid and GELU. Each step is one float32 operation (fround) or one fused multiply-add (fmaf),
// as SLEEF's vector code computes it, so the results carry PyTorch's bits: within 1 ulp of
// the true value, but not always the correctly rounded float (about 9% of exps differ from
// it). native/sleef_f32.h is the C++ twin.
import { fmaf } from './avx-mathfun.js';
import { rint } from './math.js'; // round half to even, as cvtps2dq

const f = Math.fround;

const R_LN2F = f(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = f(0.693145751953125);
const L2LF = f(1.428606765330187045e-6);
const [E0, E1, E2, E3, E4] = [
  0.000198527617612853646278381, 0.00139304355252534151077271, 0.00833336077630519866943359,
  0.0416664853692054748535156, 0.166666671633720397949219,
].map(f);

/** e^d for a float32 d, SLEEF's expf_u10. */
export function expf(d: number): number {
  if (d !== d) return d;
  if (d < -104) return 0;
  if (d > 100) return Infinity;
  const q = rint(f(d * R_LN2F));
  let s = fmaf(q, -L2UF, d);
  s = fmaf(q, -L2LF, s);
  let u = fmaf(E0, s, E1);
  u = fmaf(u, s, E2);
  u = fmaf(u, s, E3);
  u = fmaf(u, s, E4);
  u = fmaf(u, s, 0.5);
  u = f(1 + fmaf(f(s * s), u, s));
  // vldexp2: u * 2^(q >> 1) * 2^(q - (q >> 1)), each product rounded (|q| <= 150 here).
  const h = q >> 1;
  return f(f(u * 2 ** h) * 2 ** (q - h));
}

const LN2_HI = f(0.69314718246459960938);
const LN2_LO = f(-1.904654323148236017e-9);
const R_075 = f(1 / 0.75);
const FLT_MIN = 1.1754943508222875e-38;
const [T0, T1, T2] = [0.3027294874, 0.3996108174, 0.666669488].map(f);

// One float32 seen as its bits.
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** ln(d) for a float32 d, SLEEF's logf_u10 (xlogf_u1 with double-float steps). */
export function logf(d: number): number {
  if (d !== d || d < 0) return NaN;
  if (d === 0) return -Infinity;
  if (d === Infinity) return Infinity;
  const tiny = d < FLT_MIN;
  if (tiny) d = f(d * 18446744073709551616);
  F32[0] = f(d * R_075);
  let e = ((U32[0] >>> 23) & 0xff) - 0x7f;
  // m = d / 2^e through the exponent bits (vldexp3), in [0.75, 1.5).
  F32[0] = d;
  U32[0] = (U32[0] + ((-e << 23) | 0)) >>> 0;
  const m = F32[0];
  if (tiny) e -= 64;
  // s = (LN2_HI, LN2_LO) * e as a double-float (dfmul_vf2_vf2_vf).
  let sx = f(LN2_HI * e);
  let sy = fmaf(LN2_LO, e, fmaf(LN2_HI, e, -sx));
  // x = (m - 1) / (m + 1) as double-floats (dfadd2_vf2_vf_vf twice, dfdiv_vf2_vf2_vf2).
  const [nx, ny] = twoSum(-1, m);
  const [dx, dy] = twoSum(1, m);
  const t = f(1 / dx);
  const xx = f(nx * t);
  const uu = fmaf(t, nx, -xx);
  const vv = fmaf(-dy, t, fmaf(-dx, t, 1));
  const xy = fmaf(xx, vv, fmaf(ny, t, uu));
  const x2 = f(xx * xx);
  let p = fmaf(T0, x2, T1);
  p = fmaf(p, x2, T2);
  // s += 2x (dfadd_vf2_vf2_vf2), then s += x2 * x * p (dfadd_vf2_vf2_vf).
  const x2x = f(2 * xx), x2y = f(2 * xy);
  let ns = f(sx + x2x);
  sy = f(f(f(f(sx - ns) + x2x) + sy) + x2y);
  sx = ns;
  const w = f(f(x2 * xx) * p);
  ns = f(sx + w);
  sy = f(f(f(sx - ns) + w) + sy);
  return f(ns + sy);
}

/** x + y as a float32 double-float (SLEEF's dfadd2_vf2_vf_vf). */
function twoSum(x: number, y: number): [number, number] {
  const s = f(x + y);
  const v = f(s - x);
  return [s, f(f(x - f(s - v)) + f(y - v))];
}

// Double-float helpers of SLEEF's df.h (FMA forms): a value as an unevaluated sum hi + lo of
// two floats. Results go to DX, DY to save allocating pairs.
let DX = 0, DY = 0;

/** dfadd2_vf2_vf2_vf: (xx, xy) + y. */
function dfadd2F(xx: number, xy: number, y: number): void {
  const s = f(xx + y);
  const v = f(s - xx);
  DY = f(f(f(xx - f(s - v)) + f(y - v)) + xy);
  DX = s;
}

/** dfadd2_vf2_vf2_vf2: (xx, xy) + (yx, yy). */
function dfadd2FF(xx: number, xy: number, yx: number, yy: number): void {
  const s = f(xx + yx);
  const v = f(s - xx);
  DY = f(f(f(xx - f(s - v)) + f(yx - v)) + f(xy + yy));
  DX = s;
}

/** dfadd_vf2_vf2_vf2 (|x| >= |y|): (xx, xy) + (yx, yy). */
function dfaddFF(xx: number, xy: number, yx: number, yy: number): void {
  const s = f(xx + yx);
  DY = f(f(f(f(xx - s) + yx) + xy) + yy);
  DX = s;
}

/** dfmul_vf2_vf2_vf2: (xx, xy) * (yx, yy). */
function dfmulFF(xx: number, xy: number, yx: number, yy: number): void {
  const s = f(xx * yx);
  DY = fmaf(xx, yy, fmaf(xy, yx, fmaf(xx, yx, -s)));
  DX = s;
}

/** dfdiv_vf2_vf2_vf2: (nx, ny) / (dx, dy). */
function dfdivFF(nx: number, ny: number, dx: number, dy: number): void {
  const t = f(1 / dx);
  const s = f(nx * t);
  const u = fmaf(t, nx, -s);
  const v = fmaf(-dy, t, fmaf(-dx, t, 1));
  DY = fmaf(s, v, fmaf(ny, t, u));
  DX = s;
}

const [K0, K1, K2, K3] = [0.1980960224e-3, 0.1394256484e-2, 0.8333456703e-2, 0.4166637361e-1].map(f);
const K4 = f(0.166666659414234244790680580464);

/** e^(dx + dy) as a double-float (SLEEF's expk2f), into DX, DY. */
function expk2(dx: number, dy: number): void {
  const q = rint(f(f(dx + dy) * R_LN2F));
  dfadd2F(dx, dy, f(q * -L2UF));
  dfadd2F(DX, DY, f(q * -L2LF));
  const sx = DX, sy = DY;
  let u = fmaf(K0, sx, K1);
  u = fmaf(u, sx, K2);
  u = fmaf(u, sx, K3);
  // t = s * u + 1/6 (dfmul_vf2_vf2_vf, then dfadd2_vf2_vf2_vf).
  const mx = f(sx * u);
  dfadd2F(mx, fmaf(sy, u, fmaf(sx, u, -mx)), K4);
  dfmulFF(sx, sy, DX, DY);
  dfadd2F(DX, DY, 0.5);
  const tx = DX, ty = DY;
  // s^2 (dfsqu_vf2_vf2) times t, plus s.
  const qx = f(sx * sx);
  const qy = fmaf(f(sx + sx), sy, fmaf(sx, sx, -qx));
  dfmulFF(qx, qy, tx, ty);
  dfadd2FF(sx, sy, DX, DY);
  // 1 + t (dfadd_vf2_vf_vf2), then both halves scaled by 2^q.
  const s1 = f(1 + DX);
  const lo = f(f(f(1 - s1) + DX) + DY);
  const h = q >> 1;
  DX = dx < -104 ? 0 : f(f(s1 * 2 ** h) * 2 ** (q - h));
  DY = dx < -104 ? 0 : f(f(lo * 2 ** h) * 2 ** (q - h));
}

/** tanh(x) for a float32 x, SLEEF's tanhf_u10 (xtanhf). */
export function tanhf(x: number): number {
  if (x !== x) return x;
  const y = Math.abs(x);
  if (y > 8.664339742) return x > 0 ? 1 : -1;
  expk2(y, 0);
  const dx = DX, dy = DY;
  // e = 1 / d (dfrec_vf2_vf2); tanh = (d - e) / (d + e).
  const ex = f(1 / dx);
  const ey = f(ex * fmaf(-dy, ex, fmaf(-dx, ex, 1)));
  dfaddFF(dx, dy, -ex, -ey);
  const nx = DX, ny = DY;
  dfaddFF(dx, dy, ex, ey);
  dfdivFF(nx, ny, DX, DY);
  const r = f(DX + DY);
  return x < 0 || Object.is(x, -0) ? -r : r;
}

// erff_u10's three ranges (|x| < 1.1, < 2.4, < 4): polynomial coefficients, then two
// double-float ones (SLEEF's vcast_vf2_d: the double as a float plus the float of the rest).
const ERF_T = [
  [0.7089292194e-4, -0.1792667899e-4, -0.9495757695e-5],
  [-0.7768311189e-3, 0.393763301e-3, 0.2481465926e-3],
  [0.5159463733e-2, -0.3949181177e-2, -0.2918176819e-2],
  [-0.2683781274e-1, 0.244547464e-1, 0.2059706673e-1],
  [0.1128318012, -0.107099615, -0.9901899844e-1],
].map((row) => row.map(f));
const df2 = (d: number): [number, number] => [f(d), f(d - f(d))];
const ERF_D1 = [-0.376125876000657465175213237214, -0.63458890590841038997121080921, -0.643598050547891613081201721633].map(df2);
const ERF_D2 = [1.12837916021059138255978217023, -1.12879855826694507209862753992, -1.12461487742845562801052956293].map(df2);
const F1_1 = f(1.1), F2_4 = f(2.4);

/** erf(x) for a float32 x, SLEEF's erff_u10 (xerff_u1). */
export function erff(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  const r = a < F1_1 ? 0 : a < F2_4 ? 1 : 2;
  const u = r === 0 ? f(a * a) : a;
  let t = ERF_T[0][r];
  for (let i = 1; i < 5; i++) t = fmaf(t, u, ERF_T[i][r]);
  // d = t * u (dfmul_vf2_vf_vf) + D1, times u, + D2, times a (dfmul_vf2_vf2_vf).
  let dx = f(t * u);
  let dy = fmaf(t, u, -dx);
  dfadd2FF(dx, dy, ERF_D1[r][0], ERF_D1[r][1]);
  dx = f(DX * u);
  dy = fmaf(DY, u, fmaf(DX, u, -dx));
  dfadd2FF(dx, dy, ERF_D2[r][0], ERF_D2[r][1]);
  dx = f(DX * a);
  dy = fmaf(DY, a, fmaf(DX, a, -dx));
  if (r !== 0) {
    // 1 - e^d (dfadd_vf2_vf_vf2(1, -expk2f(d))).
    expk2(dx, dy);
    const s = f(1 - DX);
    dy = f(f(f(1 - s) - DX) - DY);
    dx = s;
  }
  const v = a < 4 ? f(dx + dy) : 1;
  return x < 0 || Object.is(x, -0) ? -v : v;
}
