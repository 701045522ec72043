// RNN, LSTM, GRU and their cells against PyTorch (scripts/fixtures/nn_rnn.py), plus
// gradcheck/gradgradcheck of small LSTM/GRU in float64.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const { gradcheck, gradgradcheck } = torch.autograd;

const one = (build: () => nn.Module): ModuleSpec => ({ build });
/** forward(x, [h, c]) as the fixture's with_state. */
const withState = (build: () => nn.Module): ModuleSpec => ({
  build,
  call: (m, x, h, c) => (m as nn.LSTM).forward(x, [h, c]) as unknown as Tensor[],
});
/** forward(x, h) as the fixture's with_hidden (also the cells' default two-input call). */
const withHidden = (build: () => nn.Module): ModuleSpec => ({ build, call: (m, x, h) => m.forward(x, h) as Tensor });

/** The seeds' ConvLSTM: LSTM gates from a convolution of [x_t, h] (the fixture's twin). */
class ConvLSTM extends nn.Module {
  readonly hidden = 2;
  conv = new nn.Conv2d(1 + 2, 4 * 2, 3, { padding: 1 });
  override forward(x: Tensor): [Tensor, Tensor] {
    const [, b, , height, width] = x.shape;
    let h = torch.zeros(b, this.hidden, height, width);
    let c = torch.zeros(b, this.hidden, height, width);
    const outs: Tensor[] = [];
    for (let t = 0; t < x.shape[0]; t++) {
      const [i, f, g, o] = this.conv.forward(torch.cat([x.index(t), h], 1)).chunk(4, 1);
      c = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
      h = o.sigmoid().mul(c.tanh());
      outs.push(h);
    }
    return [torch.stack(outs, 0), c];
  }
}

const SPECS: Record<string, ModuleSpec> = {
  lstm: one(() => new nn.LSTM(3, 4)),
  'lstm/two_layers_batch_first': one(() => new nn.LSTM(3, 4, { numLayers: 2, batchFirst: true })),
  'lstm/bidirectional': one(() => new nn.LSTM(2, 3, { numLayers: 2, bidirectional: true })),
  'lstm/no_bias': one(() => new nn.LSTM(2, 3, { bias: false })),
  'lstm/dropout': one(() => new nn.LSTM(2, 3, { numLayers: 3, dropout: 0.4 })),
  'lstm/initial_state': withState(() => new nn.LSTM(3, 4, { numLayers: 2 })),
  'lstm/unbatched': one(() => new nn.LSTM(3, 4, { bidirectional: true })),
  'lstm/unbatched_state': withState(() => new nn.LSTM(3, 4)),
  'lstm/proj_size': one(() => new nn.LSTM(2, 4, { projSize: 2, numLayers: 2, bidirectional: true })),
  'lstm/float64': one(() => new nn.LSTM(2, 3, { numLayers: 2, dtype: 'float64' })),
  gru: one(() => new nn.GRU(3, 4)),
  'gru/bidirectional_two_layers': one(() => new nn.GRU(2, 3, { numLayers: 2, bidirectional: true })),
  'gru/batch_first_state': withHidden(() => new nn.GRU(3, 4, { batchFirst: true })),
  'gru/no_bias_dropout': one(() => new nn.GRU(2, 3, { numLayers: 2, bias: false, dropout: 0.5 })),
  'gru/unbatched': one(() => new nn.GRU(3, 4, { batchFirst: true })),
  rnn: one(() => new nn.RNN(3, 4)),
  'rnn/relu_bidirectional': one(() => new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2, bidirectional: true })),
  'rnn/batch_first_state': withHidden(() => new nn.RNN(3, 4, { batchFirst: true, numLayers: 2 })),
  lstmcell: one(() => new nn.LSTMCell(3, 4)),
  'lstmcell/state': withState(() => new nn.LSTMCell(3, 4)),
  'lstmcell/unbatched_no_bias': one(() => new nn.LSTMCell(3, 4, { bias: false })),
  grucell: withHidden(() => new nn.GRUCell(3, 4)),
  'grucell/no_bias': one(() => new nn.GRUCell(3, 2, { bias: false })),
  rnncell: withHidden(() => new nn.RNNCell(3, 4)),
  'rnncell/relu_unbatched': withHidden(() => new nn.RNNCell(3, 4, { nonlinearity: 'relu' })),
  convlstm: one(() => new ConvLSTM()),
};

moduleSuite('nn_rnn.json', SPECS);

interface Extras {
  errors: Record<string, string>;
  grad_fns: Record<string, string[]>;
  reprs: Record<string, string | string[]>;
}
const extras = loadFixture<Extras>('nn_rnn.json');

