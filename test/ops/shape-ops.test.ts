// Shape, triangular, diagonal, product and creation ops against PyTorch
// (scripts/fixtures/ops_shape.py): values, dtypes, grad_fn names, gradients of a weighted
// sum of the outputs, and PyTorch's error messages; gradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Case {
  inputs: TensorJson[];
  requires_grad: boolean[];
  outputs: TensorJson[];
  grad_fn: (string | null)[];
  grad_outputs?: TensorJson[];
  grads?: (TensorJson | null)[];
}
const fixture = loadFixture<{ cases: Record<string, Case>; errors: Record<string, string> }>('ops_shape.json');

type Op = (...xs: Tensor[]) => Tensor | Tensor[];
const idx = (v: number[]) => torch.tensor(v);

const OPS: Record<string, Op> = {
  tril: (x) => x.tril(),
  'tril/neg': (x) => torch.tril(x, -1),
  'tril/batch': (x) => x.tril(2),
  triu: (x) => x.triu(),
  'triu/pos': (x) => torch.triu(x, { diagonal: 1 }),
  'tril/int': (x) => x.tril(),
  'tril/inf': (x) => x.tril(),
  tril_indices: () => torch.trilIndices(3, 4, 1),
  triu_indices: () => torch.triuIndices(4, 3, { offset: -1 }),
  'tril_indices/empty': () => torch.trilIndices(0, 3),
  diagonal: (x) => x.diagonal(),
  'diagonal/offset': (x) => torch.diagonal(x, 2),
  'diagonal/neg': (x) => x.diagonal({ offset: -1 }),
  'diagonal/dims': (x) => x.diagonal(1, 2, 0),
  'diagonal/out_of_range': (x) => x.diagonal(7),
  'diag/vec': (x) => torch.diag(x),
  'diag/vec_offset': (x) => x.diag(-2),
  'diag/mat': (x) => x.diag(1),
  diag_embed: (x) => torch.diagEmbed(x),
  'diag_embed/dims': (x) => torch.diagEmbed(x, 1, { dim1: 0, dim2: 2 }),
  diagflat: (x) => torch.diagflat(x, -1),
  trace: (x) => x.trace(),
  'trace/int': (x) => torch.trace(x),
  diagonal_scatter: (x, s) => torch.diagonalScatter(x, s, 1),
  select_scatter: (x, s) => torch.selectScatter(x, s, 1, -2),
  slice_scatter: (x, s) => torch.sliceScatter(x, s, { dim: 1, start: 1, end: null, step: 2 }),
  as_strided: (x) => x.asStrided([3, 2], [1, 3], 1),
  as_strided_scatter: (x, s) => torch.asStridedScatter(x, s, [2, 2], [1, 5], 1),
  fill_diagonal_: (x) => x.clone().fillDiagonal_(5),
  'fill_diagonal_/wrap': (x) => x.clone().fillDiagonal_(-1, true),
  'fill_diagonal_/cube': (x) => x.clone().fillDiagonal_(2),
  roll: (x) => x.roll(1),
  'roll/dims': (x) => torch.roll(x, [1, -3], [0, 1]),
  'roll/big': (x) => x.roll(7, -1),
  fliplr: (x) => x.fliplr(),
  flipud: (x) => torch.flipud(x),
  rot90: (x) => x.rot90(),
  'rot90/k2': (x) => torch.rot90(x, 2, [1, 2]),
  'rot90/k3': (x) => x.rot90(-1, { dims: [2, 0] }),
  repeat_interleave: (x) => x.repeatInterleave(2),
  'repeat_interleave/dim': (x) => torch.repeatInterleave(x, 3, 1),
  'repeat_interleave/tensor': (x) => x.repeatInterleave(idx([1, 0, 2]), 0),
  'repeat_interleave/one': (x) => x.repeatInterleave(idx([2]), -1, { outputSize: 10 }),
  'repeat_interleave/index': () => torch.repeatInterleave(idx([2, 0, 3])),
  'meshgrid/ij': (x, y) => torch.meshgrid(x, y, { indexing: 'ij' }),
  'meshgrid/xy': (x, y, z) => torch.meshgrid([x, y, z], { indexing: 'xy' }),
  tile: (x) => x.tile([2]),
  'tile/more': (x) => torch.tile(x, [2, 1, 3]),
  atleast_1d: (x) => torch.atleast1d(x),
  atleast_2d: (x, y) => torch.atleast2d(x, y),
  atleast_3d: (x, y, z) => torch.atleast3d([x, y, z]),
  hstack: (x, y) => torch.hstack([x, y]),
  'hstack/1d': (x, y) => torch.hstack([x, y]),
  vstack: (x, y) => torch.vstack([x, y]),
  row_stack: (x, y) => torch.rowStack([x, y]),
  dstack: (x, y) => torch.dstack([x, y]),
  column_stack: (x, y, z) => torch.columnStack([x, y, z]),
  tensor_split: (x) => torch.tensorSplit(x, 3),
  'tensor_split/indices': (x) => x.tensorSplit([1, 9, 3], 1),
  'tensor_split/tensor': (x) => torch.tensorSplit(x, idx([1, 3]), { dim: 1 }),
  hsplit: (x) => torch.hsplit(x, [1, 3]),
  'hsplit/1d': (x) => x.hsplit(2),
  vsplit: (x) => torch.vsplit(x, 3),
  dsplit: (x) => x.dsplit([3]),
  split_with_sizes: (x) => x.splitWithSizes([1, 2], 0),
  unsafe_split: (x) => x.unsafeSplit(2, 1),
  unsafe_chunk: (x) => torch.unsafeChunk(x, 3, 1),
  unsafe_split_with_sizes: (x) => torch.unsafeSplitWithSizes(x, [2, 3], 1),
  broadcast_tensors: (x, y) => torch.broadcastTensors(x, y),
  broadcast_to: (x) => torch.broadcastTo(x, [2, 3, 4]),
  cartesian_prod: (x, y) => torch.cartesianProd(x, y),
  'cartesian_prod/three': (x, y, z) => torch.cartesianProd(x, y, z),
  combinations: (x) => torch.combinations(x),
  'combinations/r3': (x) => torch.combinations(x, 3, { withReplacement: true }),
  'combinations/r0': (x) => torch.combinations(x, 0),
  block_diag: (x, y, z) => torch.blockDiag(x, y, z),
  'block_diag/promote': (x, y) => torch.blockDiag([x, y]),
  swapdims: (x) => torch.swapdims(x, 0, 2),
  swapaxes: (x) => x.swapaxes(-1, 1),
  moveaxis: (x) => torch.moveaxis(x, [0, 1], [1, 2]),
  ravel: (x) => x.t().ravel(),
  unfold: (x) => x.unfold(1, 2, 1),
  'unfold/step': (x) => x.unfold(0, 2, 2),
  'unfold/wide': (x) => x.unfold(-1, 3, 1),
  sum_to_size: (x) => x.sumToSize(1, 5),
  'sum_to_size/lead': (x) => x.sumToSize([3, 1]),
  'einsum/mm': (x, y) => torch.einsum('ij,jk->ik', x, y),
  'einsum/implicit': (x, y) => torch.einsum('ij,kj', x, y),
  'einsum/trace': (x) => torch.einsum('ii', x),
  'einsum/diag': (x) => torch.einsum('ii->i', x),
  'einsum/sum': (x) => torch.einsum('ijk->j', x),
  'einsum/outer': (x, y) => torch.einsum('i,j', x, y),
  'einsum/bmm': (x, y) => torch.einsum('bij,bjk->bik', x, y),
  'einsum/ellipsis': (x, y) => torch.einsum('...ij,...jk', x, y),
  'einsum/ellipsis_out': (x) => torch.einsum('i...->...i', x),
  'einsum/three': (x, y, z) => torch.einsum('ij,jk,k->i', x, y, z),
  'einsum/batch_outer': (x, y) => torch.einsum('bi,bj->bij', x, y),
  'einsum/broadcast1': (x, y) => torch.einsum('ij,j', x, y),
  'einsum/upper': (x, y) => torch.einsum('Ba,aB', x, y),
  'einsum/list': (x, y) => torch.einsum('ab,bc->ca', [x, y]),
  tensordot: (x, y) => torch.tensordot(x, y, 1),
  'tensordot/default': (x, y) => torch.tensordot(x, y),
  'tensordot/lists': (x, y) => torch.tensordot(x, y, { dims: [[0, 2], [2, 0]] }),
  kron: (x, y) => torch.kron(x, y),
  'kron/ranks': (x, y) => x.kron(y),
  inner: (x, y) => torch.inner(x, y),
  'inner/vec': (x, y) => x.inner(y),
  'inner/scalar': (x, y) => torch.inner(x, y),
  ger: (x, y) => torch.ger(x, y),
  vdot: (x, y) => torch.vdot(x, y),
  addr: (i, x, y) => torch.addr(i, x, y, { beta: 0.5, alpha: 2 }),
  'addr/broadcast': (i, x, y) => i.addr(x, y),
  addmv: (i, x, y) => torch.addmv(i, x, y, { beta: -1, alpha: 0.5 }),
  addbmm: (i, x, y) => torch.addbmm(i, x, y, { beta: 0.5, alpha: 2 }),
  baddbmm: (i, x, y) => torch.baddbmm(i, x, y, { beta: 2, alpha: -1 }),
  'addmv/int': (i, x, y) => torch.addmv(i, x, y, { beta: 2, alpha: 3 }),
  'float64/einsum': (x, y) => torch.einsum('ij,jk', x, y),
  'float64/tril': (x) => x.tril(),
};

