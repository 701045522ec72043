// Recurrent layers: RNN (tanh/relu), LSTM (optionally projected), GRU and their single-step
// cells, taking PyTorch's constructor parameters positionally in PyTorch's order or by name
// (`new nn.LSTM(ninp, nhid, nlayers, { dropout })`). Parameters are named, ordered and
// initialised as PyTorch's, so seeds reproduce them; the recurrences themselves are in
// nn/functional/rnn.ts (PyTorch's _VF.lstm, …).
import { empty, zeros } from '../../tensor/create.js';
import { bool, checkTensor, deviceArg, dtype, int, nullable, number, pyTypeName, signature, string, tensor, type ArgsOf, type Check, type ParsedOf } from '../../tensor/args.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { gruCell, lstmCell, rnn, rnnCell, type CellParams, type RNNMode } from '../functional/rnn.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat } from '../repr.js';
import { PackedSequence } from '../utils/rnn.js';
import { warnOnce } from '../../tensor/warnings.js';

export type { RNNMode };

const GATES: Record<RNNMode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };

// PyTorch's RNNBase(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
// bidirectional, proj_size, device, dtype) without the mode, which RNN, LSTM and GRU pass
// (RNN adds the keyword-only nonlinearity). proj_size is LSTM's alone: RNN and GRU refuse it.
const rnnBaseSpec = [
  ['inputSize', int],
  ['hiddenSize', int],
  ['numLayers', int, 1],
  ['bias', bool, true],
  /** Input and output as [B, T, F] instead of [T, B, F]. */
  ['batchFirst', bool, false],
  /** Dropout on the outputs of every layer but the last, in training mode. */
  ['dropout', number, 0],
  ['bidirectional', bool, false],
  /** Project h to this size (LSTM with projections); 0: none. */
  ['projSize', int, 0],
  ['device', nullable(deviceArg), null],
  ['dtype', nullable(dtype), null],
] as const;
const lstmArgs = signature('LSTM', rnnBaseSpec);
const gruArgs = signature('GRU', rnnBaseSpec);
const rnnArgs = signature('RNN', [...rnnBaseSpec, '*', ['nonlinearity', string as Check<'tanh' | 'relu'>, 'tanh']] as const);
type RNNBaseArgs = ParsedOf<typeof lstmArgs>;

/** forward's arguments: input a Tensor (or, for the layers, a PackedSequence); hx null, a Tensor, or (LSTM) a pair [h, c] of Tensors. */
function checkInputs(cls: string, input: unknown, hx: unknown, pair = false): void {
  if (!(input instanceof PackedSequence)) checkTensor(`${cls}.forward`, 'input', 1, input);
  if (hx == null) return;
  if (!pair) checkTensor(`${cls}.forward`, 'hx', 2, hx);
  else if (!Array.isArray(hx) || hx.length !== 2 || !tensor.test(hx[0]) || !tensor.test(hx[1])) {
    throw new TypeError(`${cls}.forward(): argument 'hx' (position 2) must be a pair [h_0, c_0] of Tensors, not ${pyTypeName(hx)}`);
  }
}


/** The multi-layer recurrent layers: parameters weight_ih_l{k}[_reverse], … in PyTorch's order. */
export abstract class RNNBase extends Module {
  readonly mode: RNNMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** PyTorch's per-layer parameters, typed: weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0, … */
  [name: `weight_${string}` | `bias_${string}`]: Parameter;
  /** Parameter names per layer and direction (PyTorch's _all_weights). */
  protected readonly _allWeights: string[][] = [];

