// GEMM driver: BLIS's five loops around a micro-kernel (see gemm_serial for the
// order and the cache each packed block lives in). Threads take disjoint blocks of C
// (rows, or columns when A has few rows) and pack their own panels: no barriers.
#include "gemm.h"

// The portable micro-kernels write a*b + c and rely on the compiler fusing it where
// the target has FMA (the rest of the addon is built with -ffp-contract=off so that
// elementwise results match the JS backend's unfused arithmetic).
#if defined(__clang__)
#pragma clang fp contract(fast)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=fast")
#endif

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "common.h"
#include "parallel.h"
#include "transpose.h"

#if defined(__x86_64__) || defined(_M_X64)
#define TL_X86 1
#if defined(__GNUC__)
#include <cpuid.h>
#endif
#endif

namespace tl {

#if defined(TL_HAVE_X86_KERNELS)
namespace avx2 {
void sgemm_6x16(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta);
void dgemm_6x8(int64_t k, const double* a, const double* b, double* c, int64_t ldc, int beta);
}  // namespace avx2
namespace avx512 {
void sgemm_12x32(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta);
void dgemm_12x16(int64_t k, const double* a, const double* b, double* c, int64_t ldc, int beta);
void sgemm_6x32(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta);
void dgemm_6x16(int64_t k, const double* a, const double* b, double* c, int64_t ldc, int beta);
}  // namespace avx512
#endif
#if defined(__wasm_simd128__)
namespace wasm {  // native/wasm/gemm_simd128.cc
void dgemm_4x4(int64_t k, const double* a, const double* b, double* c, int64_t ldc, int beta);
void pack_a4(float* dst, const float* A, int64_t rsa, int64_t kc);
void pack_b8t(float* dst, const float* B, int64_t csb, int64_t kc);
}  // namespace wasm
#endif

// ---- Portable micro-kernels: the same body with GCC/Clang vector types ----
namespace generic {
#if defined(__GNUC__)
typedef float v4f __attribute__((vector_size(16), aligned(16)));
typedef double v2d __attribute__((vector_size(16), aligned(16)));
typedef float v16f __attribute__((vector_size(64), aligned(64)));
typedef double v8d __attribute__((vector_size(64), aligned(64)));
template <class V> inline V loadu(const void* p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}
template <class V> inline void storeu(void* p, V v) { std::memcpy(p, &v, sizeof(V)); }

#define TL_ZERO() TL_V{}
#define TL_LOAD(p) (*reinterpret_cast<const TL_V*>(p))
#define TL_LOADU(p) loadu<TL_V>(p)
#define TL_STOREU(p, v) storeu<TL_V>(p, v)
#define TL_BCAST(p) (TL_V{} + *(p))
#define TL_FMA(a, b, c) ((a) * (b) + (c))
#define TL_ADD(a, b) ((a) + (b))
#define TL_PREFETCH(p) __builtin_prefetch(p)

#define TL_NAME sgemm_6x8
#define TL_MR 6
#define TL_T float
#define TL_V v4f
#define TL_W 4
#include "ukernel.inc"
#undef TL_NAME
#undef TL_MR
#undef TL_T
#undef TL_V
#undef TL_W

#define TL_NAME dgemm_6x4
#define TL_MR 6
#define TL_T double
#define TL_V v2d
#define TL_W 2
#include "ukernel.inc"
#undef TL_NAME
#undef TL_MR
#undef TL_T
#undef TL_V
#undef TL_W

// The AVX-512 tile shapes (12x32 float, 12x16 double) in portable vectors, so the
// tests exercise those packing and edge paths on machines without AVX-512.
#define TL_NAME sgemm_12x32
#define TL_MR 12
#define TL_T float
#define TL_V v16f
#define TL_W 16
#include "ukernel.inc"
#undef TL_NAME
#undef TL_MR
#undef TL_T
#undef TL_V
#undef TL_W

#define TL_NAME dgemm_12x16
#define TL_MR 12
#define TL_T double
#define TL_V v8d
#define TL_W 8
#include "ukernel.inc"
#undef TL_NAME
#undef TL_MR
#undef TL_T
#undef TL_V
#undef TL_W

// Their half-height kernels, for edge panels of at most 6 rows.
#define TL_NAME sgemm_6x32
#define TL_MR 6
#define TL_T float
#define TL_V v16f
#define TL_W 16
#include "ukernel.inc"
#undef TL_NAME
#undef TL_MR
#undef TL_T
#undef TL_V
#undef TL_W

#define TL_NAME dgemm_6x16
#define TL_MR 6
#define TL_T double
#define TL_V v8d
#define TL_W 8
#include "ukernel.inc"
#undef TL_NAME
#undef TL_MR
#undef TL_T
#undef TL_V
#undef TL_W
#else
// Compilers without vector extensions: a plain loop nest (6 x 8 / 6 x 4 tiles).
template <class T, int MR, int NR>
void ukr(int64_t k, const T* a, const T* b, T* c, int64_t ldc, int beta) {
  T acc[MR][NR] = {};
  for (int64_t p = 0; p < k; p++, a += MR, b += NR)
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++) acc[i][j] += a[i] * b[j];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR; j++) c[i * ldc + j] = beta ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}
void sgemm_6x8(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta) { ukr<float, 6, 8>(k, a, b, c, ldc, beta); }
void dgemm_6x4(int64_t k, const double* a, const double* b, double* c, int64_t ldc, int beta) { ukr<double, 6, 4>(k, a, b, c, ldc, beta); }
void sgemm_12x32(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta) { ukr<float, 12, 32>(k, a, b, c, ldc, beta); }
void dgemm_12x16(int64_t k, const double* a, const double* b, double* c, int64_t ldc, int beta) { ukr<double, 12, 16>(k, a, b, c, ldc, beta); }
void sgemm_6x32(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int beta) { ukr<float, 6, 32>(k, a, b, c, ldc, beta); }
void dgemm_6x16(int64_t k, const double* a, const double* b, double* c, int64_t ldc, int beta) { ukr<double, 6, 16>(k, a, b, c, ldc, beta); }
#endif
}  // namespace generic