// Composite ops whose last node differs from PyTorch's (the values and gradients match).
const OWN_NODES = /^(einsum|tensordot|kron|inner|fill_diagonal_|sum_to_size\/lead|float64\/einsum)/;

describe('ops_shape fixtures', () => {
  test('every fixture case has an op', () => {
    assert.deepEqual(Object.keys(fixture.cases).filter((k) => !(k in OPS)), []);
  });
  for (const [name, c] of Object.entries(fixture.cases)) {
    test(name, () => {
      const inputs = c.inputs.map((t, i) => fromJson(t, { requiresGrad: c.requires_grad[i] }));
      const result = OPS[name](...inputs);
      const outs = Array.isArray(result) ? result : [result];
      assert.equal(outs.length, c.outputs.length, 'number of outputs');
      const tol = { rtol: 1e-5, atol: 1e-5 };
      outs.forEach((o, i) => assertTensor(o, c.outputs[i], tol, `output ${i}`));
      if (!OWN_NODES.test(name)) assert.deepEqual(outs.map((o) => o.gradFn?.name ?? null), c.grad_fn.map((n) => (n === 'torch::autograd::CopySlices' ? 'CopySlices' : n)));
      if (c.grads && c.grad_outputs) {
        const weights = c.grad_outputs.map((w) => fromJson(w));
        const loss = outs.map((o, i) => o.mul(weights[i]).sum()).reduce((a, b) => a.add(b));
        const diff = inputs.filter((x) => x.requiresGrad);
        const grads = torch.autograd.grad(loss, diff, { allowUnused: true });
        let k = 0;
        c.grads.forEach((g, i) => {
          if (!c.requires_grad[i]) return;
          const got = grads[k++];
          if (g === null) assert.equal(got, null);
          else assertTensor(got as Tensor, g, tol, `grad ${i}`);
        });
      }
    });
  }
});

