// One direction of one nn.LSTM layer as a single graph node (the step runs as one native
// kernel forward and one backward: native/rnn.cc). Composed from ops, each of the T steps
// costs an addmm, ten elementwise ops and their backward nodes, and every step's backward
// computes its own W_hh gradient (a GEMM with K = batch) and adds it into the accumulated one;
// here backward walks the steps keeping only the recurrence (dgates_t -> dh_{t-1}, one small
// GEMM a step) and computes dW_hh = sum_t dgates_t^T h_{t-1} as one GEMM with K = T * batch,
// as cuDNN-style fused RNNs do. Used while the native backend is active; elsewhere, and for
// projections (proj_size), the step stays composed.
import { grad } from '../../autograd/backward.js';
import { enableGrad, noGrad } from '../../autograd/grad-mode.js';
import { backend, nativeAddon, nativeBackend } from '../../backend/index.js';
import { lstmKernels, type LstmKernels } from '../../backend/native/rnn.js';
import { cat } from '../../ops/join.js';
import { addmm, mm } from '../../ops/matmul.js';
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

/** The layer's outputs: every step's h [T, B, H] and the final h and c [B, H]. */
export interface LstmLayerResult {
  output: Tensor;
  h: Tensor;
  c: Tensor;
}

interface Saved {
  k: LstmKernels;
  reverse: boolean;
  hasBias: boolean;
  /** The same layer composed from differentiable ops on the node's own inputs (createGraph backward). */
  composed: (xw: Tensor, h0: Tensor, c0: Tensor) => LstmLayerResult;
}

class FusedLstmLayerBackward extends Node {
  // The node PyTorch shows on nn.LSTM's output (its CPU layer ends in a stack of the steps' h).
  readonly name = 'StackBackward0';
  constructor(private readonly s: Saved) {
    super();
  }

  backward([gOut, ghT, gcT]: (Tensor | null)[]): (Tensor | null)[] {
    const [xw, h0, c0, wHh, bias, ws, cs, out] = this.saved();
    const bHh = this.s.hasBias ? bias : null;
    const inputs = [xw, h0, c0, wHh, bHh];
    if (isGradEnabled()) return this.differentiable(inputs, [gOut, ghT, gcT], () => this.s.composed(xw, h0, c0));
    const [T, B, H] = out.shape;
    const { k, reverse } = this.s;
    const dG = Tensor.emptyForOverwrite([T, B, 4 * H], out.dtype);
    let dh = ghT; // the gradient reaching h of the step being differentiated from later steps
    let dc = gcT;
    for (let n = T - 1; n >= 0; n--) {
      const t = reverse ? T - 1 - n : n;
      const prev = reverse ? t + 1 : t - 1;
      const g = gOut === null ? null : gOut.select(0, t);
      const dhy = g === null ? dh : dh === null ? g : g.add(dh);
      const dgates = dG.select(0, t);
      const dcx = Tensor.emptyForOverwrite([B, H], out.dtype);
      const cx = n === 0 ? c0 : cs.select(0, prev);
      if (!k.backward(dense(dhy), dense(dc), ws.select(0, t), cx, cs.select(0, t), dgates, dcx)) throw new Error('lstm backward: dtype not covered');
      dc = dcx;
      dh = mm(dgates, wHh);
    }
    // h_{t-1} of every step in time order: h0 first (forward) or last (reverse).
    const hPrev = T === 1 ? h0.unsqueeze(0) : reverse ? cat([out.narrow(0, 1, T - 1), h0.unsqueeze(0)], 0) : cat([h0.unsqueeze(0), out.narrow(0, 0, T - 1)], 0);
    const flat = dG.view(T * B, 4 * H);
    const dW = mm(flat.t(), hPrev.view(T * B, H));
    return [dG, dh, dc, dW, bHh === null ? null : flat.sum(0)];
  }