// ---- CPU detection ----

int detect_isa() {
#if defined(TL_HAVE_X86_KERNELS) && defined(__GNUC__)
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return ISA_GENERIC;
  const bool osxsave = c & (1u << 27), avx = c & (1u << 28), fma = c & (1u << 12);
  if (!(osxsave && avx && fma)) return ISA_GENERIC;
  unsigned xlo, xhi;
  __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
  if ((xlo & 0x6) != 0x6) return ISA_GENERIC;  // the OS saves YMM state
  if (__get_cpuid_max(0, nullptr) < 7) return ISA_GENERIC;
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = b & (1u << 5), avx512f = b & (1u << 16);
  if (avx512f && (xlo & 0xe6) == 0xe6) return ISA_AVX512;  // and opmask/ZMM state
  return avx2 ? ISA_AVX2 : ISA_GENERIC;
#else
  return ISA_GENERIC;
#endif
}

const char* isa_name(int isa) {
  switch (isa) {
    case ISA_AVX512: return "avx512";
    case ISA_AVX2: return "avx2";
    case ISA_EMULATED512: return "emulated512";
    default: return "generic";
  }
}

template <class T> struct Kernel {
  int mr, nr;
  void (*fn)(int64_t, const T*, const T*, T*, int64_t, int);
  // Cache blocking (BLIS's, with A and B in the roles of its B and A: our tile's rows
  // are the broadcast side). One MR x kc A micro-panel stays in L1 while the kc x nc
  // packed B block streams from L2 through it; the mc x kc packed A block sits in L3.
  int kc, mc, nc;
  // A kernel MR/2 rows high (or null) for a last panel of at most MR/2 rows, which is
  // then packed MR/2 wide: M = 64 (conv layers' channels) is 5 x 12 + 4 rows, and a
  // 12-row kernel on those 4 would waste 8/12 of that panel's work.
  void (*half)(int64_t, const T*, const T*, T*, int64_t, int) = nullptr;
};

static int g_isa = -1;
static Kernel<float> g_sk;
static Kernel<double> g_dk;

