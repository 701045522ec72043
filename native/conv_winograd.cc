// Winograd F(2x2, 3x3) convolution (Lavin & Gray 2016), float32, for conv.cc.
// Each 2x2 output tile y of an (output channel o) plane is A^T [sum_c U_oc . V_c] A with
//   U_oc = G g_oc G^T   (4x4, the 3x3 filter transformed)
//   V_c  = B^T d_c B    (4x4, the 4x4 input patch transformed)
// and the sum over c at each of the 16 positions xi of the 4x4 is a GEMM:
//   M[xi] (O x tiles) = U[xi] (O x C) . V[xi] (C x tiles).
// G, B^T and A^T hold only 0, +-1 and +-1/2 (exact in binary), so the transforms add and
// subtract: the error is that of the GEMM's sums (K = C terms, as the direct method's
// K = 9C) plus a few roundings per transform on values up to 4x (input) and 9x
// (output, 9 terms) the operands' size. Measured against float64 on the ResNet18 3x3
// layers (batch 8, randn input, weight randn * 0.05): max abs error / max |result|
// 4e-7..8e-7 forward and input gradient, 6e-7..1e-6 weight gradient, within 2x the
// im2col GEMM's (test/backend/matmul-conv.test.ts compares with the JS backend).
// The weight gradient is F(3x3, 2x2): the same V, the gradient's 2x2 tiles by A, and
// GEMMs summing Z[xi] . V[xi]^T over the tiles.
//
// Blocks of ~512 tiles (rows of tiles across images) run in turn; in each, the threads
// split the transforms by tile rows and the 16 GEMMs by xi.
#include "conv_winograd.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common.h"
#include "gemm.h"
#include "parallel.h"