  /** createGraph: the composed layer's gradients, themselves differentiable. */
  private differentiable(inputs: (Tensor | null)[], grads: (Tensor | null)[], composed: () => LstmLayerResult): (Tensor | null)[] {
    const r = enableGrad(composed);
    const outs: Tensor[] = [];
    const gs: Tensor[] = [];
    [r.output, r.h, r.c].forEach((o, i) => {
      const g = grads[i];
      if (g !== null) {
        outs.push(o);
        gs.push(g);
      }
    });
    const wanted = inputs.filter((t): t is Tensor => t !== null && t.requiresGrad);
    const got = grad(outs, wanted, { gradOutputs: gs, createGraph: true, allowUnused: true });
    return inputs.map((t) => (t !== null && t.requiresGrad ? got[wanted.indexOf(t)] : null));
  }
}

const dense = (t: Tensor | null): Tensor | null => (t === null || t.isContiguous() ? t : t.contiguous());

/**
 * One direction of an LSTM layer over the input projection xw = x W_ih^T + b_ih [T, B, 4H]
 * from h0, c0 [B, H]; reverse runs the steps from T - 1 down. `composed` computes the same
 * with differentiable ops from the given xw, h0, c0 (used for createGraph backward). Null when the fused kernels do not
 * apply (another backend, dtype, layout): compose the layer then.
 */
export function fusedLstmLayer(
  xw: Tensor, h0: Tensor, c0: Tensor, wHh: Tensor, bHh: Tensor | null, reverse: boolean, composed: Saved['composed'],
): LstmLayerResult | null {
  const k = kernels();
  const dtype = xw.dtype;
  if (k === null || (dtype !== 'float32' && dtype !== 'float64') || xw.dim() !== 3) return null;
  if ([h0, c0, wHh, bHh].some((t) => t !== null && t.dtype !== dtype)) return null;
  const [T, B, G] = xw.shape;
  const H = G / 4;
  if (h0.dim() !== 2 || h0.shape[0] !== B || h0.shape[1] !== H || c0.dim() !== 2 || c0.shape[0] !== B || c0.shape[1] !== H) return null;
  const x = dense(xw) as Tensor;
  const cx0 = dense(c0) as Tensor;
  const out = Tensor.emptyForOverwrite([T, B, H], dtype);
  const cs = Tensor.emptyForOverwrite([T, B, H], dtype);
  const ws = Tensor.emptyForOverwrite([T, B, G], dtype);
  noGrad(() => {
    // W_hh^T copied contiguous once: the GEMM packs a row-major B about twice as fast as a
    // transposed view (20x200 @ 200x800: ~63 vs ~112 us), and every step reuses it.
    const wT = wHh.t().contiguous();
    let h = h0;
    let c = cx0;
    for (let n = 0; n < T; n++) {
      const t = reverse ? T - 1 - n : n;
      const hg = bHh === null ? mm(h, wT) : addmm(bHh, h, wT);
      const hy = out.select(0, t);
      const cy = cs.select(0, t);
      if (!k.forward(x.select(0, t), hg, c, hy, cy, ws.select(0, t))) throw new Error('lstm forward: dtype not covered');
      h = hy;
      c = cy;
    }
  });
  const last = reverse ? 0 : T - 1;
  // h_n and c_n are tensors of their own (PyTorch's are not views of the output).
  const hT = noGrad(() => out.select(0, last).clone());
  const cT = noGrad(() => cs.select(0, last).clone());
  if (!needsGrad(x, h0, cx0, wHh, bHh)) return { output: out, h: hT, c: cT };
  // Backward reads every step's h from `out`: the caller gets a copy, so that writing into
  // the returned output in place (as PyTorch allows: its output is a stack of the steps) cannot
  // change the gradients.
  const output = noGrad(() => out.clone());
  const bias = bHh ?? Tensor.empty([0], dtype);
  const node = new FusedLstmLayerBackward({ k, reverse, hasBias: bHh !== null, composed });
  record(node, [x, h0, cx0, wHh, bHh], [output, hT, cT]).save(x, h0, cx0, wHh, bias, ws, cs, out);
  return { output, h: hT, c: cT };
}
