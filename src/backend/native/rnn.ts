// The fused LSTM cell kernels of the addon (native/rnn.cc). Not part of the Backend
// interface: the LSTM layer uses them when the native backend is active and its addon has
// them, and composes the step from elementwise ops everywhere else.
import type { View } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { begin, put, putView, type Addon } from './addon.js';

export interface LstmKernels {
  /**
   * One step: gates = xg + hg ([B, 4H], row-major contiguous views; chunks i, f, g, o), cx
   * [B, H] contiguous; writes hy, cy [B, H] and ws [B, 4H] (the activated gates; contiguous views
   * that overlap no input). False: dtype
   * not covered (the caller composes the step instead).
   */
  forward(xg: View, hg: View, cx: View, hy: View, cy: View, ws: View): boolean;
  /** The gradients of the gate pre-activations (dgates [B, 4H]) and of cx (dcx [B, H]); null grads are zero. */
  backward(dhy: View | null, dcy: View | null, ws: View, cx: View, cy: View, dgates: View, dcx: View): boolean;
}

/** The addon's LSTM kernels, or null when this build has none. */
export function lstmKernels(addon: Addon): LstmKernels | null {
  const { lstmCell, lstmCellBackward } = addon;
  if (lstmCell === undefined || lstmCellBackward === undefined) return null;
  return {
    forward(xg, hg, cx, hy, cy, ws) {
      begin();
      putView(xg);
      putView(hg);
      putView(cx);
      putView(hy);
      putView(cy);
      putView(ws);
      return lstmCell.call(addon, xg.buffer, hg.buffer, cx.buffer, hy.buffer, cy.buffer, ws.buffer);
    },
    backward(dhy, dcy, ws, cx, cy, dgates, dcx) {
      begin();
      put(dhy !== null ? 1 : 0);
      put(dcy !== null ? 1 : 0);
      const grads: TypedArray[] = [];
      if (dhy !== null) {
        putView(dhy);
        grads.push(dhy.buffer);
      }
      if (dcy !== null) {
        putView(dcy);
        grads.push(dcy.buffer);
      }
      putView(ws);
      putView(cx);
      putView(cy);
      putView(dgates);
      putView(dcx);
      return lstmCellBackward.call(addon, ...grads, ws.buffer, cx.buffer, cy.buffer, dgates.buffer, dcx.buffer);
    },
  };
}