  /** `mode` and the parsed arguments of RNN, LSTM or GRU. */
  constructor(mode: RNNMode, a: RNNBaseArgs) {
    super();
    const { inputSize, hiddenSize } = a;
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = a.numLayers;
    this.bias = a.bias;
    this.batchFirst = a.batchFirst;
    this.dropout = a.dropout;
    this.bidirectional = a.bidirectional;
    this.projSize = a.projSize;
    if (!(this.dropout >= 0 && this.dropout <= 1)) {
      throw new RangeError('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    }
    if (this.dropout > 0 && this.numLayers === 1) {
      warnOnce(
        'dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects ' +
          `num_layers greater than 1, but got dropout=${pyFloat(this.dropout)} and num_layers=${this.numLayers}`,
      );
    }
    if (this.projSize < 0) throw new RangeError('proj_size should be a positive integer or zero to disable projections');
    if (this.projSize >= hiddenSize) throw new RangeError('proj_size has to be smaller than hidden_size');
    const gateSize = GATES[mode] * hiddenSize;
    const realHidden = this.projSize > 0 ? this.projSize : hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const factory = { dtype: a.dtype ?? undefined };
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < dirs; dir++) {
        const layerInput = layer === 0 ? inputSize : realHidden * dirs;
        const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const params: [string, number[]][] = [
          ['weight_ih', [gateSize, layerInput]],
          ['weight_hh', [gateSize, realHidden]],
        ];
        if (this.bias) params.push(['bias_ih', [gateSize]], ['bias_hh', [gateSize]]);
        if (this.projSize > 0) params.push(['weight_hr', [this.projSize, hiddenSize]]);
        for (const [name, shape] of params) this.registerParameter(name + suffix, new Parameter(empty(shape, factory)));
        this._allWeights.push(params.map(([name]) => name + suffix));
      }
    }
    this.resetParameters();
  }

  /** PyTorch's all_weights: the parameters of each layer and direction, in order. */
  get allWeights(): Parameter[][] {
    return this._allWeights.map((names) => names.map((n) => this[n as `weight_${string}`]));
  }

  /** PyTorch compacts cuDNN weights here; on the CPU there is nothing to do. */
  flattenParameters(): void {}

  /** Every weight and bias uniform(-1/sqrt(hidden), 1/sqrt(hidden)), in registration order. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  /** The parameters of layer `layer`, direction `dir` (looked up by name, so replaced parameters are used). */
  protected cellParams(layer: number, dir: number): CellParams {
    const get = (name: string): Tensor | null => {
      const v = (this as unknown as Record<string, unknown>)[`${name}_l${layer}${dir === 1 ? '_reverse' : ''}`];
      return (v as Tensor | null | undefined) ?? null;
    };
    return { wIh: get('weight_ih') as Tensor, wHh: get('weight_hh') as Tensor, bIh: get('bias_ih'), bHh: get('bias_hh'), wHr: get('weight_hr') };
  }