bool set_isa(int isa) {
  if (isa != ISA_EMULATED512 && isa > detect_isa()) return false;
  g_isa = isa;
  switch (isa) {
#if defined(TL_HAVE_X86_KERNELS)
    case ISA_AVX512:
      g_sk = {12, 32, avx512::sgemm_12x32, 384, 3072, 768, avx512::sgemm_6x32};
      g_dk = {12, 16, avx512::dgemm_12x16, 256, 3072, 512, avx512::dgemm_6x16};
      break;
    case ISA_AVX2:
      g_sk = {6, 16, avx2::sgemm_6x16, 256, 3072, 768};
      g_dk = {6, 8, avx2::dgemm_6x8, 256, 3072, 384};
      break;
#endif
    case ISA_EMULATED512:
      g_sk = {12, 32, generic::sgemm_12x32, 384, 3072, 768, generic::sgemm_6x32};
      g_dk = {12, 16, generic::dgemm_12x16, 256, 3072, 512, generic::dgemm_6x16};
      break;
    default:
      g_isa = ISA_GENERIC;
#if defined(__wasm_simd128__)
      g_sk = {wasm::sgemm_tile.mr, 8, wasm::sgemm_tile.fn, 256, 3072, 512, wasm::sgemm_tile.half};
      g_dk = {4, 4, wasm::dgemm_4x4, 256, 3072, 256};
#else
      g_sk = {6, 8, generic::sgemm_6x8, 256, 3072, 512};
      g_dk = {6, 4, generic::dgemm_6x4, 256, 3072, 256};
#endif
      break;
  }
  return true;
}

// The best kernels are picked when the library loads (a static initializer: the addon's
// dlopen, the WebAssembly build's _initialize), before any thread runs a kernel. Not at
// first use through a function-local static: the threaded WebAssembly build's C++ runtime
// is built without threads, and its guard for such a static aborts (a trap) when a second
// thread arrives while the first is initialising it; a worker thread trapped that way
// when the first GEMM of a process ran on two threads at once.
[[maybe_unused]] static const bool g_isa_picked = set_isa(detect_isa());

int active_isa() { return g_isa; }

template <class T> static const Kernel<T>& kernel();
template <> const Kernel<float>& kernel<float>() {
  active_isa();
  return g_sk;
}
template <> const Kernel<double>& kernel<double>() {
  active_isa();
  return g_dk;
}

// ---- Packing ----

// A block [mc x kc] into MR-row panels, each stored k-major: dst[p*MR + i] (a last
// panel of at most MR/2 rows MR/2 wide when `half`: Kernel::half reads it).
template <class T>
static void pack_a(T* dst, const T* A, int64_t rsa, int64_t csa, int64_t mc, int64_t kc, int mr, bool half) {
  for (int64_t ip = 0; ip < mc; ip += mr, dst += mr * kc) {
    const int m = static_cast<int>(std::min<int64_t>(mr, mc - ip));
    const int MR = half && m <= mr / 2 ? mr / 2 : mr;
    if (csa == 1) {
#if defined(__wasm_simd128__)
      if constexpr (sizeof(T) == 4) {
        if (m == 4 && MR == 4) {
          wasm::pack_a4(dst, A + ip * rsa, rsa, kc);
          continue;
        }
      }
#endif
      // A row-major A: its rows become the panel's columns, transposed in register blocks
      // (native/transpose.h). One element from each row per step of k made A's packing 39%
      // of the micro-kernel's time in the 512 @ 7 Winograd forward (perf), 30% this way.
      transpose_into_panel(A + ip * rsa, rsa, m, kc, dst, MR);
    } else {
      for (int64_t p = 0; p < kc; p++) {
        const T* src = A + p * csa + ip * rsa;
        for (int i = 0; i < m; i++) dst[p * MR + i] = src[i * rsa];
      }
    }
    for (int i = m; i < MR; i++)
      for (int64_t p = 0; p < kc; p++) dst[p * MR + i] = 0;
  }
}

// kc rows of NR contiguous elements, rs apart, into one packed panel.
template <class T, int NR>
static void copy_rows(T* dst, const T* src, int64_t rs, int64_t kc) {
  for (int64_t p = 0; p < kc; p++, dst += NR, src += rs) std::memcpy(dst, src, NR * sizeof(T));
}