const m34 = () => torch.zeros(3, 4);
const ERRORS: Record<string, () => unknown> = {
  'tril/1d': () => torch.tril(torch.ones(3)),
  'diagonal/same': () => m34().diagonal(0, 1, 1),
  'diag/3d': () => torch.diag(torch.ones(2, 2, 2)),
  'trace/1d': () => torch.trace(torch.ones(3)),
  'diagonal_scatter/size': () => torch.diagonalScatter(m34(), torch.ones(2)),
  'fill_diagonal_/unequal': () => torch.zeros(3, 4, 5).fillDiagonal_(1),
  'roll/align': () => m34().roll([1, 2], 0),
  'rot90/dims': () => m34().rot90(1, [0]),
  'rot90/same': () => m34().rot90(1, [1, 1]),
  'rot90/1d': () => torch.ones(3).rot90(),
  'fliplr/1d': () => torch.ones(3).fliplr(),
  'repeat_interleave/size': () => m34().repeatInterleave(idx([1, 2]), 0),
  'repeat_interleave/negative': () => m34().repeatInterleave(-1),
  'repeat_interleave/output_size': () => m34().repeatInterleave(2, 0, { outputSize: 5 }),
  'meshgrid/2d': () => torch.meshgrid(torch.ones(2, 2), { indexing: 'ij' }),
  'meshgrid/dtype': () => torch.meshgrid(torch.ones(2), torch.ones(2, { dtype: 'float64' }), { indexing: 'ij' }),
  'meshgrid/empty': () => torch.meshgrid(),
  'hstack/empty': () => torch.hstack([]),
  'tensor_split/0d': () => torch.tensorSplit(torch.tensor(1), 2),
  'tensor_split/zero': () => torch.tensorSplit(m34(), 0),
  'hsplit/divisible': () => torch.hsplit(m34(), 3),
  'vsplit/1d': () => torch.vsplit(torch.ones(3), 1),
  broadcast_shapes: () => torch.broadcastShapes([2], [3]),
  'combinations/2d': () => torch.combinations(m34()),
  'combinations/negative': () => torch.combinations(torch.ones(3), -1),
  'block_diag/3d': () => torch.blockDiag(torch.ones(2, 2, 2)),
  'movedim/length': () => torch.moveaxis(m34(), [0, 1], [0]),
  'movedim/repeated': () => torch.moveaxis(m34(), [0, 0], [1, 0]),
  'unfold/size': () => m34().unfold(1, 5, 1),
  'unfold/step': () => m34().unfold(1, 2, 0),
  sum_to_size: () => m34().sumToSize(2, 4),
  'einsum/fewer': () => torch.einsum('ij,jk', m34()),
  'einsum/more': () => torch.einsum('ij', m34(), m34()),
  'einsum/ndim': () => torch.einsum('ijk', m34()),
  'einsum/repeated_size': () => torch.einsum('ii', m34()),
  'einsum/subscript': () => torch.einsum('i1', m34()),
  'einsum/output_missing': () => torch.einsum('ij->kk', m34()),
  'einsum/output_twice': () => torch.einsum('ij->jj', m34()),
  'einsum/broadcast': () => torch.einsum('ij,jk->ik', m34(), torch.ones(3, 5)),
  'tensordot/negative': () => torch.tensordot(m34(), m34(), -1),
  'tensordot/mismatch': () => torch.tensordot(m34(), torch.ones(4, 5), [[1], [1]]),
  'tensordot/lengths': () => torch.tensordot(m34(), torch.ones(4, 5), [[1, 0], [0]]),
  'inner/last': () => torch.inner(m34(), torch.ones(2, 3)),
  'vdot/2d': () => torch.vdot(m34(), torch.ones(4)),
  'vdot/dtype': () => torch.vdot(torch.ones(4), torch.ones(4, { dtype: 'float64' })),
  'addr/vec1': () => torch.addr(m34(), torch.ones(3, 1), torch.ones(4)),
  'addr/int_alpha': () => torch.addr(torch.zeros([3, 4], { dtype: 'int64' }), torch.arange(3), torch.arange(4), { alpha: 0.5 }),
  'addbmm/sizes': () => torch.addbmm(m34(), torch.ones(2, 3, 2), torch.ones(2, 3, 4)),
  'tril_indices/dtype': () => torch.trilIndices(3, 3, { dtype: 'float32' }),
};

