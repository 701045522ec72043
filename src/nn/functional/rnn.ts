// The recurrences behind nn.RNN / LSTM / GRU and their cells (PyTorch's _VF.rnn_tanh,
// _VF.rnn_relu, _VF.lstm, _VF.gru and the *_cell functions), composed from differentiable
// ops in ATen's CPU order: the input projection of a whole layer is one matmul, each step
// adds the hidden projection, so outputs, gradients and grad_fn names match PyTorch's.
import { cat, stack } from '../../ops/join.js';
import { linear } from '../../ops/matmul.js';
import type { Tensor } from '../../tensor/tensor.js';
import { dropout } from './dropout.js';
import { fusedLstmLayer } from './lstm-fused.js';

export type RNNMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

/** One direction of one layer (or one cell): PyTorch's weight_ih, weight_hh, bias_ih, bias_hh, weight_hr. */
export interface CellParams {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
}

/** h (and c for LSTM) of one direction of one layer. */
interface Hidden {
  h: Tensor;
  c: Tensor | null;
}

type Step = (xw: Tensor, s: Hidden, p: CellParams) => Hidden;

// --- one time step; `xw` is the input projection x W_ih^T + b_ih for this step ---

const lstmStep: Step = (xw, { h, c }, p) => {
  const [i, f, g, o] = linear(h, p.wHh, p.bHh).add(xw).chunk(4, 1);
  const cy = f.sigmoid().mul(c as Tensor).add(i.sigmoid().mul(g.tanh()));
  let hy = o.sigmoid().mul(cy.tanh());
  if (p.wHr !== null) hy = hy.matmul(p.wHr.t());
  return { h: hy, c: cy };
};

const gruStep: Step = (xw, { h }, p) => {
  const [ir, iz, inew] = xw.chunk(3, 1);
  const [hr, hz, hnew] = linear(h, p.wHh, p.bHh).chunk(3, 1);
  const r = hr.add(ir).sigmoid();
  const z = hz.add(iz).sigmoid();
  // n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h' = (h - n) * z + n = (1 - z) * n + z * h.
  const n = inew.add(hnew.mul(r)).tanh();
  return { h: h.sub(n).mul(z).add(n), c: null };
};

const simpleStep = (relu: boolean): Step => (xw, { h }, p) => {
  const pre = linear(h, p.wHh, p.bHh).add(xw);
  return { h: relu ? pre.relu() : pre.tanh(), c: null };
};

const STEPS: Record<RNNMode, Step> = { LSTM: lstmStep, GRU: gruStep, RNN_TANH: simpleStep(false), RNN_RELU: simpleStep(true) };

/** Runs one direction over x [T, B, I]: outputs [T, B, H] (in time order) and the final state. */
function runDirection(step: Step, x: Tensor, state: Hidden, p: CellParams, reverse: boolean): { output: Tensor; state: Hidden } {
  const xw = linear(x, p.wIh, p.bIh);
  if (step === lstmStep && p.wHr === null) {
    // One node for the whole layer where the native kernels apply (lstm-fused.ts); `composed`
    // is the same layer step by step, for a createGraph backward.
    const composed = (xwIn: Tensor, h0: Tensor, c0: Tensor) => {
      const r = runSteps(step, xwIn, { h: h0, c: c0 }, p, reverse);
      return { output: r.output, h: r.state.h, c: r.state.c as Tensor };
    };
    const r = fusedLstmLayer(xw, state.h, state.c as Tensor, p.wHh, p.bHh, reverse, composed);
    if (r !== null) return { output: r.output, state: { h: r.h, c: r.c } };
  }
  return runSteps(step, xw, state, p, reverse);
}

/** The composed recurrence over the input projection xw [T, B, G]. */
function runSteps(step: Step, xwAll: Tensor, state: Hidden, p: CellParams, reverse: boolean): { output: Tensor; state: Hidden } {
  const xw = xwAll.unbind(0);
  const outputs: Tensor[] = new Array(xw.length);
  for (let k = 0; k < xw.length; k++) {
    const t = reverse ? xw.length - 1 - k : k;
    state = step(xw[t], state, p);
    outputs[t] = state.h;
  }
  return { output: stack(outputs, 0), state };
}

