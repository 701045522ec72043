// AVX-512F GEMM micro-kernels (this file alone is compiled with -mavx512f -mfma and is
// only called after cpuid said the CPU has AVX-512F).
#include <immintrin.h>

#include <cstdint>

namespace tl {
namespace avx512 {

#define TL_NAME sgemm_12x32
#define TL_PREFETCH_B (8 * 32)  // 8 iterations (1 KiB) ahead
#define TL_MR 12
#define TL_T float
#define TL_V __m512
#define TL_W 16
#define TL_ZERO() _mm512_setzero_ps()
#define TL_LOAD(p) _mm512_load_ps(p)
#define TL_LOADU(p) _mm512_loadu_ps(p)
#define TL_STOREU(p, v) _mm512_storeu_ps(p, v)
#define TL_BCAST(p) _mm512_set1_ps(*(p))
#define TL_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define TL_PREFETCH(p) _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0)
#define TL_ADD(a, b) _mm512_add_ps(a, b)
#include "ukernel.inc"
#undef TL_NAME
#undef TL_MR
#undef TL_PREFETCH_B
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

#define TL_NAME dgemm_12x16
#define TL_PREFETCH_B (8 * 16)
#define TL_MR 12
#define TL_T double
#define TL_V __m512d
#define TL_W 8
#define TL_ZERO() _mm512_setzero_pd()
#define TL_LOAD(p) _mm512_load_pd(p)
#define TL_LOADU(p) _mm512_loadu_pd(p)
#define TL_STOREU(p, v) _mm512_storeu_pd(p, v)
#define TL_BCAST(p) _mm512_set1_pd(*(p))
#define TL_FMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define TL_PREFETCH(p) _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0)
#define TL_ADD(a, b) _mm512_add_pd(a, b)
#include "ukernel.inc"

#undef TL_NAME
#undef TL_MR
#undef TL_PREFETCH_B

// Half-height tiles for a last panel of at most 6 rows (gemm.cc, Kernel::half).
#define TL_NAME dgemm_6x16
#define TL_MR 6
#define TL_PREFETCH_B (8 * 16)
#include "ukernel.inc"
#undef TL_NAME
#undef TL_MR
#undef TL_PREFETCH_B
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

#define TL_NAME sgemm_6x32
#define TL_MR 6
#define TL_PREFETCH_B (8 * 32)
#define TL_T float
#define TL_V __m512
#define TL_W 16
#define TL_ZERO() _mm512_setzero_ps()
#define TL_LOAD(p) _mm512_load_ps(p)
#define TL_LOADU(p) _mm512_loadu_ps(p)
#define TL_STOREU(p, v) _mm512_storeu_ps(p, v)
#define TL_BCAST(p) _mm512_set1_ps(*(p))
#define TL_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define TL_ADD(a, b) _mm512_add_ps(a, b)
#include "ukernel.inc"

}  // namespace avx512
}  // namespace tl