describe("PyTorch's error messages", () => {
  test('every fixture error has a call', () => {
    assert.deepEqual(Object.keys(fixture.errors).filter((k) => !(k in ERRORS)), []);
  });
  for (const [name, message] of Object.entries(fixture.errors)) {
    test(name, () => {
      // meshgrid's message ends with PyTorch's printout of the tensor: compare its first part.
      const expected = name === 'meshgrid/2d' ? message.slice(0, message.indexOf('got:') + 4) : message;
      assert.throws(ERRORS[name], (e: Error) => (name === 'meshgrid/2d' ? e.message.startsWith(expected) : e.message === expected) || assert.fail(`${e.message} != ${expected}`));
    });
  }
});

describe('argument checking', () => {
  test('positional, options and mixed forms agree', () => {
    const x = torch.arange(12).reshape(3, 4);
    assert.ok(torch.equal(torch.tril(x, -1), torch.tril(x, { diagonal: -1 })));
    assert.ok(torch.equal(x.diagonal(1, 0, 1), x.diagonal(1, { dim1: 0, dim2: 1 })));
    assert.ok(torch.equal(x.roll(1, 0), torch.roll(x, { shifts: 1, dims: 0 })));
  });
  test('unknown, snake_case, mistyped, missing and duplicate arguments', () => {
    const x = torch.ones(3, 3);
    assert.throws(() => x.tril({ diag: 1 } as never), /tril\(\): unexpected option 'diag'/);
    assert.throws(() => torch.diagEmbed(x, { dim_1: 0 } as never), /did you mean 'dim1'/);
    assert.throws(() => x.tril('1' as never), /tril\(\): argument 'diagonal' \(position 1\) must be an int, not str/);
    assert.throws(() => torch.tril(3 as never), /tril\(\): argument 'input' \(position 1\) must be Tensor, not int/);
    assert.throws(() => (torch.roll as (...a: unknown[]) => Tensor)(x), /missing required argument 'shifts'/);
    assert.throws(() => x.roll(1, { shifts: 2 } as never), /multiple values for argument 'shifts'/);
    assert.throws(() => x.newZeros([2], { requires_grad: true } as never), /did you mean 'requiresGrad'/);
    assert.throws(() => torch.addr(x, torch.ones(3), torch.ones(3), 2 as never), /takes from 3 to 3 positional arguments|positional/);
  });
});