// Panels jp0..jp1 (of NR columns) of the B block [kc x nc], each k-major: dst[p*NR + j].
template <class T>
static void pack_b(T* dst, const T* B, int64_t rsb, int64_t csb, int64_t kc, int64_t nc, int NR, int64_t jp0,
                   int64_t jp1) {
  for (int64_t panel = jp0; panel < jp1; panel++) {
    T* d = dst + panel * NR * kc;
    const int64_t jp = panel * NR;
    const int n = static_cast<int>(std::min<int64_t>(NR, nc - jp));
    if (csb == 1 && n == NR && (NR == 32 || NR == 16 || NR == 8 || NR == 4)) {
      // Full panels with a constant-size copy per row (a loop over a runtime n cost
      // ~15% of a 256^3 product).
      if (NR == 32) copy_rows<T, 32>(d, B + jp, rsb, kc);
      else if (NR == 16) copy_rows<T, 16>(d, B + jp, rsb, kc);
      else if (NR == 8) copy_rows<T, 8>(d, B + jp, rsb, kc);
      else copy_rows<T, 4>(d, B + jp, rsb, kc);
#if defined(__wasm_simd128__)
    } else if (sizeof(T) == 4 && rsb == 1 && n == NR && NR == 8) {  // B^T row-major (a Linear's weight)
      wasm::pack_b8t(reinterpret_cast<float*>(d), reinterpret_cast<const float*>(B + jp * csb), csb, kc);
#endif
    } else if (csb == 1) {
      for (int64_t p = 0; p < kc; p++) {
        const T* src = B + p * rsb + jp;
        T* row = d + p * NR;
        for (int j = 0; j < n; j++) row[j] = src[j];
        for (int j = n; j < NR; j++) row[j] = 0;
      }
    } else {
      if (rsb == 1) {
        // B's columns stored as contiguous runs, csb apart (B^T row-major: x @ W^T of a
        // Linear, the Winograd weight gradient's V^T), transposed into the panel in register
        // blocks (one element from each column per step of k was 1.2-1.7x slower on
        // Linear-shaped products; column by column, NR elements apart, 2x slower again).
        transpose_into_panel(B + jp * csb, csb, n, kc, d, NR);
      } else {
        for (int j = 0; j < n; j++) {
          const T* src = B + (jp + j) * csb;
          for (int64_t p = 0; p < kc; p++) d[p * NR + j] = src[p * rsb];
        }
      }
      for (int j = n; j < NR; j++)
        for (int64_t p = 0; p < kc; p++) d[p * NR + j] = 0;
    }
  }
}

// ---- The driver ----

// One micro-tile, through a local tile when it is cut by the matrix edge.
template <class T>
static inline void tile(const Kernel<T>& k, int64_t kc, const T* ap, const T* bp, T* c, int64_t ldc, int beta, int m,
                        int n) {
  if (m == k.mr && n == k.nr) {
    k.fn(kc, ap, bp, c, ldc, beta);
    return;
  }
  alignas(64) T buf[12 * 32];  // the largest tile: 12 x 32 (AVX-512 float)
  const bool half = k.half && m <= k.mr / 2;  // packed MR/2 wide (pack_a)
  if (half && m == k.mr / 2 && n == k.nr) {
    k.half(kc, ap, bp, c, ldc, beta);
    return;
  }
  (half ? k.half : k.fn)(kc, ap, bp, buf, k.nr, 0);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) c[i * ldc + j] = beta ? c[i * ldc + j] + buf[i * k.nr + j] : buf[i * k.nr + j];
}

