// torch.memory_format and memory order, against PyTorch 1.13 (scripts/fixtures/tensor_memory_format.py):
// in-place random fills of transposed, permuted, sliced and channels-last tensors draw in memory
// order; the *_like functions keep a dense input's layout (preserve_format, the default) and take
// contiguous_format / channels_last / channels_last_3d, with PyTorch's strides, values and errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Like = { error?: string; zeros_stride: number[]; empty_stride: number[]; full: TensorJson; rand: TensorJson; randn: TensorJson; randint: TensorJson; ones: [number[], string, boolean, boolean] };
type Conv = Record<string, unknown> & { y: [number[], boolean, boolean, string, boolean]; to64: [number[], string, string]; grad: TensorJson; module: Record<string, number[]>; module_out: TensorJson; cl3d: [number[], boolean] };
const fx = loadFixture<{ conversions: Conv; formats: string[]; fills: Record<string, Record<string, TensorJson>>; likes: Record<string, Like> }>('tensor_memory_format.json');

/** channels-last memory of an NCHW shape: NHWC storage, permuted (as x.contiguous(memory_format=torch.channels_last)). */
const channelsLastZeros = () => torch.zeros([2, 4, 5, 3]).permute(0, 3, 1, 2);
const views: Record<string, () => Tensor> = {
  transposed: () => torch.zeros([5, 7]).t(),
  permuted3d: () => torch.zeros([3, 4, 5]).permute(2, 0, 1),
  sliced: () => torch.zeros([6, 8]).slice(1, 0, 8, 2),
  channels_last: channelsLastZeros,
  size1: () => torch.zeros([1, 20]).t(),
};

describe('memory formats', () => {
  test('the four torch.memory_format values print as PyTorch', () => {
    assert.deepEqual([torch.preserveFormat, torch.contiguousFormat, torch.channelsLast, torch.channelsLast3d].map(String), fx.formats);
  });

  for (const [name, make] of Object.entries(views)) {
    test(`random fills of a ${name} tensor draw in memory order`, () => {
      const want = fx.fills[name];
      const run = (f: (t: Tensor) => Tensor) => {
        torch.manualSeed(0);
        return f(make());
      };
      assertTensor(run((t) => t.normal_()), want.normal);
      assertTensor(run((t) => t.uniform_(-1, 2)), want.uniform);
      assertTensor(run((t) => t.bernoulli_(0.3)), want.bernoulli);
      assertTensor(run((t) => t.bernoulli_(torch.linspace(0, 1, t.numel()).view(t.shape))), want.bernoulli_p);
      assertTensor(run((t) => t.random_(0, 10)), want.random);
      assertTensor(run((t) => t.exponential_()), want.exponential);
    });
  }

  const inputs: Record<string, () => Tensor> = {
    contiguous: () => torch.zeros([3, 4, 5]),
    transposed: () => torch.zeros([6, 5]).t(),
    permuted3d: () => torch.zeros([3, 4, 5]).permute(1, 2, 0),
    sliced: () => torch.zeros([6, 8]).slice(1, 0, 8, 2),
    channels_last: channelsLastZeros,
    nchw: () => torch.zeros([2, 3, 4, 5]),
    ncdhw: () => torch.zeros([2, 3, 2, 2, 3]),
  };
  const formats: Record<string, torch.MemoryFormat | undefined> = {
    default: undefined, preserve: torch.preserveFormat, contiguous: torch.contiguousFormat,
    channels_last: torch.channelsLast, channels_last_3d: torch.channelsLast3d,
  };
  for (const [iname, make] of Object.entries(inputs)) {
    for (const [fname, fmt] of Object.entries(formats)) {
      const want = fx.likes[`${iname}/${fname}`];
      test(`*Like of a ${iname} tensor, memoryFormat ${fname}`, () => {
        const kw = fmt === undefined ? {} : { memoryFormat: fmt };
        const x = make();
        if (want.error !== undefined) {
          assert.throws(() => torch.zerosLike(x, kw), { message: want.error });
          assert.throws(() => torch.randnLike(x, kw), { message: want.error });
          return;
        }
        assert.deepEqual(torch.zerosLike(x, kw).stride(), want.zeros_stride);
        assert.deepEqual(torch.emptyLike(x, kw).stride(), want.empty_stride);
        const full = torch.fullLike(x, 2.5, kw);
        assertTensor(full, want.full);
        assert.deepEqual(full.stride(), want.zeros_stride);
        torch.manualSeed(1);
        assertTensor(torch.randLike(x, kw), want.rand);
        torch.manualSeed(1);
        const randn = torch.randnLike(x, kw);
        assertTensor(randn, want.randn);
        assert.deepEqual(randn.stride(), want.zeros_stride);
        torch.manualSeed(1);
        assertTensor(torch.randintLike(x, 3, 9, kw), want.randint);
        const o = torch.onesLike(x, { dtype: torch.float64, requiresGrad: true, ...kw });
        assert.deepEqual([o.stride(), `torch.${o.dtype}`, o.requiresGrad, o.isLeaf], want.ones);
      });
    }
  }

  test('memoryFormat takes only a torch.memory_format', () => {
    assert.throws(() => torch.zerosLike(torch.zeros([2]), { memoryFormat: 'channels_last' as never }), /memoryFormat|memory_format/);
  });
});