const f64 = { dtype: 'float64' as const };
const leaf = (...shape: number[]) => torch.randn(shape, f64).requiresGrad_();

describe('gradcheck (float64)', () => {
  const CASES: [string, () => Tensor[], (...xs: Tensor[]) => Tensor | Tensor[]][] = [
    ['tril', () => [leaf(3, 4)], (x) => x.tril(-1)],
    ['triu', () => [leaf(2, 3, 3)], (x) => x.triu(1)],
    ['diagonal', () => [leaf(2, 3, 4)], (x) => x.diagonal(1, 2, 0)],
    ['diag', () => [leaf(4)], (x) => x.diag(1)],
    ['diag/matrix', () => [leaf(3, 4)], (x) => x.diag(-1)],
    ['diagEmbed', () => [leaf(2, 3)], (x) => x.diagEmbed(1, 0, 2)],
    ['diagflat', () => [leaf(2, 2)], (x) => x.diagflat()],
    ['trace', () => [leaf(3, 4)], (x) => x.trace()],
    ['diagonalScatter', () => [leaf(3, 4), leaf(3)], (x, s) => x.diagonalScatter(s, 1)],
    ['selectScatter', () => [leaf(3, 4), leaf(3)], (x, s) => x.selectScatter(s, 1, 0)],
    ['sliceScatter', () => [leaf(3, 4), leaf(3, 2)], (x, s) => x.sliceScatter(s, 1, 0, null, 2)],
    ['asStrided', () => [leaf(3, 4)], (x) => x.asStrided([2, 2], [1, 4], 1)],
    ['asStridedScatter', () => [leaf(3, 4), leaf(2, 2)], (x, s) => x.asStridedScatter(s, [2, 2], [1, 5], 1)],
    ['roll', () => [leaf(3, 4)], (x) => x.roll([1, -2], [0, 1])],
    ['rot90', () => [leaf(2, 3, 4)], (x) => x.rot90(3, [0, 2])],
    ['fliplr', () => [leaf(3, 4)], (x) => x.fliplr()],
    ['repeatInterleave', () => [leaf(3, 2)], (x) => x.repeatInterleave(idx([2, 0, 1]), 0)],
    ['meshgrid', () => [leaf(3), leaf(2)], (x, y) => torch.meshgrid(x, y, { indexing: 'xy' })],
    ['tile', () => [leaf(2, 3)], (x) => x.tile(2, 1, 2)],
    ['stacks', () => [leaf(3), leaf(3)], (x, y) => [torch.hstack([x, y]), torch.vstack([x, y]), torch.dstack([x, y]), torch.columnStack([x, y])]],
    ['tensorSplit', () => [leaf(3, 5)], (x) => x.tensorSplit(2, 1)],
    ['unsafeSplit', () => [leaf(3, 5)], (x) => x.unsafeSplit(2, 1)],
    ['cartesianProd', () => [leaf(3), leaf(2)], (x, y) => torch.cartesianProd(x, y)],
    ['combinations', () => [leaf(4)], (x) => torch.combinations(x, 2, true)],
    ['blockDiag', () => [leaf(2, 3), leaf(2), leaf()], (x, y, z) => torch.blockDiag(x, y, z)],
    ['unfold', () => [leaf(3, 5)], (x) => x.unfold(1, 3, 1)],
    ['sumToSize', () => [leaf(3, 4)], (x) => x.sumToSize(3, 1)],
    ['einsum', () => [leaf(3, 4), leaf(4, 2), leaf(2)], (a, b, c) => torch.einsum('ij,jk,k->i', a, b, c)],
    ['einsum/diag', () => [leaf(3, 3), leaf(2, 3)], (a, b) => torch.einsum('ii,ji->ij', a, b)],
    ['tensordot', () => [leaf(2, 3, 4), leaf(4, 3)], (a, b) => torch.tensordot(a, b, [[1, 2], [1, 0]])],
    ['kron', () => [leaf(2, 3), leaf(2)], (a, b) => torch.kron(a, b)],
    ['inner', () => [leaf(2, 3), leaf(4, 3)], (a, b) => a.inner(b)],
    ['vdot', () => [leaf(4), leaf(4)], (a, b) => a.vdot(b)],
    ['addr', () => [leaf(3, 4), leaf(3), leaf(4)], (i, a, b) => i.addr(a, b, { beta: 0.5, alpha: -2 })],
    ['addmv', () => [leaf(3), leaf(3, 4), leaf(4)], (i, a, b) => i.addmv(a, b, { beta: 2, alpha: 0.5 })],
    ['addbmm', () => [leaf(1, 4), leaf(2, 3, 2), leaf(2, 2, 4)], (i, a, b) => i.addbmm(a, b, { beta: 0.5, alpha: 2 })],
    ['baddbmm', () => [leaf(3, 4), leaf(2, 3, 2), leaf(2, 2, 4)], (i, a, b) => i.baddbmm(a, b, { alpha: 3 })],
  ];
  const SECOND = new Set(['tril', 'diagonal', 'trace', 'roll', 'rot90', 'unfold', 'einsum', 'addbmm', 'blockDiag', 'diagonalScatter']);
  for (const [name, inputs, fn] of CASES) {
    test(name, () => {
      torch.manualSeed(3);
      const xs = inputs();
      assert.equal(torch.autograd.gradcheck(fn, xs), true);
      if (SECOND.has(name)) assert.equal(torch.autograd.gradgradcheck(fn, xs), true);
    });
  }
});