const rows = (s: Hidden, start: number, n: number): Hidden => ({ h: s.h.narrow(0, start, n), c: s.c?.narrow(0, start, n) ?? null });
const joinRows = (parts: Hidden[]): Hidden => ({ h: cat(parts.map((s) => s.h), 0), c: parts[0].c === null ? null : cat(parts.map((s) => s.c as Tensor), 0) });

/**
 * One direction over packed data [N, I] (ATen's PackedLayer / ReversedPackedLayer): step t
 * runs the first batchSizes[t] sequences. Forward, a sequence's final state is taken when it
 * ends; in reverse, it starts from its initial state at its own last step.
 */
function runPackedDirection(step: Step, x: Tensor, state: Hidden, p: CellParams, reverse: boolean, batchSizes: readonly number[]): { output: Tensor; state: Hidden } {
  const xw = linear(x, p.wIh, p.bIh);
  const steps = batchSizes.length;
  const outputs: Tensor[] = new Array(steps);
  if (!reverse) {
    const ended: Hidden[] = [];
    let s = state;
    for (let t = 0, offset = 0; t < steps; t++) {
      const n = batchSizes[t];
      const running = s.h.shape[0];
      if (n < running) {
        ended.push(rows(s, n, running - n));
        s = rows(s, 0, n);
      }
      s = step(xw.narrow(0, offset, n), s, p);
      outputs[t] = s.h;
      offset += n;
    }
    ended.push(s);
    return { output: cat(outputs, 0), state: joinRows(ended.reverse()) };
  }
  let s = rows(state, 0, batchSizes[steps - 1]);
  for (let t = steps - 1, offset = x.shape[0]; t >= 0; t--) {
    const n = batchSizes[t];
    const running = s.h.shape[0];
    if (n > running) s = joinRows([s, rows(state, running, n - running)]);
    offset -= n;
    s = step(xw.narrow(0, offset, n), s, p);
    outputs[t] = s.h;
  }
  return { output: cat(outputs, 0), state: s };
}

export interface RNNStackOptions {
  numLayers: number;
  bidirectional: boolean;
  /** Dropout on the outputs of every layer but the last, when training. */
  dropout: number;
  training: boolean;
}

/**
 * _VF.lstm / gru / rnn_tanh / rnn_relu on a time-major x [T, B, I] from the initial states
 * h0 (and c0, LSTM) [layers * dirs, B, *]; params[layer * dirs + dir] are each direction's.
 * Returns output [T, B, dirs * H] and the final states stacked as h0 is. With batchSizes, x
 * is a PackedSequence's data [N, I] and the output is packed the same way ([N, dirs * H]).
 */
export function rnn(
  mode: RNNMode,
  x: Tensor,
  h0: Tensor,
  c0: Tensor | null,
  params: readonly CellParams[],
  opts: RNNStackOptions,
  batchSizes: readonly number[] | null = null,
): { output: Tensor; h: Tensor; c: Tensor | null } {
  if (x.shape[0] === 0) throw new RangeError('Expected sequence length to be larger than 0 in RNN');
  const step = STEPS[mode];
  const dirs = opts.bidirectional ? 2 : 1;
  const hs = h0.unbind(0);
  const cs = c0?.unbind(0) ?? null;
  const finalH: Tensor[] = [];
  const finalC: Tensor[] = [];
  let input = x;
  for (let layer = 0; layer < opts.numLayers; layer++) {
    const outs: Tensor[] = [];
    for (let dir = 0; dir < dirs; dir++) {
      const k = layer * dirs + dir;
      const s0 = { h: hs[k], c: cs?.[k] ?? null };
      const r = batchSizes === null ? runDirection(step, input, s0, params[k], dir === 1) : runPackedDirection(step, input, s0, params[k], dir === 1, batchSizes);
      outs.push(r.output);
      finalH.push(r.state.h);
      if (r.state.c !== null) finalC.push(r.state.c);
    }
    input = dirs === 1 ? outs[0] : cat(outs, -1);
    if (opts.dropout !== 0 && opts.training && layer < opts.numLayers - 1) input = dropout(input, { p: opts.dropout, training: true });
  }
  return { output: input, h: stack(finalH, 0), c: c0 === null ? null : stack(finalC, 0) };
}