test('contiguous, clone, to and isContiguous take memoryFormat; Module.to lays out 4-d tensors', () => {
  const c = fx.conversions;
  const cl = torch.channelsLast;
  torch.manualSeed(2);
  const x = torch.randn([2, 3, 4, 5], { requiresGrad: true });
  const y = x.contiguous({ memoryFormat: cl });
  assert.equal(x.isContiguous({ memoryFormat: cl }), c.x_is_cl);
  assert.deepEqual([y.stride(), y.isContiguous(), y.isContiguous({ memoryFormat: cl }), y.gradFn!.name, torch.equal(y, x)], c.y);
  assert.equal(y.contiguous({ memoryFormat: cl }) === y, c.y_again_same);
  assert.equal(y.to({ memoryFormat: cl }) === y, c.y_to_same);
  assert.deepEqual(y.contiguous().stride(), c.y_contiguous);
  assert.deepEqual(x.clone({ memoryFormat: cl }).stride(), c.clone_cl);
  assert.deepEqual(torch.zeros([6, 5]).t().clone({ memoryFormat: torch.preserveFormat }).stride(), c.clone_preserve_t);
  assert.deepEqual(torch.zeros([6, 5]).t().clone({ memoryFormat: torch.contiguousFormat }).stride(), c.clone_contiguous_t);
  const z = x.to(torch.float64, { memoryFormat: cl });
  assert.deepEqual([z.stride(), `torch.${z.dtype}`, z.gradFn!.name], c.to64);
  y.mul(torch.arange(120).view(2, 3, 4, 5)).sum().backward();
  assertTensor(x.grad!, c.grad);
  assert.deepEqual(x.grad!.stride(), c.grad_stride);
  assert.equal(torch.zeros([3, 4]).isContiguous({ memoryFormat: cl }), c['2d_is_cl']);
  assert.throws(() => torch.zeros([3, 4]).contiguous({ memoryFormat: cl }), { message: c['2d_contiguous'] as string });
  assert.throws(() => torch.zeros([3, 4]).to({ memoryFormat: cl }), { message: c['2d_to'] as string });
  assert.throws(() => torch.zeros([2, 3, 4, 5]).contiguous({ memoryFormat: torch.channelsLast3d }), { message: c['4d_3d'] as string });
  const v = torch.zeros([2, 3, 2, 2, 3]).contiguous({ memoryFormat: torch.channelsLast3d });
  assert.deepEqual([v.stride(), v.isContiguous({ memoryFormat: torch.channelsLast3d })], c.cl3d);
  torch.manualSeed(3);
  const m = new torch.nn.Sequential(new torch.nn.Conv2d(3, 4, 3), new torch.nn.BatchNorm2d(4), new torch.nn.Linear(2, 2));
  const inp = torch.randn([2, 3, 5, 4]);
  m.forward(inp);
  m.to({ memoryFormat: cl });
  assert.deepEqual(Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.stride()])), c.module);
  // (values as PyTorch's; torchlette's ops return contiguous results, PyTorch's conv keeps channels_last)
  assertTensor(m.forward(inp.to({ memoryFormat: cl })) as Tensor, c.module_out, { rtol: 1e-5, atol: 1e-6 });
});

test('isSparse, isQuantized and isMeta are false, as for PyTorch\'s strided CPU tensors', () => {
  const t = torch.randn([2, 3]);
  assert.deepEqual([t.isSparse, t.isQuantized, t.isMeta, t.isCuda, t.layout], [false, false, false, false, 'strided']);
});