describe('views and in-place ops', () => {
  test('diagonal, unfold, asStrided and moveaxis share memory', () => {
    const x = torch.zeros(3, 4);
    x.diagonal(1).fill_(1);
    x.unfold(0, 2, 1).select(0, 1).select(0, 0).fill_(7);
    x.asStrided([2], [1], 2).fill_(3);
    assert.deepEqual(x.tolist(), [[0, 1, 3, 3], [7, 0, 1, 0], [7, 0, 0, 1]]);
    const y = torch.zeros(2, 3, 4);
    torch.moveaxis(y, [0, 1], [1, 2]).select(0, 3).fill_(5);
    assert.equal(y.sum().item(), 5 * 6);
  });
  test('tril_ / triu_ write in place and record their history', () => {
    const a = torch.randn(3, 3, f64).requiresGrad_();
    const b = a.mul(2);
    b.tril_();
    assert.equal(b.gradFn?.name, 'TrilBackward0');
    b.sum().backward();
    assert.deepEqual(a.grad?.tolist(), torch.ones(3, 3, f64).tril().mul(2).tolist());
    assert.throws(() => a.triu_(), /a leaf Variable that requires grad is being used in an in-place operation/);
  });
  test('swapdims_ / transpose_ change metadata in place', () => {
    const a = torch.arange(6).reshape(2, 3);
    a.swapdims_(0, 1);
    assert.deepEqual(a.shape, [3, 2]);
    assert.deepEqual(a.stride(), [1, 3]);
    assert.deepEqual(a.tolist(), [[0, 3], [1, 4], [2, 5]]);
  });
  test('squeeze_, unsqueeze_, t_, asStrided_ and narrowCopy', () => {
    const a = torch.arange(6).reshape(1, 2, 3);
    a.squeeze_();
    assert.deepEqual(a.shape, [2, 3]);
    a.unsqueeze_(-1);
    assert.deepEqual(a.shape, [2, 3, 1]);
    const b = torch.arange(6).reshape(2, 3);
    b.t_();
    assert.deepEqual([b.shape, b.stride()], [[3, 2], [1, 3]]);
    const c = torch.arange(6);
    torch.asStrided_(c, [2, 2], [1, 2], 1);
    assert.deepEqual(c.tolist(), [[1, 3], [2, 4]]);
    const n = torch.narrowCopy(torch.arange(6).reshape(2, 3), 1, 1, 2);
    assert.deepEqual([n.tolist(), n.isContiguous()], [[[1, 2], [4, 5]], true]);
    const g = torch.randn(2, 3, f64).requiresGrad_();
    const h = g.mul(1);
    h.unsqueeze_(0);
    h.squeeze_(0);
    h.t_();
    h.mul(torch.arange(2, f64)).sum().backward();
    assert.deepEqual(g.grad?.tolist(), [[0, 0, 0], [1, 1, 1]]);
    const v = torch.zeros(3);
    torch.addmv_(v, torch.eye(3), torch.ones(3), { alpha: 2 });
    assert.deepEqual(v.tolist(), [2, 2, 2]);
    assert.equal(torch.getDevice(v), -1);
  });
  test('addmm_ / addr_ / baddbmm_ accumulate into self', () => {
    const c = torch.ones(2, 2);
    c.addmm_(torch.eye(2), torch.eye(2), { beta: 2 });
    assert.deepEqual(c.tolist(), [[3, 2], [2, 3]]);
    c.addr_(torch.ones(2), torch.ones(2), { alpha: -1 });
    assert.deepEqual(c.tolist(), [[2, 1], [1, 2]]);
  });
  test('rot90 returns the transposed strides PyTorch returns', () => {
    assert.deepEqual(torch.zeros(3, 4).rot90().stride(), [1, 4]);
    assert.deepEqual(torch.zeros(3, 4).rot90(2).stride(), [4, 1]);
  });
});