// --- single steps (the cells): x [B, I], states [B, H] ---

/** _VF.rnn_tanh_cell / rnn_relu_cell: h' = tanh (or relu) of x W_ih^T + b_ih + h W_hh^T + b_hh. */
export function rnnCell(x: Tensor, h: Tensor, p: CellParams, nonlinearity: 'tanh' | 'relu'): Tensor {
  return simpleStep(nonlinearity === 'relu')(linear(x, p.wIh, p.bIh), { h, c: null }, p).h;
}

/** _VF.lstm_cell: [h', c'] with the gates (i, f, g, o). */
export function lstmCell(x: Tensor, h: Tensor, c: Tensor, p: CellParams): [Tensor, Tensor] {
  const s = lstmStep(linear(x, p.wIh, p.bIh), { h, c }, p);
  return [s.h, s.c as Tensor];
}

/** _VF.gru_cell: h' with the gates (r, z, n). */
export function gruCell(x: Tensor, h: Tensor, p: CellParams): Tensor {
  return gruStep(linear(x, p.wIh, p.bIh), { h, c: null }, p).h;
}

// --- the torch-level entry points: torch.lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) … ---

const cellParams = (wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null): CellParams => ({ wIh, wHh, bIh, bHh, wHr: null });

export const torchRnnTanhCell = (input: Tensor, hx: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null = null, bHh: Tensor | null = null): Tensor =>
  rnnCell(input, hx, cellParams(wIh, wHh, bIh, bHh), 'tanh');
export const torchRnnReluCell = (input: Tensor, hx: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null = null, bHh: Tensor | null = null): Tensor =>
  rnnCell(input, hx, cellParams(wIh, wHh, bIh, bHh), 'relu');
export const torchGruCell = (input: Tensor, hx: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null = null, bHh: Tensor | null = null): Tensor =>
  gruCell(input, hx, cellParams(wIh, wHh, bIh, bHh));
export const torchLstmCell = (input: Tensor, hx: readonly [Tensor, Tensor], wIh: Tensor, wHh: Tensor, bIh: Tensor | null = null, bHh: Tensor | null = null): [Tensor, Tensor] =>
  lstmCell(input, hx[0], hx[1], cellParams(wIh, wHh, bIh, bHh));

/**
 * torch.lstm / gru / rnn_tanh / rnn_relu (input, hx, params, has_biases, num_layers, dropout,
 * train, bidirectional, batch_first): params flat per layer and direction as PyTorch's
 * _flat_weights ([w_ih, w_hh, b_ih, b_hh] each). Returns [output, h_n] (and c_n for LSTM).
 */
function torchRnn(mode: RNNMode) {
  return (input: Tensor, hx: Tensor | readonly [Tensor, Tensor], params: readonly Tensor[], hasBiases: boolean, numLayers: number,
    dropoutP: number, train: boolean, bidirectional: boolean, batchFirst: boolean): Tensor[] => {
    const per = hasBiases ? 4 : 2;
    const dirs = bidirectional ? 2 : 1;
    if (params.length !== per * numLayers * dirs) throw new RangeError(`${mode.toLowerCase()}: expected ${per * numLayers * dirs} parameter tensors, got ${params.length}`);
    const cells = Array.from({ length: numLayers * dirs }, (_, k) =>
      cellParams(params[k * per], params[k * per + 1], hasBiases ? params[k * per + 2] : null, hasBiases ? params[k * per + 3] : null));
    const [h0, c0] = mode === 'LSTM' ? (hx as readonly [Tensor, Tensor]) : [hx as Tensor, null];
    const x = batchFirst ? input.transpose(0, 1) : input;
    const r = rnn(mode, x, h0, c0, cells, { numLayers, bidirectional, dropout: dropoutP, training: train });
    const output = batchFirst ? r.output.transpose(0, 1) : r.output;
    return r.c === null ? [output, r.h] : [output, r.h, r.c];
  };
}
export const torchLstm = torchRnn('LSTM');
export const torchGru = torchRnn('GRU');
export const torchRnnTanh = torchRnn('RNN_TANH');
export const torchRnnRelu = torchRnn('RNN_RELU');