  /** Checks input [T, B, I] (after batch_first and unbatched handling) as PyTorch's check_input. */
  protected checkInput(x: Tensor): void {
    if (x.dim() !== 3) throw new RangeError(`input must have 3 dimensions, got ${x.dim()}`);
    if (x.shape[2] !== this.inputSize) {
      throw new RangeError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[2]}`);
    }
  }

  protected checkHidden(hx: Tensor, batch: number, size: number, label = 'hidden'): void {
    const expected = [this.numLayers * (this.bidirectional ? 2 : 1), batch, size];
    if (!sameShape(hx.shape, expected)) throw new RangeError(`Expected ${label} size (${expected.join(', ')}), got ${formatShape(hx.shape)}`);
  }

  /** The layer stack (PyTorch's _VF call) on time-major x [T, B, I] from h0 (and c0). */
  protected runStack(x: Tensor, h0: Tensor, c0: Tensor | null): { output: Tensor; h: Tensor; c: Tensor | null } {
    const dirs = this.bidirectional ? 2 : 1;
    const params: CellParams[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) for (let dir = 0; dir < dirs; dir++) params.push(this.cellParams(layer, dir));
    return rnn(this.mode, x, h0, c0, params, { numLayers: this.numLayers, bidirectional: this.bidirectional, dropout: this.dropout, training: this.training });
  }

  /**
   * PyTorch's input handling before the _VF call: an unbatched [T, I] input gains its batch
   * dim (dim 1, or 0 with batchFirst), the input is checked, and batch-first input becomes
   * time-major [T, B, I]. `batch` is the batch size the hidden states must have.
   */
  protected toTimeMajor(input: Tensor): { x: Tensor; batched: boolean; batch: number } {
    const batched = input.dim() === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    const x = batched ? input : input.unsqueeze(batchDim);
    const batch = x.dim() > batchDim ? x.shape[batchDim] : 0;
    this.checkInput(x);
    return { x: this.batchFirst ? x.transpose(0, 1) : x, batched, batch };
  }

  /** The time-major output [T, B, *] back in the input's layout (batch first, or unbatched). */
  protected fromTimeMajor(output: Tensor, batched: boolean): Tensor {
    const out = this.batchFirst ? output.transpose(0, 1) : output;
    return batched ? out : out.squeeze(this.batchFirst ? 0 : 1);
  }

  /** A state [layers * dirs, B, H] for an unbatched input ([layers * dirs, H]) and back. */
  protected stateToBatched(hx: Tensor, batched: boolean): Tensor {
    return batched ? hx : hx.unsqueeze(1);
  }

  protected stateFromBatched(h: Tensor, batched: boolean): Tensor {
    return batched ? h : h.squeeze(1);
  }

  /**
   * forward on a PackedSequence (batchFirst does not apply): the initial states (h0, and c0
   * for LSTM; zeros when null) are in the caller's batch order and are permuted into the
   * packed order and back, as PyTorch's permute_hidden. `sizes` are the states' feature sizes.
   */
  protected forwardPacked(input: PackedSequence, hx: Tensor[] | null, sizes: readonly number[]): [PackedSequence, Tensor[]] {
    const { data } = input;
    if (data.dim() !== 2) throw new RangeError(`input must have 2 dimensions, got ${data.dim()}`);
    if (data.shape[1] !== this.inputSize) {
      throw new RangeError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${data.shape[1]}`);
    }
    const batchSizes = input.batchSizeList();
    const batch = batchSizes[0];
    const layers = this.numLayers * (this.bidirectional ? 2 : 1);
    const permute = (t: Tensor, order: Tensor | null) => (order === null ? t : t.indexSelect(1, order));
    const states = hx === null ? sizes.map((n) => zeros([layers, batch, n], { dtype: data.dtype })) : hx.map((h) => permute(h, input.sortedIndices));
    states.forEach((h, k) => this.checkHidden(h, batch, sizes[k], sizes.length === 1 ? 'hidden' : `hidden[${k}]`));
    const dirs = this.bidirectional ? 2 : 1;
    const params: CellParams[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) for (let dir = 0; dir < dirs; dir++) params.push(this.cellParams(layer, dir));
    const opts = { numLayers: this.numLayers, bidirectional: this.bidirectional, dropout: this.dropout, training: this.training };
    const r = rnn(this.mode, data, states[0], states[1] ?? null, params, opts, batchSizes);
    const output = new PackedSequence(r.output, input.batchSizes, input.sortedIndices, input.unsortedIndices);
    return [output, [r.h, ...(r.c === null ? [] : [r.c])].map((h) => permute(h, input.unsortedIndices))];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/** RNN and GRU share a forward with a single hidden state. */
abstract class SingleStateRNN extends RNNBase {
  /** input [T, B, I] ([B, T, I] with batchFirst, unbatched [T, I], or a PackedSequence); hx [layers * dirs, B, H]. */
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    checkInputs(this.constructor.name, input, hx);
    if (input instanceof PackedSequence) {
      const [output, [h]] = this.forwardPacked(input, hx == null ? null : [hx], [this.hiddenSize]);
      return [output, h];
    }
    const batched = input.dim() === 3;
    if (hx != null && hx.dim() !== (batched ? 3 : 2)) {
      const what = batched ? 'batched 3-D input, hx should also be 3-D' : 'unbatched 2-D input, hx should also be 2-D';
      throw new RangeError(`For ${what} but got ${hx.dim()}-D tensor`);
    }
    const { x, batch } = this.toTimeMajor(input);
    const h0 = hx == null ? zeros([this.numLayers * (this.bidirectional ? 2 : 1), batch, this.hiddenSize], { dtype: x.dtype }) : this.stateToBatched(hx, batched);
    this.checkHidden(h0, batch, this.hiddenSize);
    const r = this.runStack(x, h0, null);
    return [this.fromTimeMajor(r.output, batched), this.stateFromBatched(r.h, batched)];
  }
}

/**
 * Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).
 * RNN(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, { nonlinearity }).
 */