describe('creation and metadata', () => {
  const x = torch.ones([2, 3], f64);
  test('new* default to self dtype; options override', () => {
    assert.equal(x.newZeros(2, 2).dtype, 'float64');
    assert.deepEqual(x.newZeros([2, 2]).tolist(), [[0, 0], [0, 0]]);
    assert.equal(x.newOnes([3], { dtype: 'int64' }).dtype, 'int64');
    assert.deepEqual(x.newFull([2], 7).tolist(), [7, 7]);
    assert.equal(x.newEmpty(4).numel(), 4);
    const t = x.newTensor([1, 2]);
    assert.equal(t.dtype, 'float64');
    assert.equal(t.requiresGrad, false);
    assert.equal(x.newZeros([2], { requiresGrad: true }).requiresGrad, true);
    assert.deepEqual(x.newEmptyStrided([2, 3], [1, 2]).stride(), [1, 2]);
    assert.throws(() => x.newZeros([2], { device: 'cuda' }), /CPU only/);
  });
  test('typeAs, isSameSize, nelement, ndimension, getDevice, isCpu, layout', () => {
    assert.equal(x.typeAs(torch.zeros(1)).dtype, 'float32');
    assert.equal(x.typeAs(x), x);
    assert.equal(x.isSameSize(torch.zeros(2, 3)), true);
    assert.equal(x.isSameSize(torch.zeros(3, 2)), false);
    assert.equal(x.nelement(), 6);
    assert.equal(x.ndimension(), 2);
    assert.equal(x.getDevice(), -1);
    assert.equal(x.isCpu, true);
    assert.equal(x.layout, torch.strided);
    assert.equal(x.t().isContiguous(), false);
    assert.equal(x.select(0, 1).storageOffset(), 3);
  });
  test('emptyStrided, scalarTensor, asTensor, asarray', () => {
    const e = torch.emptyStrided([2, 3], [1, 2]);
    assert.deepEqual([e.dtype, e.stride(), e.buffer.length], ['float32', [1, 2], 6]);
    const s = torch.scalarTensor(3);
    assert.deepEqual([s.dtype, s.shape, s.item()], ['float32', [], 3]);
    assert.equal(torch.asTensor(x), x);
    assert.equal(torch.asTensor(x, 'float32').dtype, 'float32');
    assert.equal(torch.asTensor([1, 2]).dtype, 'int64');
    const data = new Float32Array([1, 2, 3]);
    const shared = torch.asarray(data);
    data[0] = 9;
    assert.deepEqual(shared.tolist(), [9, 2, 3]);
    assert.deepEqual(torch.asarray(data, { copy: true }).tolist(), [9, 2, 3]);
    assert.equal(torch.asarray(x), x);
    assert.notEqual(torch.asarray(x, { copy: true }).buffer, x.buffer);
    assert.throws(() => torch.asarray(x, { dtype: 'float32', copy: false }), /copy=False/);
  });
});