test("errors carry PyTorch's messages", () => {
  const z = (...s: number[]) => torch.zeros(s);
  const r = torch.randn;
  const cases: Record<string, () => unknown> = {
    input_size: () => new nn.LSTM(3, 4).forward(r(2, 1, 5)),
    input_rank: () => new nn.LSTM(3, 4).forward(r(2, 1, 3, 1)),
    hidden0_size: () => new nn.LSTM(3, 4).forward(r(2, 1, 3), [z(1, 2, 4), z(1, 1, 4)]),
    hidden1_size: () => new nn.LSTM(3, 4).forward(r(2, 1, 3), [z(1, 1, 4), z(2, 1, 4)]),
    lstm_state_rank: () => new nn.LSTM(3, 4).forward(r(2, 1, 3), [z(1, 4), z(1, 1, 4)]),
    lstm_unbatched_state_rank: () => new nn.LSTM(3, 4).forward(r(2, 3), [z(1, 1, 4), z(1, 4)]),
    gru_hidden_size: () => new nn.GRU(3, 4).forward(r(2, 1, 3), z(2, 1, 4)),
    gru_state_rank: () => new nn.GRU(3, 4).forward(r(2, 1, 3), z(1, 4)),
    gru_unbatched_state_rank: () => new nn.GRU(3, 4).forward(r(2, 3), z(1, 1, 4)),
    gru_proj: () => new nn.GRU(3, 4, { projSize: 2 }),
    proj_too_big: () => new nn.LSTM(3, 4, { projSize: 4 }),
    dropout_range: () => new nn.LSTM(3, 4, { dropout: 1.5 }),
    nonlinearity: () => new nn.RNN(3, 4, { nonlinearity: 'gelu' as 'tanh' }),
    cell_input_size: () => new nn.LSTMCell(3, 4).forward(r(2, 5)),
    cell_rank: () => new nn.LSTMCell(3, 4).forward(r(2, 1, 3)),
    cell_batch: () => new nn.LSTMCell(3, 4).forward(r(2, 3), [z(3, 4), z(2, 4)]),
    cell_c_hidden_size: () => new nn.LSTMCell(3, 4).forward(r(2, 3), [z(2, 4), z(2, 5)]),
    grucell_hidden_size: () => new nn.GRUCell(3, 4).forward(r(2, 3), z(2, 5)),
    rnncell_rank: () => new nn.RNNCell(3, 4).forward(r(2, 3, 3)),
  };
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(extras.errors).sort());
  for (const [name, fn] of Object.entries(cases)) {
    const want = extras.errors[name];
    assert.throws(fn, (err: Error) => err.message === want, `${name}: expected ${JSON.stringify(want)}`);
  }
});

test('grad_fn names', () => {
  const x = torch.randn(5, 2, 3);
  const names = (ts: Tensor[]) => ts.map((t) => t.gradFn?.name);
  const got: Record<string, (string | undefined)[]> = {};
  let [o, [h, c]] = new nn.LSTM(3, 4).forward(x);
  got.lstm = names([o, h, c]);
  [o, [h, c]] = new nn.LSTM(3, 4, { batchFirst: true }).forward(x);
  got.lstm_batch_first = names([o, h, c]);
  [o, [h, c]] = new nn.LSTM(3, 4, { bidirectional: true }).forward(x);
  got.lstm_bidirectional = names([o, h, c]);
  got.gru_unbatched = names(new nn.GRU(3, 4).forward(x.select(1, 0)));
  got.lstmcell = names(new nn.LSTMCell(3, 4).forward(x.index(0)));
  got.grucell = names([new nn.GRUCell(3, 4).forward(x.index(0))]);
  got.rnncell_relu = names([new nn.RNNCell(3, 4, { nonlinearity: 'relu' }).forward(x.index(0))]);
  assert.deepEqual(got, extras.grad_fns);
});

test('reprs and parameter names', () => {
  const r = extras.reprs;
  assert.equal(String(new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true })), r.lstm);
  assert.equal(
    String(new nn.LSTM(10, 20, { numLayers: 3, bias: false, batchFirst: true, dropout: 0.25, bidirectional: true, projSize: 5 })),
    r.lstm_all,
  );
  assert.equal(String(new nn.GRU(3, 4)), r.gru);
  assert.equal(String(new nn.RNN(3, 4, { nonlinearity: 'relu', bidirectional: true })), r.rnn);
  assert.equal(String(new nn.LSTMCell(3, 4)), r.lstmcell);
  assert.equal(String(new nn.GRUCell(3, 4, { bias: false })), r.grucell);
  assert.equal(String(new nn.RNNCell(3, 4, { nonlinearity: 'relu' })), r.rnncell);
  assert.deepEqual(Object.keys(new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }).stateDict()), r.lstm_keys);
  assert.deepEqual(Object.keys(new nn.LSTM(3, 4, { projSize: 2 }).stateDict()), r.lstm_proj_keys);
  assert.deepEqual(Object.keys(new nn.GRU(3, 4, { bias: false }).stateDict()), r.gru_no_bias_keys);
  assert.deepEqual(Object.keys(new nn.GRUCell(3, 4).stateDict()), r.cell_keys);
});

test('LSTM and GRU: gradcheck and gradgradcheck in float64', () => {
  torch.manualSeed(7);
  const lstm = new nn.LSTM(2, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' });
  const gru = new nn.GRU(2, 2, { batchFirst: true, dtype: 'float64' });
  const x = torch.randn([3, 2, 2], { dtype: 'float64', requiresGrad: true });
  const h0 = torch.randn([4, 2, 2], { dtype: 'float64', requiresGrad: true });
  const c0 = torch.randn([4, 2, 2], { dtype: 'float64', requiresGrad: true });
  // A parameter as a gradcheck input: gradcheck perturbs its memory, which the module reads.
  const w = lstm.weight_hh_l1_reverse;
  const runLstm = (xi: Tensor, hi: Tensor, ci: Tensor) => {
    const [o, [h, c]] = lstm.forward(xi, [hi, ci]);
    return [o, h, c];
  };
  assert.ok(gradcheck(runLstm, [x, h0, c0, w]));
  // Second order on a smaller problem (gradgradcheck's cost grows with inputs x outputs).
  const small = new nn.LSTM(2, 2, { dtype: 'float64' });
  const xs = torch.randn([2, 1, 2], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradgradcheck((xi: Tensor) => small.forward(xi)[1].flat(), [xs, small.weight_ih_l0]));
  const g0 = torch.randn([1, 3, 2], { dtype: 'float64', requiresGrad: true });
  const runGru = (xi: Tensor, hi: Tensor) => gru.forward(xi, hi);
  assert.ok(gradcheck(runGru, [x, g0]));
  assert.ok(gradgradcheck((xi: Tensor, hi: Tensor) => gru.forward(xi.index(':1'), hi.index(':', ':1'))[1], [x, g0]));
});
