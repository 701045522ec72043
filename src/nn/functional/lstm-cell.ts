// One LSTM step as one native kernel forward and one backward (PyTorch's
// _thnn_fused_lstm_cell): the gate nonlinearities and the cell update that the composed
// step spends ten elementwise ops on (and twenty in backward, each allocating its output).
// Used by the LSTM layer while the native backend is active; elsewhere the step stays composed.
import { backend, nativeAddon, nativeBackend } from '../../backend/index.js';
import { lstmKernels, type LstmKernels } from '../../backend/native/rnn.js';
import { cat } from '../../ops/join.js';
import { needsGrad, record } from '../../ops/record.js';
import { isGradEnabled, Node } from '../../tensor/graph.js';
import { Tensor } from '../../tensor/tensor.js';

let cached: { addon: object; kernels: LstmKernels | null } | null = null;

/** The addon's kernels while the native backend is the active one, else null. */
function kernels(): LstmKernels | null {
  if (backend() !== nativeBackend()) return null;
  const addon = nativeAddon();
  if (addon === null) return null;
  if (cached === null || cached.addon !== addon) cached = { addon, kernels: lstmKernels(addon) };
  return cached.kernels;
}

/**
 * The composed step's gradients written with differentiable ops (createGraph: higher-order
 * gradients flow through them as through the composed step).
 */
function composedBackward(gates: Tensor, cx: Tensor, ghy: Tensor | null, gcy: Tensor | null): [Tensor, Tensor] {
  const [i, f, g, o] = gates.chunk(4, 1).map((t, k) => (k === 2 ? t.tanh() : t.sigmoid()));
  const cy = f.mul(cx).add(i.mul(g));
  const tc = cy.tanh();
  let gc = gcy;
  let go: Tensor;
  if (ghy !== null) {
    go = ghy.mul(tc);
    const viaH = ghy.mul(o).mul(tc.mul(tc).neg().add(1));
    gc = gc === null ? viaH : gc.add(viaH);
  } else {
    go = o.mul(0);
  }
  const gcT = gc ?? cy.mul(0);
  const sig = (grad: Tensor, y: Tensor) => grad.mul(y.neg().add(1)).mul(y);
  const dgates = cat([sig(gcT.mul(g), i), sig(gcT.mul(cx), f), gcT.mul(i).mul(g.mul(g).neg().add(1)), sig(go, o)], 1);
  return [dgates, gcT.mul(f)];
}

class FusedLstmCellBackward extends Node {
  // PyTorch's name for this node (its CUDA LSTM runs the fused cell; its CPU one composes the step).
  readonly name = 'ThnnFusedLstmCellBackward0';
  constructor(private readonly k: LstmKernels) {
    super();
  }
  backward([ghy, gcy]: (Tensor | null)[]): (Tensor | null)[] {
    const [xg, hg, cx, ws, cy] = this.saved();
    if (isGradEnabled()) {
      const [dgates, dcx] = composedBackward(hg.add(xg), cx, ghy, gcy);
      return [dgates, dgates, dcx];
    }
    const dgates = Tensor.emptyForOverwrite(ws.shape.slice(), ws.dtype);
    const dcx = Tensor.emptyForOverwrite(cx.shape.slice(), cx.dtype);
    const dense = (t: Tensor | null) => (t === null ? null : t.isContiguous() ? t : t.contiguous());
    if (!this.k.backward(dense(ghy), dense(gcy), ws, cx, cy, dgates.buffer, dcx.buffer)) throw new Error('lstm cell backward: dtype not covered');
    return [dgates, dgates, dcx];
  }
}

/**
 * hy, cy of one LSTM step from the input projection xg = x W_ih^T + b_ih and the hidden
 * projection hg = h W_hh^T + b_hh ([B, 4H] each) and the cell state cx [B, H]; null when
 * the fused kernel does not apply (another backend, dtype, layout): compose the step then.
 */
export function fusedLstmCell(xg: Tensor, hg: Tensor, cx: Tensor): [Tensor, Tensor] | null {
  const k = kernels();
  const dtype = cx.dtype;
  if (k === null || (dtype !== 'float32' && dtype !== 'float64') || xg.dtype !== dtype || hg.dtype !== dtype) return null;
  if (cx.dim() !== 2 || xg.dim() !== 2 || hg.dim() !== 2 || !xg.isContiguous() || !hg.isContiguous()) return null;
  const c = cx.isContiguous() ? cx : cx.contiguous();
  const [B, H] = c.shape;
  if (xg.shape[0] !== B || xg.shape[1] !== 4 * H || hg.shape[0] !== B || hg.shape[1] !== 4 * H) return null;
  const hy = Tensor.emptyForOverwrite([B, H], dtype);
  const cy = Tensor.emptyForOverwrite([B, H], dtype);
  const ws = Tensor.emptyForOverwrite([B, 4 * H], dtype);
  if (!k.forward(xg, hg, c, hy.buffer, cy.buffer, ws.buffer)) return null;
  if (needsGrad(xg, hg, c)) record(new FusedLstmCellBackward(k), [xg, hg, c], [hy, cy]).save(xg, hg, c, ws, cy);
  return [hy, cy];
}
