// Fused LSTM cell kernels (PyTorch's _thnn_fused_lstm_cell and its backward, on the CPU):
// the gate nonlinearities and the cell update of one time step in one pass over memory.
#pragma once

#include "common.h"

namespace tl {

// gates = xg + hg ([B, 4H], chunks i, f, g, o); ws = sigmoid(i), sigmoid(f), tanh(g), sigmoid(o);
// cy = f * cx + i * g; hy = o * tanh(cy). Every view is row-major contiguous (checked by the
// binding); cx, hy, cy are [B, H]. Returns false for dtypes other than float32/float64.
bool lstm_cell(const View& xg, const View& hg, const View& cx, const View& hy, const View& cy, const View& ws);

// The gradients of lstm_cell from ws, cx and cy: dgates [B, 4H] (the gradient of the gate
// pre-activations, i.e. of both xg and hg) and dcx [B, H]. dhy / dcy may be absent (zero):
// pass a View with data == nullptr.
bool lstm_cell_backward(const View& dhy, const View& dcy, const View& ws, const View& cx, const View& cy,
                        const View& dgates, const View& dcx);

}  // namespace tl
