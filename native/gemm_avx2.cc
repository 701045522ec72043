// AVX2+FMA GEMM micro-kernels (this file alone is compiled with -mavx2 -mfma and is
// only called after cpuid said the CPU has both).
#include <immintrin.h>

#include <cstdint>

namespace tl {
namespace avx2 {

#define TL_NAME sgemm_6x16
#define TL_MR 6
#define TL_T float
#define TL_V __m256
#define TL_W 8
#define TL_ZERO() _mm256_setzero_ps()
#define TL_LOAD(p) _mm256_load_ps(p)
#define TL_LOADU(p) _mm256_loadu_ps(p)
#define TL_STOREU(p, v) _mm256_storeu_ps(p, v)
#define TL_BCAST(p) _mm256_broadcast_ss(p)
#define TL_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define TL_PREFETCH(p) _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0)
#define TL_ADD(a, b) _mm256_add_ps(a, b)
#include "ukernel.inc"
#undef TL_NAME
#undef TL_MR
#undef TL_T
#undef TL_V
#undef TL_W
#undef TL_ZERO
#undef TL_LOAD
#undef TL_LOADU
#undef TL_STOREU
#undef TL_BCAST
#undef TL_FMA
#undef TL_ADD
#undef TL_PREFETCH

#define TL_NAME dgemm_6x8
#define TL_MR 6
#define TL_T double
#define TL_V __m256d
#define TL_W 4
#define TL_ZERO() _mm256_setzero_pd()
#define TL_LOAD(p) _mm256_load_pd(p)
#define TL_LOADU(p) _mm256_loadu_pd(p)
#define TL_STOREU(p, v) _mm256_storeu_pd(p, v)
#define TL_BCAST(p) _mm256_broadcast_sd(p)
#define TL_FMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define TL_PREFETCH(p) _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0)
#define TL_ADD(a, b) _mm256_add_pd(a, b)
#include "ukernel.inc"

}  // namespace avx2
}  // namespace tl
