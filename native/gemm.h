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

}  // namespace tl
