// GEMM micro-kernels for WebAssembly SIMD128 (gemm.cc picks them in a wasm build).
// The portable 6x8 kernel of gemm.cc compiles to SIMD128 too, but runs at about half
// this speed in V8: 12 accumulators + 2 B vectors + the broadcast + the product's
// temporary need more than x86's 16 vector registers once wasm's mul and add (no FMA
// in clang 14's wasm target) are separate instructions, and its broadcast is a splat
// plus an add of zero. Here 4 rows x 2 vectors (8 accumulators) stay in registers and
// a's values are loaded already splatted (v128.load32_splat).
//
// The tile is not what limits it: on L1-resident panels 4x8, 5x8, 4x12 and 3x12 kernels
// (written like this one) all ran at ~40.7 GFLOP/s and 6x8 at 39.2 (V8 11.3, Xeon with
// 48 KiB L1d, loaded machine): each 4 multiply-adds are an f32x4.mul and an f32x4.add,
// and those two ops per 4 MACs saturate the FP ports; there is no FMA before relaxed
// SIMD. The relaxed-SIMD build (one f32x4.relaxed_madd, lowered by V8 to one FMA) runs
// 14-16% faster at n = 1024 on one thread (Node 20, GFLOP per CPU-second: 43.6 vs 38.3,
// loaded machine), and there a taller tile does pay: see sgemm_rx8 below. KC 256/384/512 x
// NC 256/512/1024 were within 1% at n = 1024, and touching C early (a prefetch) changed
// nothing. Packing costs ~5%.
//
// Same contract as the other micro-kernels (ukernel.inc): C[MR x NR] = (beta ? C : 0)
// + sum_p a[p*MR + i] * b[p*NR + j], a and b packed, C rows ldc apart.
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include <cstdint>

#include "gemm.h"

// x * y + acc. The relaxed-SIMD build (scripts/build-wasm.mjs's *-relaxed.wasm, compiled
// with -mrelaxed-simd) uses f32x4.relaxed_madd, which V8 lowers to one FMA instruction
// where the CPU has FMA (the same on one machine in Node and in a page): half the
// arithmetic ops of a mul and an add, and one rounding instead of two.
#if defined(__wasm_relaxed_simd__)
#define TL_MADDF(x, y, acc) wasm_f32x4_relaxed_madd(x, y, acc)
#define TL_MADDD(x, y, acc) wasm_f64x2_relaxed_madd(x, y, acc)
#else
#define TL_MADDF(x, y, acc) wasm_f32x4_add(acc, wasm_f32x4_mul(x, y))
#define TL_MADDD(x, y, acc) wasm_f64x2_add(acc, wasm_f64x2_mul(x, y))
#endif

