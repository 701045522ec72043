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
const fx = loadFixture<{ formats: string[]; fills: Record<string, Record<string, TensorJson>>; likes: Record<string, Like> }>('tensor_memory_format.json');

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

test('isSparse, isQuantized and isMeta are false, as for PyTorch\'s strided CPU tensors', () => {
  const t = torch.randn([2, 3]);
  assert.deepEqual([t.isSparse, t.isQuantized, t.isMeta, t.isCuda, t.layout], [false, false, false, false, 'strided']);
});
