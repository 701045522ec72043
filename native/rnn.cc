// Fused LSTM cell forward and backward (see rnn.h). The composed version costs ten
// elementwise ops (each a call, an allocation and a pass over memory) per step forward and
// about twenty backward; here each direction is one pass (the rows: lstm_impl.h).
#include "rnn.h"

#include <cstring>

#include "parallel.h"
#include "simd_math.h"

// The double rows here; float rows run simd_math.h's, built per instruction set.
#define TL_UNARY_NS generic
#define TL_LSTM_TEMPLATES_ONLY
#include "lstm_impl.h"
#undef TL_LSTM_TEMPLATES_ONLY
#undef TL_UNARY_NS

namespace tl {
namespace {

template <class T> T* ptr(const View& v) { return v.data == nullptr ? nullptr : reinterpret_cast<T*>(v.data) + v.offset; }

// Rows per thread worth waking the pool for: below ~16k elements one thread is faster.
int threads_for_rows(int64_t B, int64_t H) { return threads_for(B * H, 16384); }

}  // namespace

bool lstm_cell(const View& xg, const View& hg, const View& cx, const View& hy, const View& cy, const View& ws) {
  const int64_t B = cx.shape[0], H = cx.shape[1];
  const int type = xg.type;
  if ((type != F32 && type != F64) || hg.type != type || cx.type != type || hy.type != type || cy.type != type || ws.type != type) return false;
  parallel(threads_for_rows(B, H), [&](int tid, int n) {
    int64_t b0, b1;
    split_range(B, tid, n, b0, b1);
    if (type == F32) lstm_forward_rows_f32(b0, b1, H, ptr<float>(xg), ptr<float>(hg), ptr<float>(cx), ptr<float>(hy), ptr<float>(cy), ptr<float>(ws));
    else generic::forward_rows<double>(b0, b1, H, ptr<double>(xg), ptr<double>(hg), ptr<double>(cx), ptr<double>(hy), ptr<double>(cy), ptr<double>(ws));
  });
  return true;
}

bool lstm_cell_backward(const View& dhy, const View& dcy, const View& ws, const View& cx, const View& cy, const View& dgates,
                        const View& dcx) {
  const int64_t B = cx.shape[0], H = cx.shape[1];
  const int type = ws.type;
  if ((type != F32 && type != F64) || cx.type != type || cy.type != type || dgates.type != type || dcx.type != type) return false;
  if ((dhy.data && dhy.type != type) || (dcy.data && dcy.type != type)) return false;
  parallel(threads_for_rows(B, H), [&](int tid, int n) {
    int64_t b0, b1;
    split_range(B, tid, n, b0, b1);
    if (type == F32) {
      lstm_backward_rows_f32(b0, b1, H, ptr<float>(dhy), ptr<float>(dcy), ptr<float>(ws), ptr<float>(cx), ptr<float>(cy), ptr<float>(dgates), ptr<float>(dcx));
    } else {
      generic::backward_any<double>(b0, b1, H, ptr<double>(dhy), ptr<double>(dcy), ptr<double>(ws), ptr<double>(cx), ptr<double>(cy), ptr<double>(dgates), ptr<double>(dcx));
    }
  });
  return true;
}

}  // namespace tl