// The whole product on this thread with its own packed panels. Loops, outer to inner:
// ic (mc rows of A) -> pc (kc of the shared dim: pack the A block) -> jc (nc columns
// of B: pack the B block) -> ir (one A micro-panel, kept in L1) -> jr (the B block's
// micro-panels, from L2). The A block is packed once per (ic, pc) and, with mc
// covering M in the usual case, B once per (pc, jc): nothing is packed twice.
// `packb(dst, k0, kc, j0, nc)` packs the B block [k0, k0+kc) x [j0, j0+nc) into nr-column
// panels (pack_b's layout): a strided matrix, or an implicit one (a convolution's im2col).
// `packa(dst, i0, mc, k0, kc, mr, half)` likewise packs the A block [i0, i0+mc) x [k0, k0+kc)
// (pack_a's layout).
template <class T, class PA, class PB>
static void gemm_serial(const Kernel<T>& k, int64_t M, int64_t N, int64_t K, const PA& packa, const PB& packb, T* C,
                        int64_t ldc, bool accumulate) {
  const int64_t KC = std::min<int64_t>(k.kc, K);
  const int64_t MC = std::min<int64_t>(k.mc, (M + k.mr - 1) / k.mr * k.mr);
  const int64_t NC = std::min<int64_t>(k.nc, (N + k.nr - 1) / k.nr * k.nr);
  T* apack = static_cast<T*>(thread_scratch(0).get(sizeof(T) * MC * KC));
  T* bpack = static_cast<T*>(thread_scratch(1).get(sizeof(T) * KC * NC));
  for (int64_t ic = 0; ic < M; ic += MC) {
    const int64_t mc = std::min(MC, M - ic);
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = std::min(KC, K - pc);
      const int beta = (pc > 0 || accumulate) ? 1 : 0;
      packa(apack, ic, mc, pc, kc, k.mr, k.half != nullptr);
      for (int64_t jc = 0; jc < N; jc += NC) {
        const int64_t nc = std::min(NC, N - jc);
        const int64_t npanels = (nc + k.nr - 1) / k.nr;
        packb(bpack, pc, kc, jc, nc);
        for (int64_t ir = 0; ir < mc; ir += k.mr) {
          const int m = static_cast<int>(std::min<int64_t>(k.mr, mc - ir));
          const T* ap = apack + ir * kc;
          T* crow = C + (ic + ir) * ldc + jc;
          for (int64_t jp = 0; jp < npanels; jp++) {
            const int64_t jr = jp * k.nr;
            const int n = static_cast<int>(std::min<int64_t>(k.nr, nc - jr));
            tile(k, kc, ap, bpack + jp * k.nr * kc, crow + jr, ldc, beta, m, n);
          }
        }
      }
    }
  }
}

// Threads take disjoint blocks of C (rows, or columns when A has few rows), each
// packing its own panels: no barriers, so a thread the OS parks (machines here are
// shared) delays only its own block. Duplicated packing costs ~1/M of the work.
// `packb(dst, k0, kc, j0, nc)` as in gemm_serial, with absolute column indices.
template <class T, class PA, class PB>
static void gemm_driver(int64_t M, int64_t N, int64_t K, const PA& packa, const PB& packb, T* C, int64_t ldc,
                        bool accumulate, int nthreads) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (int64_t i = 0; i < M; i++) std::memset(C + i * ldc, 0, sizeof(T) * N);
    return;
  }
  const Kernel<T>& k = kernel<T>();
  // A thread needs ~1M multiply-adds to be worth waking.
  int nth = threads_for(M * N * K, 1 << 20);
  if (nth > nthreads) nth = nthreads;
  const int64_t mpanels = (M + k.mr - 1) / k.mr, npanels = (N + k.nr - 1) / k.nr;
  if (nth > 1 && mpanels < nth && npanels < nth) nth = static_cast<int>(std::max(mpanels, npanels));
  if (nth <= 1) {
    gemm_serial(k, M, N, K, packa, packb, C, ldc, accumulate);
    return;
  }
  // Each thread packs all of the operand whose dim is not split: split the larger of M
  // and N (a conv's im2col B is K x P with P >> M), unless the other gives the threads
  // a clearly more even share of micro-tiles.
  auto balance = [nth](int64_t parts) {
    return parts < nth ? 0.0 : double(parts) / double(nth * ((parts + nth - 1) / nth));
  };
  const double br = balance(mpanels), bc = balance(npanels);
  const bool by_rows = M >= N ? br > 0 && br >= bc - 0.1 : bc == 0 || br > bc + 0.1;
  parallel(nth, [&](int tid, int n) {
    const int64_t parts = by_rows ? mpanels : npanels;
    int64_t p0, p1;
    split_range(parts, tid, n, p0, p1);
    if (p1 <= p0) return;
    if (by_rows) {
      const int64_t r0 = p0 * k.mr, r1 = std::min(M, p1 * k.mr);
      auto shifted = [&](T* dst, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, bool half) {
        packa(dst, r0 + i0, mc, k0, kc, mr, half);
      };
      gemm_serial(k, r1 - r0, N, K, shifted, packb, C + r0 * ldc, ldc, accumulate);
    } else {
      const int64_t c0 = p0 * k.nr, c1 = std::min(N, p1 * k.nr);
      auto shifted = [&](T* dst, int64_t k0, int64_t kc, int64_t j0, int64_t nc) { packb(dst, k0, kc, c0 + j0, nc); };
      gemm_serial(k, M, c1 - c0, K, packa, shifted, C + c0, ldc, accumulate);
    }
  });
}

