// nn.utils.rnn and the recurrent layers on PackedSequences against PyTorch (scripts/fixtures/nn_packed.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../../src/index.js';
import { nn, type Tensor } from '../../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../../helpers/modules.js';

const { PackedSequence, padSequence, packPaddedSequence, padPackedSequence, packSequence, unpadSequence, unpackSequence } = nn.utils.rnn;
type Packed = InstanceType<typeof PackedSequence>;

/** The fixture's Packed module: pads -> packs -> runs the RNN -> pads back, as a training script does. */
class Packed_ extends nn.Module {
  constructor(
    readonly rnn: nn.LSTM | nn.GRU | nn.RNN,
    readonly lengths: number[],
    readonly opts: { batchFirst?: boolean; enforceSorted?: boolean; paddingValue?: number; totalLength?: number } = {},
  ) {
    super();
  }

  override forward(x: Tensor, ...hx: Tensor[]): Tensor[] {
    const { batchFirst = false, enforceSorted = true, paddingValue = 0, totalLength = null } = this.opts;
    const packed = packPaddedSequence(x, this.lengths, { batchFirst, enforceSorted });
    let out: Packed;
    let states: Tensor[];
    if (this.rnn instanceof nn.LSTM) {
      const [o, [h, c]] = this.rnn.forward(packed, hx.length ? [hx[0], hx[1]] : null);
      [out, states] = [o, [h, c]];
    } else {
      const [o, h] = this.rnn.forward(packed, hx[0] ?? null);
      [out, states] = [o, [h]];
    }
    const [padded, lens] = padPackedSequence(out, { batchFirst, paddingValue, totalLength });
    return [padded, lens, out.data, ...states];
  }
}
Object.defineProperty(Packed_, 'name', { value: 'Packed' });

const spec = (build: () => nn.Module): ModuleSpec => ({ build, call: (m, ...xs) => m.forward(...xs) as Tensor[] });

moduleSuite('nn_packed.json', {
  'lstm/sorted_two_layers_bidirectional': spec(() => new Packed_(new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }), [5, 3, 3, 1])),
  'gru/unsorted_batch_first_bidirectional_state': spec(
    () => new Packed_(new nn.GRU(3, 4, { batchFirst: true, bidirectional: true }), [2, 5, 1, 4], { batchFirst: true, enforceSorted: false }),
  ),
  'rnn/relu_total_length_padding_value': spec(
    () => new Packed_(new nn.RNN(2, 3, { nonlinearity: 'relu' }), [3, 1, 3], { enforceSorted: false, paddingValue: -1, totalLength: 6 }),
  ),
  'lstm/unsorted_state_proj_dropout': spec(
    () => new Packed_(new nn.LSTM(2, 4, { numLayers: 2, projSize: 2, dropout: 0.3 }), [1, 4, 2], { enforceSorted: false }),
  ),
  'gru/equal_lengths_two_layers': spec(() => new Packed_(new nn.GRU(2, 3, { numLayers: 2 }), [3, 3])),
});

interface Functional {
  seqs: TensorJson[];
  pad: TensorJson;
  pad_batch_first: TensorJson;
  pad_1d: TensorJson;
  pack: Record<'data' | 'batch_sizes' | 'sorted_indices' | 'unsorted_indices', TensorJson>;
  pack_sorted: { data: TensorJson; batch_sizes: TensorJson; sorted_indices: null };
  unpacked: { padded: TensorJson; lengths: TensorJson };
  pack_tensor_lengths: TensorJson;
  unpad: TensorJson[];
  unpack: TensorJson[];
  pack_grad: TensorJson;
}
const fixture = loadFixture<{ functional: Functional; errors: Record<string, { type: string; message: string }> }>('nn_packed.json');
const f = fixture.functional;
const exact = { rtol: 0, atol: 0 };