namespace tl {
namespace wasm {

// The loads are written in inline assembly to carry their constant offsets in the
// instruction (v128.load offset=16): clang 14 computes each `b + 4` with a separate
// i32.add, which V8 turns into an extra lea per load (6 per k step, competing with the
// 16 SIMD multiplies and adds for the same ports). With the k loop left rolled V8
// keeps all 8 accumulators, both b vectors and the splat in registers (unrolled, clang
// hoists every load of the unrolled steps to the top and V8 spills accumulators).
// clang 19 (the relaxed-SIMD build) cannot take a v128 from inline assembly ("Do not know
// how to split the result"), and folds the constant offsets into the loads itself.
#if defined(__wasm_relaxed_simd__) || __clang_major__ >= 19
#define TL_LOADV(r, p, off) r = wasm_v128_load(reinterpret_cast<const char*>(p) + (off))
#define TL_SPLAT(r, p, off) r = wasm_v128_load32_splat(reinterpret_cast<const char*>(p) + (off))
#else
#define TL_LOADV(r, p, off) __asm__("local.get %1\n\tv128.load " #off "\n\tlocal.set %0" : "=r"(r) : "r"(p))
#define TL_SPLAT(r, p, off) __asm__("local.get %1\n\tv128.load32_splat " #off "\n\tlocal.set %0" : "=r"(r) : "r"(p))
#endif
#define TL_ROW(i, off)              \
  {                                 \
    v128_t ai;                      \
    TL_SPLAT(ai, a, off);           \
    c##i##0 = TL_MADDF(ai, b0, c##i##0); \
    c##i##1 = TL_MADDF(ai, b1, c##i##1); \
  }

static void sgemm_4x8(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta) {
  v128_t c00 = wasm_f32x4_const_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
#pragma clang loop unroll(disable)
  for (int64_t p = 0; p < k; p++) {
    v128_t b0, b1;
    TL_LOADV(b0, b, 0);
    TL_LOADV(b1, b, 16);
    TL_ROW(0, 0) TL_ROW(1, 4) TL_ROW(2, 8) TL_ROW(3, 12)
    a += 4;
    b += 8;
  }
#undef TL_ROW
#undef TL_SPLAT
#undef TL_LOADV
#define TL_STORE_ROW(i)                                                   \
  {                                                                       \
    float* ci = c + (i) * ldc;                                            \
    if (beta) {                                                           \
      c##i##0 = wasm_f32x4_add(c##i##0, wasm_v128_load(ci));              \
      c##i##1 = wasm_f32x4_add(c##i##1, wasm_v128_load(ci + 4));          \
    }                                                                     \
    wasm_v128_store(ci, c##i##0);                                         \
    wasm_v128_store(ci + 4, c##i##1);                                     \
  }
  TL_STORE_ROW(0) TL_STORE_ROW(1) TL_STORE_ROW(2) TL_STORE_ROW(3)
#undef TL_STORE_ROW
}

#if defined(__wasm_relaxed_simd__)
// With FMA the 4x8 tile's 8 accumulators are no longer enough: each relaxed_madd waits
// for the previous one into the same accumulator (FMA latency 4 at 2 a cycle needs 8 in
// flight with nothing else in the way), and the k loop's loads and pointer updates get in
// the way. 6 rows (12 accumulators + 2 b vectors + the splat: 15 of x64's 16 XMM
// registers, none spilled by V8) measured on a packed 256 x 512 B block streaming from
// L2 (Node 20, AMD EPYC Zen 5, one thread): 4x8 36.7-48.2 GFLOP/s (varying from run to
// run), 5x8 47-48, 6x8 51.2-52.2; 4x12 spills (26.9). Written with arrays: clang 19 keeps
// them in locals and folds the constant offsets into the loads.
template <int R>
static inline void sgemm_rx8(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta) {
  v128_t acc[R][2];
  for (int i = 0; i < R; i++) acc[i][0] = acc[i][1] = wasm_f32x4_const_splat(0);
#pragma clang loop unroll(disable)
  for (int64_t p = 0; p < k; p++) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    for (int i = 0; i < R; i++) {
      const v128_t ai = wasm_v128_load32_splat(a + i);
      acc[i][0] = TL_MADDF(ai, b0, acc[i][0]);
      acc[i][1] = TL_MADDF(ai, b1, acc[i][1]);
    }
    a += R;
    b += 8;
  }
  // C's old values masked to +0 when !beta rather than a branch: with the branch (or with
  // no C load at all) V8 11.3 keeps fewer accumulators in registers through the loop and
  // spills (6x8 25 GFLOP/s instead of 51 in the measurement above). acc + 0 == acc bit for
  // bit: acc starts at +0, and no sum from +0 is -0.
  const v128_t keep = wasm_i32x4_splat(beta ? -1 : 0);
  for (int i = 0; i < R; i++) {
    float* ci = c + i * ldc;
    wasm_v128_store(ci, wasm_f32x4_add(acc[i][0], wasm_v128_and(keep, wasm_v128_load(ci))));
    wasm_v128_store(ci + 4, wasm_f32x4_add(acc[i][1], wasm_v128_and(keep, wasm_v128_load(ci + 4))));
  }
}
static void sgemm_6x8(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta) {
  sgemm_rx8<6>(k, a, b, c, ldc, beta);
}
static void sgemm_3x8(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta) {
  sgemm_rx8<3>(k, a, b, c, ldc, beta);
}
extern const SgemmTile sgemm_tile = {6, sgemm_6x8, sgemm_3x8};
#else
extern const SgemmTile sgemm_tile = {4, sgemm_4x8, nullptr};
#endif

void dgemm_4x4(int64_t k, const double* a, const double* b, double* c, int64_t ldc, int beta) {
  v128_t c00 = wasm_f64x2_const_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
#pragma clang loop unroll_count(4)
  for (int64_t p = 0; p < k; p++) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 2);
    v128_t ai;
    ai = wasm_v128_load64_splat(a + 0);
    c00 = TL_MADDD(ai, b0, c00);
    c01 = TL_MADDD(ai, b1, c01);
    ai = wasm_v128_load64_splat(a + 1);
    c10 = TL_MADDD(ai, b0, c10);
    c11 = TL_MADDD(ai, b1, c11);
    ai = wasm_v128_load64_splat(a + 2);
    c20 = TL_MADDD(ai, b0, c20);
    c21 = TL_MADDD(ai, b1, c21);
    ai = wasm_v128_load64_splat(a + 3);
    c30 = TL_MADDD(ai, b0, c30);
    c31 = TL_MADDD(ai, b1, c31);
    a += 4;
    b += 4;
  }
#define TL_STORE_ROW(i)                                                   \
  {                                                                       \
    double* ci = c + (i) * ldc;                                           \
    if (beta) {                                                           \
      c##i##0 = wasm_f64x2_add(c##i##0, wasm_v128_load(ci));              \
      c##i##1 = wasm_f64x2_add(c##i##1, wasm_v128_load(ci + 2));          \
    }                                                                     \
    wasm_v128_store(ci, c##i##0);                                         \
    wasm_v128_store(ci + 2, c##i##1);                                     \
  }
  TL_STORE_ROW(0) TL_STORE_ROW(1) TL_STORE_ROW(2) TL_STORE_ROW(3)
#undef TL_STORE_ROW
}

// Packing for full panels (gemm.cc's pack_a / pack_b call these in a wasm build): 4x4
// transposes in SIMD instead of one float at a time. Same values, so results are
// unchanged; with the transposed B of a Linear's weight (x @ W^T) a 64x128x784 product
// runs ~10% faster (the scalar pack was ~17% of it).
// Transposes the 4x4 block r0..r3 into columns, stored at dst, dst + ld, dst + 2ld, dst + 3ld.
static inline void transpose4(v128_t r0, v128_t r1, v128_t r2, v128_t r3, float* dst, int64_t ld) {
  const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(dst, wasm_i64x2_shuffle(t0, t2, 0, 2));
  wasm_v128_store(dst + ld, wasm_i64x2_shuffle(t0, t2, 1, 3));
  wasm_v128_store(dst + 2 * ld, wasm_i64x2_shuffle(t1, t3, 0, 2));
  wasm_v128_store(dst + 3 * ld, wasm_i64x2_shuffle(t1, t3, 1, 3));
}
// dst[p*4 + i] = A[i*rsa + p] for i < 4, p < kc.
void pack_a4(float* dst, const float* A, int64_t rsa, int64_t kc) {
  const float *s0 = A, *s1 = A + rsa, *s2 = A + 2 * rsa, *s3 = A + 3 * rsa;
  int64_t p = 0;
  for (; p + 4 <= kc; p += 4, dst += 16)
    transpose4(wasm_v128_load(s0 + p), wasm_v128_load(s1 + p), wasm_v128_load(s2 + p), wasm_v128_load(s3 + p), dst, 4);
  for (; p < kc; p++, dst += 4) {
    dst[0] = s0[p]; dst[1] = s1[p]; dst[2] = s2[p]; dst[3] = s3[p];
  }
}
// dst[p*8 + j] = B[j*csb + p] for j < 8, p < kc (B's columns contiguous: rsb = 1).
void pack_b8t(float* dst, const float* B, int64_t csb, int64_t kc) {
  const float* s[8];
  for (int j = 0; j < 8; j++) s[j] = B + j * csb;
  int64_t p = 0;
  for (; p + 4 <= kc; p += 4, dst += 32) {
    transpose4(wasm_v128_load(s[0] + p), wasm_v128_load(s[1] + p), wasm_v128_load(s[2] + p), wasm_v128_load(s[3] + p), dst, 8);
    transpose4(wasm_v128_load(s[4] + p), wasm_v128_load(s[5] + p), wasm_v128_load(s[6] + p), wasm_v128_load(s[7] + p), dst + 4, 8);
  }
  for (; p < kc; p++, dst += 8)
    for (int j = 0; j < 8; j++) dst[j] = s[j][p];
}

}  // namespace wasm
}  // namespace tl

#if defined(__wasm_relaxed_simd__)
// Present only in the relaxed-SIMD build: how src/backend/wasm/load.ts tells which it loaded.
extern "C" __attribute__((export_name("tl_relaxed_simd"), visibility("default"))) int32_t tl_relaxed_simd() { return 1; }
#endif
#endif