export class RNN extends SingleStateRNN {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(...args: ArgsOf<typeof rnnArgs>) {
    const a = rnnArgs.parse(args);
    const nonlinearity = a.nonlinearity;
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new RangeError(`Unknown nonlinearity '${String(nonlinearity)}'`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', rejectProj(a));
    this.nonlinearity = nonlinearity;
  }
}

/**
 * GRU with PyTorch's gate order (r, z, n) and n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
 * GRU(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional).
 */
export class GRU extends SingleStateRNN {
  constructor(...args: ArgsOf<typeof gruArgs>) {
    super('GRU', rejectProj(gruArgs.parse(args)));
  }
}

/** PyTorch's RNN and GRU refuse proj_size (0, the default, means none). */
function rejectProj(a: RNNBaseArgs): RNNBaseArgs {
  if (a.projSize !== 0) throw new RangeError('proj_size argument is only supported for LSTM, not RNN or GRU');
  return a;
}

/**
 * LSTM with PyTorch's gate order (i, f, g, o); forward returns [output, [h_n, c_n]].
 * LSTM(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize).
 */
export class LSTM extends RNNBase {
  constructor(...args: ArgsOf<typeof lstmArgs>) {
    super('LSTM', lstmArgs.parse(args));
  }

  /** input [T, B, I] ([B, T, I] with batchFirst, unbatched [T, I], or a PackedSequence); hx = [h0, c0]. */
  override forward(input: PackedSequence, hx?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(input: Tensor | PackedSequence, hx?: [Tensor, Tensor] | null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    checkInputs('LSTM', input, hx, true);
    if (input instanceof PackedSequence) {
      const [output, [h, c]] = this.forwardPacked(input, hx == null ? null : [...hx], [this.projSize > 0 ? this.projSize : this.hiddenSize, this.hiddenSize]);
      return [output, [h, c]];
    }
    const batched = input.dim() === 3;
    if (hx != null) {
      const want = batched ? 3 : 2;
      if (hx[0].dim() !== want || hx[1].dim() !== want) {
        const what = batched ? 'batched 3-D' : 'unbatched 2-D';
        throw new RangeError(`For ${what} input, hx and cx should also be ${want}-D but got (${hx[0].dim()}-D, ${hx[1].dim()}-D) tensors`);
      }
    }
    const { x, batch } = this.toTimeMajor(input);
    const layers = this.numLayers * (this.bidirectional ? 2 : 1);
    const realHidden = this.projSize > 0 ? this.projSize : this.hiddenSize;
    const h0 = hx == null ? zeros([layers, batch, realHidden], { dtype: x.dtype }) : this.stateToBatched(hx[0], batched);
    const c0 = hx == null ? zeros([layers, batch, this.hiddenSize], { dtype: x.dtype }) : this.stateToBatched(hx[1], batched);
    this.checkHidden(h0, batch, realHidden, 'hidden[0]');
    this.checkHidden(c0, batch, this.hiddenSize, 'hidden[1]');
    const r = this.runStack(x, h0, c0);
    return [this.fromTimeMajor(r.output, batched), [this.stateFromBatched(r.h, batched), this.stateFromBatched(r.c as Tensor, batched)]];
  }
}

// --- cells ---

const cellSpec = [['inputSize', int], ['hiddenSize', int], ['bias', bool, true]] as const;
const factorySpec = [['device', nullable(deviceArg), null], ['dtype', nullable(dtype), null]] as const;
const rnnCellArgs = signature('RNNCell', [...cellSpec, ['nonlinearity', string as Check<'tanh' | 'relu'>, 'tanh'], ...factorySpec] as const);
const lstmCellArgs = signature('LSTMCell', [...cellSpec, ...factorySpec] as const);
const gruCellArgs = signature('GRUCell', [...cellSpec, ...factorySpec] as const);

abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  /** The parsed arguments of a cell, and its number of gates. */
  constructor({ inputSize, hiddenSize, bias, dtype }: ParsedOf<typeof lstmCellArgs>, numChunks: number) {
    super();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = bias;
    const factory = { dtype: dtype ?? undefined };
    this.weight_ih = new Parameter(empty([numChunks * hiddenSize, inputSize], factory));
    this.weight_hh = new Parameter(empty([numChunks * hiddenSize, hiddenSize], factory));
    this.bias_ih = bias ? new Parameter(empty([numChunks * hiddenSize], factory)) : null;
    this.bias_hh = bias ? new Parameter(empty([numChunks * hiddenSize], factory)) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  protected params(): CellParams {
    return { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh, wHr: null };
  }

  /** Input [B, I] or unbatched [I] as [B, I] (PyTorch asserts 1-D or 2-D). */
  protected batchedInput(input: Tensor): Tensor {
    if (input.dim() !== 1 && input.dim() !== 2) {
      throw new RangeError(`${this.constructor.name}: Expected input to be 1-D or 2-D but received ${input.dim()}-D tensor`);
    }
    const x = input.dim() === 1 ? input.unsqueeze(0) : input;
    if (x.shape[1] !== this.inputSize) throw new RangeError(`input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`);
    return x;
  }

  protected checkState(x: Tensor, h: Tensor, label: string): void {
    if (x.shape[0] !== h.shape[0]) throw new RangeError(`Input batch size ${x.shape[0]} doesn't match hidden${label} batch size ${h.shape[0]}`);
    if (h.shape[1] !== this.hiddenSize) throw new RangeError(`hidden${label} has inconsistent hidden_size: got ${h.shape[1]}, expected ${this.hiddenSize}`);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=False'}`;
  }
}

/** One step of an Elman RNN (tanh or relu): RNNCell(inputSize, hiddenSize, bias, nonlinearity). */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(...args: ArgsOf<typeof rnnCellArgs>) {
    const a = rnnCellArgs.parse(args);
    super(a, 1);
    this.nonlinearity = a.nonlinearity;
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') throw new RangeError(`Unknown nonlinearity: ${String(this.nonlinearity)}`);
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    checkInputs(this.constructor.name, input, hx);
    const x = this.batchedInput(input);
    const h = hx == null ? zeros([x.shape[0], this.hiddenSize], { dtype: x.dtype }) : input.dim() === 1 ? hx.unsqueeze(0) : hx;
    this.checkState(x, h, '');
    const out = rnnCell(x, h, this.params(), this.nonlinearity);
    return input.dim() === 1 ? out.squeeze(0) : out;
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity=${this.nonlinearity}` : '');
  }
}

/** One LSTM step: LSTMCell(inputSize, hiddenSize, bias); forward(x, [h, c]) → [h', c']. */
export class LSTMCell extends RNNCellBase {
  constructor(...args: ArgsOf<typeof lstmCellArgs>) {
    super(lstmCellArgs.parse(args), 4);
  }

  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    checkInputs('LSTMCell', input, hx, true);
    const x = this.batchedInput(input);
    let h: Tensor;
    let c: Tensor;
    if (hx == null) {
      h = zeros([x.shape[0], this.hiddenSize], { dtype: x.dtype });
      c = h;
    } else {
      [h, c] = input.dim() === 1 ? [hx[0].unsqueeze(0), hx[1].unsqueeze(0)] : hx;
    }
    // ATen labels both checks "hidden0".
    this.checkState(x, h, '0');
    this.checkState(x, c, '0');
    const [hy, cy] = lstmCell(x, h, c, this.params());
    return input.dim() === 1 ? [hy.squeeze(0), cy.squeeze(0)] : [hy, cy];
  }
}

/** One GRU step: GRUCell(inputSize, hiddenSize, bias); forward(x, h) → h'. */
export class GRUCell extends RNNCellBase {
  constructor(...args: ArgsOf<typeof gruCellArgs>) {
    super(gruCellArgs.parse(args), 3);
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    checkInputs(this.constructor.name, input, hx);
    const x = this.batchedInput(input);
    const h = hx == null ? zeros([x.shape[0], this.hiddenSize], { dtype: x.dtype }) : input.dim() === 1 ? hx.unsqueeze(0) : hx;
    this.checkState(x, h, '0');
    const out = gruCell(x, h, this.params());
    return input.dim() === 1 ? out.squeeze(0) : out;
  }
}