test('padSequence, packSequence, padPackedSequence, unpad/unpackSequence equal PyTorch', () => {
  const seqs = f.seqs.map((s) => fromJson(s));
  assertTensor(padSequence(seqs), f.pad, exact, 'pad_sequence');
  assertTensor(padSequence(seqs, true, -2.5), f.pad_batch_first, exact, 'pad_sequence batch_first');
  assertTensor(padSequence([torch.arange(3), torch.arange(1)].map((t) => t.float()), { batchFirst: true }), f.pad_1d, exact, '1-d sequences');
  const p = packSequence(seqs, { enforceSorted: false });
  assertTensor(p.data, f.pack.data, exact, 'data');
  assertTensor(p.batchSizes, f.pack.batch_sizes, exact, 'batch_sizes');
  assertTensor(p.sortedIndices as Tensor, f.pack.sorted_indices, exact, 'sorted_indices');
  assertTensor(p.unsortedIndices as Tensor, f.pack.unsorted_indices, exact, 'unsorted_indices');
  const [data, batchSizes, sorted, unsorted] = p;
  assert.deepEqual([data, batchSizes, sorted, unsorted], [p.data, p.batchSizes, p.sortedIndices, p.unsortedIndices], 'destructures as the namedtuple');
  const bySize = [...seqs].sort((a, b) => b.shape[0] - a.shape[0]);
  const p2 = packSequence(bySize);
  assertTensor(p2.data, f.pack_sorted.data, exact);
  assertTensor(p2.batchSizes, f.pack_sorted.batch_sizes, exact);
  assert.equal(p2.sortedIndices, null);
  const [padded, lengths] = padPackedSequence(p, { batchFirst: true, totalLength: 7 });
  assertTensor(padded, f.unpacked.padded, exact, 'pad_packed_sequence');
  assertTensor(lengths, f.unpacked.lengths, exact, 'lengths');
  const lens = torch.tensor([2, 5, 1, 4]);
  assertTensor(packPaddedSequence(padSequence(seqs), lens, false, false).data, f.pack_tensor_lengths, exact, 'lengths as a tensor');
  unpadSequence(padSequence(seqs, true), lens, true).forEach((t, i) => assertTensor(t, f.unpad[i], exact, `unpad ${i}`));
  unpackSequence(p).forEach((t, i) => assertTensor(t, f.unpack[i], exact, `unpack ${i}`));
  // As PyTorch's, unpadSequence transposes a time-major input in place.
  const timeMajor = padSequence(seqs);
  unpadSequence(timeMajor, lens);
  assert.deepEqual(timeMajor.shape, [4, 5, 3]);
});

test('gradients flow from the packed data back to the padded input', () => {
  const x = padSequence(f.seqs.map((s) => fromJson(s))).requiresGrad_();
  const p = packPaddedSequence(x, [2, 5, 1, 4], { enforceSorted: false });
  const w = torch.arange(p.data.numel()).float().reshape(p.data.shape);
  p.data.mul(w).sum().backward();
  assertTensor(x.grad as Tensor, f.pack_grad, exact);
});

test('errors as PyTorch', () => {
  const e = fixture.errors;
  const x = torch.zeros(4, 3, 2);
  const p = packPaddedSequence(x, [4, 2, 1]);
  const cases: Record<string, () => unknown> = {
    unsorted: () => packPaddedSequence(x, [1, 3, 2]),
    zero_length: () => packPaddedSequence(x, [3, 2, 0]),
    lengths_count: () => packPaddedSequence(x, [3, 2]),
    total_length: () => padPackedSequence(p, { totalLength: 3 }),
    pad_trailing: () => padSequence([torch.zeros(2, 3), torch.zeros(2, 4)]),
    rnn_input_size: () => new nn.LSTM(3, 4).forward(p),
    rnn_hidden_batch: () => new nn.GRU(2, 4).forward(p, torch.zeros(1, 2, 4)),
  };
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(e).sort());
  for (const [name, fn] of Object.entries(cases)) assert.throws(fn, { message: e[name].message }, name);
  // PyTorch reads past the input here and returns an inconsistent PackedSequence; torchlette refuses.
  assert.throws(() => packPaddedSequence(x, [5, 2, 1]), /longest length is 5 but the padded input has only 4 time steps/);
  assert.throws(() => padSequence([]), /empty list of sequences/);
  assert.throws(() => packPaddedSequence(x, [3, 2, 1], { enforce_sorted: false } as never), /enforce_sorted/);
});