namespace tl {

namespace {

// U[xi] = (G g G^T)[xi] with G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1] for the
// filters g of rows [r0, r1) of an R x S grid of them (g(r, s) at w0 + r*rs + s*ss, its
// taps ws2, ws3 apart), into U + xi*us + r*S + s: the weight is read in its own memory
// order (S along the contiguous dim) and each of the 16 matrices written sequentially.
void transform_weight(const float* w0, int64_t rs, int64_t ss, int64_t ws2, int64_t ws3, int64_t S, int64_t r0,
                      int64_t r1, float* U, int64_t us) {
  for (int64_t r = r0; r < r1; r++)
  for (int64_t s = 0; s < S; s++) {
    const float* g = w0 + r * rs + s * ss;
    float t[4][3];
    for (int j = 0; j < 3; j++) {
      const float g0 = g[j * ws3], g1 = g[ws2 + j * ws3], g2 = g[2 * ws2 + j * ws3];
      t[0][j] = g0;
      t[1][j] = 0.5f * (g0 + g1 + g2);
      t[2][j] = 0.5f * (g0 - g1 + g2);
      t[3][j] = g2;
    }
    for (int a = 0; a < 4; a++) {
      float* u = U + a * 4 * us + r * S + s;
      u[0] = t[a][0];
      u[us] = 0.5f * (t[a][0] + t[a][1] + t[a][2]);
      u[2 * us] = 0.5f * (t[a][0] - t[a][1] + t[a][2]);
      u[3 * us] = t[a][2];
    }
  }
}

// The distance between the 16 matrices of V (or M) of n floats each: a little more than
// n, so that the 4 or 16 rows a transform touches at once are not in one L1 set.
inline int64_t xi_stride(int64_t n) { return n + 16; }

struct Plan {
  int64_t N, C, H, W, O, oH, oW, ph, pw;
  int64_t tH, tW, Wp;  // tiles per column and row; padded input row (2*tW + 2)
};

// The transforms' inner loops, over contiguous arrays that never overlap (restrict
// parameters, so that they vectorise).
void split_even_odd(const float* __restrict in, float* __restrict e, float* __restrict o, int64_t n) {
  for (int64_t k = 0; k < n; k++) {
    e[k] = in[2 * k];
    o[k] = in[2 * k + 1];
  }
}

// B^T applied across four rows: [d0 - d2, d1 + d2, d2 - d1, d1 - d3].
void bt_rows(const float* __restrict d0, const float* __restrict d1, const float* __restrict d2,
             const float* __restrict d3, float* __restrict t0, float* __restrict t1, float* __restrict t2,
             float* __restrict t3, int64_t n) {
  for (int64_t k = 0; k < n; k++) {
    t0[k] = d0[k] - d2[k];
    t1[k] = d1[k] + d2[k];
    t2[k] = d2[k] - d1[k];
    t3[k] = d1[k] - d3[k];
  }
}

// B applied to each tile's columns even[k], odd[k], even[k+1], odd[k+1].
void b_cols(const float* __restrict e, const float* __restrict o, float* __restrict v0, float* __restrict v1,
            float* __restrict v2, float* __restrict v3, int64_t n) {
  for (int64_t k = 0; k < n; k++) {
    v0[k] = e[k] - e[k + 1];
    v1[k] = o[k] + e[k + 1];
    v2[k] = e[k + 1] - o[k];
    v3[k] = o[k] - o[k + 1];
  }
}

// m A for one row of m: its columns [m0 + m1 + m2, m1 - m2 - m3].
void a_cols(const float* __restrict m0, const float* __restrict m1, const float* __restrict m2,
            const float* __restrict m3, float* __restrict a, float* __restrict c, int64_t n) {
  for (int64_t k = 0; k < n; k++) {
    a[k] = m0[k] + m1[k] + m2[k];
    c[k] = m1[k] - m2[k] - m3[k];
  }
}

// A^T (m A) + b: the tile's two output rows, each tile's two columns side by side.
void at_rows(const float* __restrict a0, const float* __restrict a1, const float* __restrict a2,
             const float* __restrict a3, const float* __restrict c0, const float* __restrict c1,
             const float* __restrict c2, const float* __restrict c3, float b, float* __restrict u0,
             float* __restrict u1, int64_t n) {
  for (int64_t k = 0; k < n; k++) {
    u0[2 * k] = a0[k] + a1[k] + a2[k] + b;
    u0[2 * k + 1] = c0[k] + c1[k] + c2[k] + b;
    u1[2 * k] = a1[k] - a2[k] - a3[k] + b;
    u1[2 * k + 1] = c1[k] - c2[k] - c3[k] + b;
  }
}

// A applied across a tile's two gradOut rows (even and odd columns): rows 1 and 2 of
// [g0, g0 + g1, g0 - g1, -g1] (0 and 3 are the rows themselves).
void a_rows(const float* __restrict e0, const float* __restrict o0, const float* __restrict e1,
            const float* __restrict o1, float* __restrict p1, float* __restrict q1, float* __restrict p2,
            float* __restrict q2, int64_t n) {
  for (int64_t k = 0; k < n; k++) {
    p1[k] = e0[k] + e1[k];
    q1[k] = o0[k] + o1[k];
    p2[k] = e0[k] - e1[k];
    q2[k] = o0[k] - o1[k];
  }
}

// The same on a row's two columns (p, q), times sign (+-1, exact): [p, p + q, p - q, -q].
void a_cols_t(const float* __restrict p, const float* __restrict q, float sign, float* __restrict z0,
              float* __restrict z1, float* __restrict z2, float* __restrict z3, int64_t n) {
  for (int64_t k = 0; k < n; k++) {
    z0[k] = sign * p[k];
    z1[k] = sign * (p[k] + q[k]);
    z2[k] = sign * (p[k] - q[k]);
    z3[k] = -sign * q[k];
  }
}

// V[xi][c][t] for the tiles of `nr` tile rows starting at global row r0 (row r = image
// r / tH, tile row r % tH), t = (r - r0) * tW + tile column. d: 16 * (tW + 1) + Wp
// floats of scratch. Every loop is over contiguous arrays (so it vectorises): the
// input rows are split into even and odd columns first, tile k's columns 2k..2k+3
// being even[k], odd[k], even[k+1], odd[k+1].
void transform_input(const Plan& P, const View& x, int64_t r0, int64_t nr, float* V, int64_t nb, float* d) {
  const float* X = x.ptr<float>();
  const int64_t xs0 = x.strides[0], xs1 = x.strides[1], xs2 = x.strides[2], xs3 = x.strides[3];
  const int64_t Wp = P.Wp, tW = P.tW, h = tW + 1, step = xi_stride(P.C * nb);
  // Column k of a padded row is input column k - pw: [k0, k1) are inside the image.
  const int64_t k0 = std::min(Wp, P.pw), k1 = std::max(k0, std::min(Wp, P.W + P.pw));
  // Tiles k in [e0, e1) read both their columns 2k - pw and 2k + 1 - pw inside the image
  // (split straight from the input row when it is contiguous).
  const int64_t e0 = std::min(h, (P.pw + 1) / 2), e1 = std::max(e0, std::min(h, (P.W + P.pw) / 2));
  float* row = d + 16 * h;  // one padded input row
  float *ev[4], *od[4], *te[4], *to[4];
  for (int i = 0; i < 4; i++) {
    ev[i] = d + (2 * i) * h;
    od[i] = d + (2 * i + 1) * h;
    te[i] = d + (8 + 2 * i) * h;
    to[i] = d + (9 + 2 * i) * h;
  }
  for (int64_t c = 0; c < P.C; c++) {
    for (int64_t rr = 0; rr < nr; rr++) {
      const int64_t r = r0 + rr, n = r / P.tH, ty = r % P.tH;
      const float* plane = X + n * xs0 + c * xs1;
      for (int i = 0; i < 4; i++) {
        const int64_t ih = 2 * ty - P.ph + i;
        if (ih < 0 || ih >= P.H) {
          std::fill(ev[i], ev[i] + h, 0.0f);
          std::fill(od[i], od[i] + h, 0.0f);
          continue;
        }
        const float* line = plane + ih * xs2;
        if (xs3 == 1) {
          split_even_odd(line + 2 * e0 - P.pw, ev[i] + e0, od[i] + e0, e1 - e0);
          for (int64_t k = 0; k < h; k++) {  // the edge tiles' columns
            if (k == e0) k = e1;
            if (k >= h) break;
            const int64_t c0 = 2 * k - P.pw, c1 = c0 + 1;
            ev[i][k] = c0 >= 0 && c0 < P.W ? line[c0] : 0.0f;
            od[i][k] = c1 >= 0 && c1 < P.W ? line[c1] : 0.0f;
          }
          continue;
        }
        std::fill(row, row + k0, 0.0f);
        for (int64_t k = k0; k < k1; k++) row[k] = line[(k - P.pw) * xs3];
        std::fill(row + k1, row + Wp, 0.0f);
        split_even_odd(row, ev[i], od[i], h);
      }
      // B^T d: rows [d0 - d2, d1 + d2, d2 - d1, d1 - d3], on the even and the odd columns.
      bt_rows(ev[0], ev[1], ev[2], ev[3], te[0], te[1], te[2], te[3], h);
      bt_rows(od[0], od[1], od[2], od[3], to[0], to[1], to[2], to[3], h);
      // (B^T d) B: the same on each tile's columns.
      float* v = V + c * nb + rr * tW;
      for (int a = 0; a < 4; a++) {
        float* v0 = v + (4 * a) * step;
        b_cols(te[a], to[a], v0, v0 + step, v0 + 2 * step, v0 + 3 * step, tW);
      }
    }
  }
}

// out tiles from M[xi][o][t] (A^T m A with A^T = [1 1 1 0; 0 1 -1 -1]), plus bias.
// y: 12 * tW floats of scratch.
void transform_output(const Plan& P, const float* M, int64_t nb, int64_t r0, int64_t nr, const View* bias, float* out,
                      float* y) {
  const int64_t tW = P.tW, step = xi_stride(P.O * nb), plane = P.oH * P.oW;
  float* y0 = y;           // output row 2ty, 2*tW columns
  float* y1 = y + 2 * tW;  // output row 2ty + 1
  float *s0[4], *s1[4];    // m A: per row i of m, its two columns
  for (int i = 0; i < 4; i++) {
    s0[i] = y + (4 + 2 * i) * tW;
    s1[i] = y + (5 + 2 * i) * tW;
  }
  for (int64_t o = 0; o < P.O; o++) {
    const float b = bias ? bias->ptr<float>()[o * bias->strides[0]] : 0.0f;
    for (int64_t rr = 0; rr < nr; rr++) {
      const int64_t r = r0 + rr, n = r / P.tH, ty = r % P.tH;
      const float* m = M + o * nb + rr * tW;
      for (int i = 0; i < 4; i++) {
        const float* m0 = m + (4 * i) * step;
        a_cols(m0, m0 + step, m0 + 2 * step, m0 + 3 * step, s0[i], s1[i], tW);
      }
      float* dst = out + (n * P.O + o) * plane + 2 * ty * P.oW;
      if (P.oW % 2 == 0 && 2 * ty + 1 < P.oH) {  // whole tiles: straight into out
        at_rows(s0[0], s0[1], s0[2], s0[3], s1[0], s1[1], s1[2], s1[3], b, dst, dst + P.oW, tW);
        continue;
      }
      at_rows(s0[0], s0[1], s0[2], s0[3], s1[0], s1[1], s1[2], s1[3], b, y0, y1, tW);
      std::memcpy(dst, y0, sizeof(float) * P.oW);
      if (2 * ty + 1 < P.oH) std::memcpy(dst + P.oW, y1, sizeof(float) * P.oW);
    }
  }
}

Plan plan(const View& x, int64_t O, const int64_t* out_shape, const int64_t padding[2]) {
  Plan P;
  P.N = x.shape[0];
  P.C = x.shape[1];
  P.H = x.shape[2];
  P.W = x.shape[3];
  P.O = O;
  P.oH = out_shape[2];
  P.oW = out_shape[3];
  P.ph = padding[0];
  P.pw = padding[1];
  P.tH = (P.oH + 1) / 2;
  P.tW = (P.oW + 1) / 2;
  P.Wp = 2 * P.tW + 2;
  return P;
}

// Tile rows per block: ~512 tiles (measured on the ResNet18 layers, 1 thread: 128
// and 256 were up to 10% slower on the 256- and 512-channel ones, whose U[xi] is then
// packed for too few columns; V and M of a block are 16 * (C + O) * 512 floats, 4 MB
// at 64 channels), `rows` split into even blocks.
int64_t block_rows(const Plan& P, int64_t rows) {
  const int64_t per_block = std::max<int64_t>(1, (512 + P.tW / 2) / P.tW);
  const int64_t blocks = (rows + per_block - 1) / per_block;
  return (rows + blocks - 1) / blocks;
}

// f(begin, end) on parts of [0, total) on up to nth threads.
template <class F> void split(int nth, int64_t total, F&& f) {
  parallel(static_cast<int>(std::min<int64_t>(nth, total)), [&](int tid, int n) {
    int64_t a, b;
    split_range(total, tid, n, a, b);
    if (b > a) f(a, b);
  });
}

// How the threads share the N * tH tile rows: with at least kOwnTiles tiles each, every
// thread takes its own rows, blocks and scratch (no synchronisation at all); with fewer
// (the deep layers' small planes) they share each block: split its transforms by rows
// and its 16 GEMMs by xi, so that U[xi] is packed once per block for all its tiles.
// Measured, 2 threads, quiet: own rows 64@56 input grad 5.4 vs 6.8 ms, weight grad 6.1
// vs 8.1; shared blocks 512@7 5.5 vs 6.6 (forward), 6.2 vs 7.2 (weight grad).
constexpr int64_t kOwnTiles = 1024;

// Whether distribute() gives each thread its own rows.
inline bool own_rows(int nth, const Plan& P) {
  return nth > 1 && P.N * P.tH * P.tW >= kOwnTiles * nth;
}

// body(part, r0, r1, inner): rows [r0, r1) with `inner` threads, once per part. A part may
// run on any thread, and one thread may run several parts (the pool's caller claims parts
// too): per-part results must not live in thread-local scratch.
template <class F> void distribute(int nth, const Plan& P, F&& body) {
  const int64_t rows = P.N * P.tH;
  if (own_rows(nth, P)) {
    parallel(nth, [&](int tid, int n) {
      int64_t a, b;
      split_range(rows, tid, n, a, b);
      if (b > a) body(tid, a, b, 1);
    });
  } else {
    body(0, 0, rows, nth);
  }
}

// This thread's scratch for the transforms' rows (transform_input's 16 * (tW + 1) + Wp
// floats; transform_output's 12 * tW and transform_grad's 8 * tW fit in it).
float* rowbuf(const Plan& P) {
  return static_cast<float*>(thread_scratch(2).get(sizeof(float) * (16 * (P.tW + 1) + P.Wp)));
}

// Z[xi][o][t] = (A g A^T)[xi] for the 2x2 gradOut tiles g of the block (zero past the
// output's edge), A = [1 0; 1 1; 1 -1; 0 -1]: the adjoint of transform_output.
// d: 8 * tW floats of scratch.
void transform_grad(const Plan& P, const View& g, int64_t r0, int64_t nr, float* Z, int64_t nb, float* d) {
  const float* Gp = g.ptr<float>();
  const int64_t tW = P.tW, step = xi_stride(P.O * nb);
  float *e0 = d, *o0 = d + tW, *e1 = d + 2 * tW, *o1 = d + 3 * tW;
  float *p1 = d + 4 * tW, *q1 = d + 5 * tW, *p2 = d + 6 * tW, *q2 = d + 7 * tW;
  for (int64_t o = 0; o < P.O; o++) {
    for (int64_t rr = 0; rr < nr; rr++) {
      const int64_t r = r0 + rr, n = r / P.tH, ty = r % P.tH;
      const float* plane = Gp + n * g.strides[0] + o * g.strides[1];
      for (int i = 0; i < 2; i++) {
        float *e = i ? e1 : e0, *od = i ? o1 : o0;
        const int64_t oh = 2 * ty + i;
        if (oh >= P.oH) {
          std::fill(e, e + tW, 0.0f);
          std::fill(od, od + tW, 0.0f);
          continue;
        }
        const float* line = plane + oh * g.strides[2];
        const int64_t full = P.oW / 2;  // tiles with both columns inside
        if (g.strides[3] == 1) split_even_odd(line, e, od, full);
        else
          for (int64_t k = 0; k < full; k++) {
            e[k] = line[2 * k * g.strides[3]];
            od[k] = line[(2 * k + 1) * g.strides[3]];
          }
        if (full < tW) {
          e[full] = line[2 * full * g.strides[3]];
          od[full] = 0.0f;
        }
      }
      // A g: rows [g0, g0 + g1, g0 - g1, -g1], each as (even, odd) columns.
      a_rows(e0, o0, e1, o1, p1, q1, p2, q2, tW);
      float* z = Z + o * nb + rr * tW;
      const float* ps[4] = {e0, p1, p2, e1};
      const float* qs[4] = {o0, q1, q2, o1};
      for (int i = 0; i < 4; i++) {
        float* z0 = z + (4 * i) * step;
        a_cols_t(ps[i], qs[i], i == 3 ? -1.0f : 1.0f, z0, z0 + step, z0 + 2 * step, z0 + 3 * step, tW);
      }
    }
  }
}

}  // namespace

void winograd_conv3x3(const View& x, const WinogradWeight& w, const View* bias, const int64_t padding[2],
                      const View& out) {
  const Plan P = plan(x, w.O, out.shape, padding);
  const int64_t O = P.O, C = P.C;

  // The 16 matrices of U a little more than O*C apart: exactly O*C (a power of two
  // here) would put the 16 rows the weight transform writes at once in one L1 set.
  const int64_t us = O * C + 64;
  float* U = static_cast<float*>(thread_scratch(4).get(sizeof(float) * 16 * us));
  // U[xi] as an O x C matrix: [o][c] (rsa = C, csa = 1) when the weight runs along c,
  // else (the input gradient's transposed weight) [c][o] (rsa = 1, csa = O).
  const bool by_o = std::abs(w.ws[1]) <= std::abs(w.ws[0]);
  const int64_t R = by_o ? O : C, S = by_o ? C : O;
  const int64_t rsa = by_o ? C : 1, csa = by_o ? 1 : O;
  split(threads_for(O * C, 2048), R, [&](int64_t a, int64_t b) {
    transform_weight(w.w0, w.ws[by_o ? 0 : 1], w.ws[by_o ? 1 : 0], w.ws[2], w.ws[3], S, a, b, U, us);
  });

  // Blocks of tile rows in turn (see distribute), each GEMM single-threaded.
  const int nth = threads_for(P.N * P.tH * P.tW * O * C, 1 << 20);
  float* Y = out.ptr<float>();
  distribute(nth, P, [&](int, int64_t r0, int64_t r1, int inner) {
    const int64_t block = block_rows(P, r1 - r0), nbmax = block * P.tW;
    float* V = static_cast<float*>(
        thread_scratch(5).get(sizeof(float) * 16 * (xi_stride(C * nbmax) + xi_stride(O * nbmax))));
    float* M = V + 16 * xi_stride(C * nbmax);
    for (int64_t q = r0; q < r1; q += block) {
      const int64_t nr = std::min(block, r1 - q), nb = nr * P.tW;
      split(inner, nr, [&](int64_t a, int64_t b) { transform_input(P, x, q + a, b - a, V + a * P.tW, nb, rowbuf(P)); });
      split(inner, 16, [&](int64_t a, int64_t b) {
        for (int64_t xi = a; xi < b; xi++)
          gemm<float>(O, nb, C, U + xi * us, rsa, csa, V + xi * xi_stride(C * nb), nb, 1, M + xi * xi_stride(O * nb),
                      nb, false, 1);
      });
      split(inner, nr, [&](int64_t a, int64_t b) {
        transform_output(P, M + a * P.tW, nb, q + a, b - a, bias, Y, rowbuf(P));
      });
    }
  });
}

void winograd_conv3x3_backward_weight(const View& grad, const View& x, const int64_t padding[2], const View& out) {
  const Plan P = plan(x, grad.shape[1], grad.shape, padding);
  const int64_t O = P.O, C = P.C, rows = P.N * P.tH;
  // S[xi] (O x C) = sum over the tiles of Z[xi] . V[xi]^T, block by block as in
  // winograd_conv3x3 (one S per part: per thread when they take their own rows); then
  // gradW = G^T S G.
  const int64_t us = O * C + 64;  // as U in winograd_conv3x3
  int nth = threads_for(rows * P.tW * O * C, 1 << 20);
  // One S per part when the threads take their own rows, at most 64 MB of them.
  while (own_rows(nth, P) && nth * 16 * us * int64_t(sizeof(float)) > (int64_t(64) << 20)) nth--;
  const int parts = own_rows(nth, P) ? nth : 1;
  // Every part's S in the calling thread's slot (the one the forward's U takes: never both
  // at once), not in the scratch of whichever thread runs the part (see distribute).
  float* Sall = static_cast<float*>(thread_scratch(4).get(sizeof(float) * 16 * us * parts));
  std::vector<float*> partial(static_cast<size_t>(parts), nullptr);
  distribute(nth, P, [&](int part, int64_t r0, int64_t r1, int inner) {
    const int64_t block = block_rows(P, r1 - r0), nbmax = block * P.tW;
    float* S = Sall + part * 16 * us;
    float* V = static_cast<float*>(
        thread_scratch(5).get(sizeof(float) * 16 * (xi_stride(C * nbmax) + xi_stride(O * nbmax))));
    float* Z = V + 16 * xi_stride(C * nbmax);
    for (int64_t q = r0; q < r1; q += block) {
      const int64_t nr = std::min(block, r1 - q), nb = nr * P.tW;
      split(inner, nr, [&](int64_t a, int64_t b) {
        float* d = rowbuf(P);
        transform_input(P, x, q + a, b - a, V + a * P.tW, nb, d);
        transform_grad(P, grad, q + a, b - a, Z + a * P.tW, nb, d);
      });
      split(inner, 16, [&](int64_t a, int64_t b) {
        for (int64_t xi = a; xi < b; xi++)
          gemm<float>(O, C, nb, Z + xi * xi_stride(O * nb), nb, 1, V + xi * xi_stride(C * nb), 1, nb, S + xi * us, C,
                      q > r0, 1);
      });
    }
    partial[part] = S;
  });
  // gradW[o][c] = G^T (sum of the parts' S) G, G^T = [1 1/2 1/2 0; 0 1/2 -1/2 0; 0 1/2 1/2 1].
  float* dW = out.ptr<float>();
  split(threads_for(O * C, 2048), O, [&](int64_t a, int64_t b) {
    for (int64_t o = a; o < b; o++)
      for (int64_t c = 0; c < C; c++) {
        float s[4][4] = {};
        for (const float* S : partial)
          if (S)
            for (int xi = 0; xi < 16; xi++) s[xi / 4][xi % 4] += S[xi * us + o * C + c];
        float t[3][4];
        for (int j = 0; j < 4; j++) {
          t[0][j] = s[0][j] + 0.5f * (s[1][j] + s[2][j]);
          t[1][j] = 0.5f * (s[1][j] - s[2][j]);
          t[2][j] = 0.5f * (s[1][j] + s[2][j]) + s[3][j];
        }
        float* d = dW + o * out.strides[0] + c * out.strides[1];
        const int64_t s2 = out.strides[2], s3 = out.strides[3];
        for (int i = 0; i < 3; i++) {
          d[i * s2] = t[i][0] + 0.5f * (t[i][1] + t[i][2]);
          d[i * s2 + s3] = 0.5f * (t[i][1] - t[i][2]);
          d[i * s2 + 2 * s3] = 0.5f * (t[i][1] + t[i][2]) + t[i][3];
        }
      }
  });
}

}  // namespace tl