template <class T>
void gemm(int64_t M, int64_t N, int64_t K, const T* A, int64_t rsa, int64_t csa, const T* B, int64_t rsb,
          int64_t csb, T* C, int64_t ldc, bool accumulate, int nthreads) {
  const int nr = kernel<T>().nr;
  auto packa = [=](T* dst, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, bool half) {
    pack_a(dst, A + i0 * rsa + k0 * csa, rsa, csa, mc, kc, mr, half);
  };
  auto packb = [=](T* dst, int64_t k0, int64_t kc, int64_t j0, int64_t nc) {
    pack_b(dst, B + k0 * rsb + j0 * csb, rsb, csb, kc, nc, nr, 0, (nc + nr - 1) / nr);
  };
  gemm_driver(M, N, K, packa, packb, C, ldc, accumulate, nthreads);
}

template <class T>
void gemm_packed_b(int64_t M, int64_t N, int64_t K, const T* A, int64_t rsa, int64_t csa, const PackB<T>& b, T* C,
                   int64_t ldc, bool accumulate, int nthreads) {
  const int nr = kernel<T>().nr;
  auto packa = [=](T* dst, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, bool half) {
    pack_a(dst, A + i0 * rsa + k0 * csa, rsa, csa, mc, kc, mr, half);
  };
  auto packb = [&b, nr](T* dst, int64_t k0, int64_t kc, int64_t j0, int64_t nc) { b.fn(b.ctx, dst, k0, kc, j0, nc, nr); };
  gemm_driver(M, N, K, packa, packb, C, ldc, accumulate, nthreads);
}

template <class T>
void gemm_packed(int64_t M, int64_t N, int64_t K, const PackA<T>& a, const PackB<T>& b, T* C, int64_t ldc,
                 bool accumulate, int nthreads) {
  const int nr = kernel<T>().nr;
  auto packa = [&a](T* dst, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, bool half) {
    a.fn(a.ctx, dst, i0, mc, k0, kc, mr, half);
  };
  auto packb = [&b, nr](T* dst, int64_t k0, int64_t kc, int64_t j0, int64_t nc) { b.fn(b.ctx, dst, k0, kc, j0, nc, nr); };
  gemm_driver(M, N, K, packa, packb, C, ldc, accumulate, nthreads);
}

template void gemm<float>(int64_t, int64_t, int64_t, const float*, int64_t, int64_t, const float*, int64_t, int64_t,
                          float*, int64_t, bool, int);
template void gemm<double>(int64_t, int64_t, int64_t, const double*, int64_t, int64_t, const double*, int64_t,
                           int64_t, double*, int64_t, bool, int);
template void gemm_packed_b<float>(int64_t, int64_t, int64_t, const float*, int64_t, int64_t, const PackB<float>&,
                                   float*, int64_t, bool, int);
template void gemm_packed_b<double>(int64_t, int64_t, int64_t, const double*, int64_t, int64_t, const PackB<double>&,
                                    double*, int64_t, bool, int);
template void gemm_packed<float>(int64_t, int64_t, int64_t, const PackA<float>&, const PackB<float>&, float*, int64_t,
                                 bool, int);
template void gemm_packed<double>(int64_t, int64_t, int64_t, const PackA<double>&, const PackB<double>&, double*,
                                  int64_t, bool, int);

}  // namespace tl
