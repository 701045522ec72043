// Packed, register-blocked GEMM (BLIS-style loops) with micro-kernels picked at run
// time: AVX-512F, AVX2+FMA, or portable vector code.
#pragma once

#include <cstdint>

namespace tl {

enum Isa : int { ISA_GENERIC = 0, ISA_AVX2 = 1, ISA_AVX512 = 2, ISA_EMULATED512 = 3 };

// The best ISA this CPU (and OS) supports.
int detect_isa();
// The ISA the GEMM kernels use now; set_isa picks a lower one (tests, TORCHLETTE_ISA).
// ISA_EMULATED512 runs the AVX-512 tile shapes with portable vectors (tests only).
int active_isa();
bool set_isa(int isa);
const char* isa_name(int isa);

// C[M x N] (row-major, leading dimension ldc, unit column stride)
//   = (accumulate ? C : 0) + A[M x K] * B[K x N],
// A and B read through arbitrary element strides (transposes cost nothing).
// Uses up to `nthreads` threads of the pool (1 inside a parallel job).
template <class T>
void gemm(int64_t M, int64_t N, int64_t K, const T* A, int64_t rsa, int64_t csa, const T* B, int64_t rsb,
          int64_t csb, T* C, int64_t ldc, bool accumulate, int nthreads);

// The same product with B given by a packer instead of a strided matrix (a convolution's
// im2col, never stored whole): fn(ctx, dst, k0, kc, j0, nc, nr) writes the block
// B[k0, k0+kc) x [j0, j0+nc) as ceil(nc/nr) panels of nr columns, panel t at
// dst + t*nr*kc, each k-major (dst[p*nr + j]), zeros past column nc.
template <class T> struct PackB {
  void (*fn)(const void* ctx, T* dst, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr);
  const void* ctx;
};
template <class T>
void gemm_packed_b(int64_t M, int64_t N, int64_t K, const T* A, int64_t rsa, int64_t csa, const PackB<T>& b, T* C,
                   int64_t ldc, bool accumulate, int nthreads);

// And with A given by a packer too: fn(ctx, dst, i0, mc, k0, kc, mr, half) writes the
// block A[i0, i0+mc) x [k0, k0+kc) as panels of mr rows, panel t at dst + t*mr*kc, each
// k-major (dst[p*MR + i]) with rows past mc zero; MR = mr, or mr/2 for a last panel of
// at most mr/2 rows when `half`.
template <class T> struct PackA {
  void (*fn)(const void* ctx, T* dst, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, bool half);
  const void* ctx;
};
template <class T>
void gemm_packed(int64_t M, int64_t N, int64_t K, const PackA<T>& a, const PackB<T>& b, T* C, int64_t ldc,
                 bool accumulate, int nthreads);

#if defined(__wasm_simd128__)
namespace wasm {
// The float micro-kernel of a WebAssembly build (native/wasm/gemm_simd128.cc): mr x 8
// tiles, and `half` (or null) for a last panel of at most mr/2 rows. The relaxed-SIMD
// build (FMA) has a taller tile than the other; gemm.cc takes whichever was linked.
struct SgemmTile {
  int mr;
  void (*fn)(int64_t, const float*, const float*, float*, int64_t, int);
  void (*half)(int64_t, const float*, const float*, float*, int64_t, int);
};
extern const SgemmTile sgemm_tile;
}  // namespace wasm
#endif

}  // namespace tl
