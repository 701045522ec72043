// Convolutions, pooling and pad against PyTorch (scripts/fixtures/nn_conv.py): modules and
// functional forms, backward graphs (also under createGraph), error messages, LeNet-5;
// plus gradcheck / gradgradcheck of every op in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;
type Node = torch.autograd.Node;

/** A functional call as a module (the fixture's Fn: weights are inputs). */
class Fn extends nn.Module {
  constructor(private readonly fn: (...xs: Tensor[]) => Tensor | Tensor[]) {
    super();
  }
  override forward(...xs: Tensor[]): Tensor | Tensor[] {
    return this.fn(...xs);
  }
}

const one = (build: () => nn.Module): ModuleSpec => ({ build });
const fn = (f: (...xs: Tensor[]) => Tensor | Tensor[]): ModuleSpec => one(() => new Fn(f));

const SPECS: Record<string, ModuleSpec> = {
  conv2d: one(() => new nn.Conv2d(3, 4, 3)),
  'conv2d/lenet_c1': one(() => new nn.Conv2d(1, 6, 5, { padding: 2 })),
  'conv2d/stride_padding': one(() => new nn.Conv2d(3, 4, [3, 2], { stride: [2, 1], padding: [1, 2] })),
  'conv2d/dilation': one(() => new nn.Conv2d(2, 3, 3, { dilation: 2, padding: 1 })),
  'conv2d/groups': one(() => new nn.Conv2d(4, 6, 3, { stride: 2, groups: 2 })),
  'conv2d/depthwise': one(() => new nn.Conv2d(4, 4, 3, { padding: 1, groups: 4, bias: false })),
  'conv2d/depthwise_multiplier': one(() => new nn.Conv2d(3, 6, 3, { groups: 3 })),
  'conv2d/same': one(() => new nn.Conv2d(2, 3, 3, { padding: 'same' })),
  'conv2d/same_even': one(() => new nn.Conv2d(2, 3, [4, 2], { padding: 'same', dilation: [1, 2] })),
  'conv2d/valid': one(() => new nn.Conv2d(2, 3, 3, { padding: 'valid' })),
  'conv2d/resnet_stem': one(() => new nn.Conv2d(3, 4, 7, { stride: 2, padding: 3, bias: false })),
  'conv2d/resnet_3x3': one(() => new nn.Conv2d(4, 4, 3, { padding: 1, bias: false })),
  'conv2d/resnet_down': one(() => new nn.Conv2d(4, 8, 3, { stride: 2, padding: 1, bias: false })),
  'conv2d/resnet_1x1': one(() => new nn.Conv2d(4, 8, 1, { stride: 2, bias: false })),
  'conv2d/float64': one(() => new nn.Conv2d(2, 3, 3, { stride: 2, padding: 1, dtype: 'float64' })),
  'conv2d/unbatched': one(() => new nn.Conv2d(2, 3, 3)),
  'conv2d/reflect': one(() => new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: 'reflect' })),
  'conv2d/replicate': one(() => new nn.Conv2d(2, 3, 3, { padding: [1, 2], paddingMode: 'replicate' })),
  'conv2d/circular': one(() => new nn.Conv2d(2, 3, 3, { padding: 2, paddingMode: 'circular' })),
  'conv2d/same_reflect': one(() => new nn.Conv2d(2, 2, 4, { padding: 'same', paddingMode: 'reflect' })),
  conv1d: one(() => new nn.Conv1d(3, 4, 3)),
  'conv1d/stride_padding_dilation': one(() => new nn.Conv1d(2, 4, 3, { stride: 2, padding: 2, dilation: 2 })),
  'conv1d/same_groups': one(() => new nn.Conv1d(4, 4, 4, { padding: 'same', groups: 2 })),
  'conv1d/unbatched': one(() => new nn.Conv1d(2, 3, 3)),
  'conv1d/circular': one(() => new nn.Conv1d(2, 3, 3, { padding: 1, paddingMode: 'circular', bias: false })),
  conv_transpose2d: one(() => new nn.ConvTranspose2d(3, 2, 3)),
  'conv_transpose2d/stride': one(() => new nn.ConvTranspose2d(3, 4, 3, { stride: 2, padding: 1, outputPadding: 1 })),
  'conv_transpose2d/groups_dilation': one(
    () => new nn.ConvTranspose2d(4, 6, [3, 2], { stride: [2, 1], padding: [1, 0], groups: 2, dilation: [1, 2], bias: false }),
  ),
  'conv_transpose2d/output_size': {
    build: () => new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 }),
    call: (m, x) => (m as nn.ConvTranspose2d).forward(x, [8, 8]),
  },
  'conv_transpose2d/unbatched': one(() => new nn.ConvTranspose2d(2, 3, 2, { stride: 2 })),
  conv_transpose1d: one(() => new nn.ConvTranspose1d(2, 3, 4, { stride: 3, padding: 1, outputPadding: 2 })),
  maxpool2d: one(() => new nn.MaxPool2d(2)),
  'maxpool2d/resnet': one(() => new nn.MaxPool2d(3, { stride: 2, padding: 1 })),
  'maxpool2d/ceil': one(() => new nn.MaxPool2d(3, { stride: 2, ceilMode: true })),
  'maxpool2d/dilation': one(() => new nn.MaxPool2d([3, 2], { stride: [1, 2], padding: [1, 0], dilation: [2, 1] })),
  'maxpool2d/tuple': one(() => new nn.MaxPool2d([2, 3])),
  'maxpool2d/indices': one(() => new nn.MaxPool2d(2, { stride: 1, returnIndices: true })),
  'maxpool2d/unbatched': one(() => new nn.MaxPool2d(2)),
  maxpool1d: one(() => new nn.MaxPool1d(3, { stride: 2, padding: 1 })),
  'maxpool1d/indices_ceil': one(() => new nn.MaxPool1d(2, { ceilMode: true, returnIndices: true })),
  avgpool2d: one(() => new nn.AvgPool2d(2)),
  'avgpool2d/pad_include': one(() => new nn.AvgPool2d(3, { stride: 2, padding: 1 })),
  'avgpool2d/pad_exclude': one(() => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false })),
  'avgpool2d/ceil': one(() => new nn.AvgPool2d(3, { stride: 2, ceilMode: true })),
  'avgpool2d/ceil_pad_exclude': one(() => new nn.AvgPool2d([3, 2], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })),
  'avgpool2d/ceil_pad_include': one(() => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true })),
  'avgpool2d/divisor': one(() => new nn.AvgPool2d(2, { divisorOverride: 3 })),
  'avgpool2d/unbatched': one(() => new nn.AvgPool2d(2, { stride: 1 })),
  avgpool1d: one(() => new nn.AvgPool1d(3, { stride: 2, padding: 1 })),
  'avgpool1d/ceil_exclude': one(() => new nn.AvgPool1d(4, { stride: 3, padding: 2, ceilMode: true, countIncludePad: false })),
  'adaptive_avgpool2d/1x1': one(() => new nn.AdaptiveAvgPool2d([1, 1])),
  'adaptive_avgpool2d/int1': one(() => new nn.AdaptiveAvgPool2d(1)),
  'adaptive_avgpool2d/uneven': one(() => new nn.AdaptiveAvgPool2d([3, 2])),
  'adaptive_avgpool2d/none': one(() => new nn.AdaptiveAvgPool2d([null, 2])),
  'adaptive_avgpool2d/upsample': one(() => new nn.AdaptiveAvgPool2d(4)),
  'adaptive_avgpool2d/unbatched': one(() => new nn.AdaptiveAvgPool2d([2, 2])),
  adaptive_avgpool1d: one(() => new nn.AdaptiveAvgPool1d(3)),
  'adaptive_avgpool1d/1': one(() => new nn.AdaptiveAvgPool1d(1)),
  adaptive_maxpool2d: one(() => new nn.AdaptiveMaxPool2d([2, 3])),
  'adaptive_maxpool2d/indices': one(() => new nn.AdaptiveMaxPool2d(3, { returnIndices: true })),
  'adaptive_maxpool2d/unbatched': one(() => new nn.AdaptiveMaxPool2d([null, 2])),
  adaptive_maxpool1d: one(() => new nn.AdaptiveMaxPool1d(3, { returnIndices: true })),
  lenet_features: one(
    () =>
      new nn.Sequential(
        new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
      ),
  ),
  resnet_stem: one(
    () =>
      new nn.Sequential(
        new nn.Conv2d(3, 4, 7, { stride: 2, padding: 3, bias: false }), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2, padding: 1 }),
        new nn.Conv2d(4, 4, 3, { padding: 1, bias: false }), new nn.AdaptiveAvgPool2d([1, 1]), new nn.Flatten(),
      ),
  ),
  'F/conv2d': fn((x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1, groups: 2 })),
  'F/conv2d/same_even_dilation': fn((x, w) => F.conv2d(x, w, null, { padding: 'same', dilation: [2, 1] })),
  'F/conv2d/tuple_args': fn((x, w) => F.conv2d(x, w, null, { stride: [1, 2], padding: [2, 0], dilation: [1, 2] })),
  'F/conv1d': fn((x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 })),
  'F/conv_transpose2d': fn((x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2 })),
  'F/conv_transpose1d': fn((x, w) => F.convTranspose1d(x, w, null, { stride: 2 })),
  'F/pad/constant': fn((x) => F.pad(x, [1, 2, 0, 1], 'constant', 0.5)),
  'F/pad/crop': fn((x) => F.pad(x, [-1, 2, 1, -2])),
  'F/pad/reflect': fn((x) => F.pad(x, [2, 1, 1, 2], 'reflect')),
  'F/pad/reflect1d': fn((x) => F.pad(x, [3, 2], 'reflect')),
  'F/pad/replicate': fn((x) => F.pad(x, [3, 1, 0, 2], 'replicate')),
  'F/pad/circular': fn((x) => F.pad(x, [1, 3, 2, 0], 'circular')),
  'F/pad/reflect3d': fn((x) => F.pad(x, [2, 1, 1, 2, 1, 2], 'reflect')),
  'F/pad/reflect3d_unbatched': fn((x) => F.pad(x, [1, -1, 0, 2, 2, 0], 'reflect')),
  'F/pad/replicate3d': fn((x) => F.pad(x, [3, 1, 0, 2, 1, -1], 'replicate')),
  'F/pad/replicate3d_unbatched': fn((x) => F.pad(x, [1, 1, 2, 2, 1, 0], 'replicate')),
  'F/pad/circular3d': fn((x) => F.pad(x, [1, 3, 2, 0, 1, 1], 'circular')),
  'F/pad/constant3d': fn((x) => F.pad(x, [1, 0, 0, 2, 1, 1], 'constant', -1.5)),
  'F/max_pool2d': fn((x) => F.maxPool2d(x, [3, 2], { stride: 2, padding: 1, ceilMode: true })),
  'F/avg_pool2d': fn((x) => F.avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false, divisorOverride: 2 })),
};

moduleSuite('nn_conv.json', SPECS);

interface Stats {
  shape: number[];
  sum: number;
  abs_sum: number;
  sq_sum: number;
  sample: TensorJson;
}

interface Extras {
  graphs: Record<string, { forward: string; backward: string }>;
  errors: Record<string, string>;
  lenet5: {
    repr: string;
    init: Record<string, Stats>;
    input: TensorJson;
    output: TensorJson;
    grad_output: TensorJson;
    input_grad: Stats;
    param_grads: Record<string, Stats>;
    graph: string;
  };
}
const extras = loadFixture<Extras>('nn_conv.json');

/** The backward graph as names, depth first (the fixture's tree()). */
function tree(node: Node | null): string {
  if (node === null) return '-';
  const kids = node.nextFunctions.filter(([n]) => n !== null).map(([n]) => tree(n));
  return node.name + (kids.length > 0 ? `(${kids.join(',')})` : '');
}

describe('backward graphs', () => {
  torch.manualSeed(3);
  const leaf = (...shape: number[]) => torch.randn(shape).requiresGrad_();
  const x4 = leaf(1, 2, 6, 6);
  const x3 = leaf(1, 2, 7);
  const w4 = leaf(3, 2, 3, 3);
  const w3 = leaf(3, 2, 3);
  const b = leaf(3);
  const w2 = leaf(3, 2, 2, 2);
  const wt = leaf(2, 3, 3, 3);
  const xu = leaf(2, 6, 6);
  const x5 = leaf(1, 2, 3, 4, 4);
  const calls: Record<string, [Tensor, () => Tensor]> = {
    conv2d: [x4, () => F.conv2d(x4, w4, b)],
    conv2d_no_bias: [x4, () => F.conv2d(x4, w4)],
    conv2d_same_even: [x4, () => F.conv2d(x4, w2, null, { padding: 'same' })],
    conv2d_unbatched: [xu, () => F.conv2d(xu, w4)],
    conv1d: [x3, () => F.conv1d(x3, w3, b)],
    conv_transpose2d: [x4, () => F.convTranspose2d(x4, wt, b)],
    max_pool2d: [x4, () => F.maxPool2d(x4, 2)],
    max_pool2d_indices: [x4, () => F.maxPool2d(x4, 2, { returnIndices: true })[0]],
    max_pool1d: [x3, () => F.maxPool1d(x3, 2)],
    avg_pool2d: [x4, () => F.avgPool2d(x4, 2)],
    avg_pool1d: [x3, () => F.avgPool1d(x3, 2)],
    adaptive_avg_pool2d: [x4, () => F.adaptiveAvgPool2d(x4, [2, 3])],
    adaptive_avg_pool2d_1x1: [x4, () => F.adaptiveAvgPool2d(x4, 1)],
    adaptive_avg_pool1d: [x3, () => F.adaptiveAvgPool1d(x3, 2)],
    adaptive_max_pool2d: [x4, () => F.adaptiveMaxPool2d(x4, 2)],
    adaptive_max_pool1d: [x3, () => F.adaptiveMaxPool1d(x3, 2)],
    pad_constant: [x4, () => F.pad(x4, [1, 1])],
    pad_reflect: [x4, () => F.pad(x4, [1, 1, 1, 1], 'reflect')],
    pad_reflect1d: [x3, () => F.pad(x3, [1, 1], 'reflect')],
    pad_replicate: [x4, () => F.pad(x4, [1, 1, 1, 1], 'replicate')],
    pad_replicate1d: [x3, () => F.pad(x3, [1, 1], 'replicate')],
    pad_circular: [x4, () => F.pad(x4, [1, 1, 1, 1], 'circular')],
    pad_reflect3d: [x5, () => F.pad(x5, [1, 1, 1, 1, 1, 1], 'reflect')],
    pad_replicate3d: [x5, () => F.pad(x5, [1, 2, 0, 1, 2, 1], 'replicate')],
    pad_circular3d: [x5, () => F.pad(x5, [1, 1, 1, 1, 1, 1], 'circular')],
  };
  /**
   * Gradients of other ops built under createGraph that torchlette names differently from
   * PyTorch (not part of conv/pool): SqueezeBackward1's backward reshapes (PyTorch
   * unsqueezes) and mean's backward divides by a scalar as DivBackward0 (PyTorch: 1).
   */
  const foreign = (s: string) => s.replace(/ReshapeAliasBackward0|UnsqueezeBackward0/g, 'Unsqueeze').replace(/DivBackward[01]/g, 'Div');
  for (const [name, want] of Object.entries(extras.graphs)) {
    test(name, () => {
      const [x, call] = calls[name];
      const y = call();
      const [gx] = torch.autograd.grad(y.mul(y).sum(), x, { createGraph: true });
      // PyTorch pads circularly with slice copies; only the top node names compare there.
      const show = name.startsWith('pad_circular') ? (n: Node | null) => n?.name ?? '-' : tree;
      assert.equal(show(y.gradFn), want.forward, 'forward graph');
      assert.equal(foreign(show((gx as Tensor).gradFn)), foreign(want.backward), 'graph of the gradient (createGraph)');
    });
  }
});

describe('error messages', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    conv2d_channels: () => F.conv2d(r(1, 1, 28, 28), r(6, 3, 5, 5)),
    conv2d_kernel_too_big: () => F.conv2d(r(1, 3, 2, 2), r(6, 3, 3, 3)),
    conv2d_dilated_too_big: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), null, { dilation: 3 }),
    conv1d_kernel_too_big: () => F.conv1d(r(1, 3, 2), r(6, 3, 3)),
    conv2d_same_strided: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), null, { stride: 2, padding: 'same' }),
    conv2d_bad_padding_string: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), null, { padding: 'foo' as 'same' }),
    conv2d_input_dims: () => F.conv2d(r(2, 3), r(6, 3, 3, 3)),
    conv2d_input_5d: () => F.conv2d(r(1, 2, 3, 4, 5), r(6, 3, 3, 3)),
    conv1d_input_dims: () => F.conv1d(r(1, 2, 3, 4), r(6, 2, 3)),
    conv2d_weight_3d: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3)),
    conv2d_weight_1d: () => F.conv2d(r(1, 3, 5, 5), r(6)),
    conv1d_weight_4d: () => F.conv1d(r(1, 3, 5), r(6, 3, 3, 3)),
    conv2d_groups_divide: () => F.conv2d(r(1, 4, 5, 5), r(3, 4, 3, 3), null, { groups: 2 }),
    conv2d_groups_channels: () => F.conv2d(r(1, 4, 5, 5), r(4, 3, 3, 3), null, { groups: 2 }),
    conv2d_groups_too_many: () => F.conv2d(r(1, 3, 6, 6), r(2, 1, 3, 3), null, { groups: 3 }),
    conv2d_bias_size: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), r(5)),
    conv2d_negative_padding: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), null, { padding: -1 }),
    conv2d_zero_stride: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), null, { stride: 0 }),
    conv2d_zero_dilation: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), null, { dilation: 0 }),
    conv2d_zero_groups: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), null, { groups: 0 }),
    conv2d_stride_length: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), null, { stride: [1, 1, 1] }),
    conv2d_weight_dtype: () => F.conv2d(r(1, 3, 5, 5).double(), r(6, 3, 3, 3)),
    conv2d_bias_dtype: () => F.conv2d(r(1, 3, 5, 5), r(6, 3, 3, 3), r(6).double()),
    conv2d_same_weight_dims: () => F.conv2d(r(1, 3, 6, 6), r(2, 3, 3), null, { padding: 'same' }),
    conv_transpose2d_output_padding: () => F.convTranspose2d(r(1, 3, 5, 5), r(3, 2, 3, 3), null, { stride: 2, outputPadding: 2 }),
    conv_transpose1d_output_padding: () => F.convTranspose1d(r(1, 3, 4), r(3, 2, 1), null, { stride: 2, outputPadding: 2 }),
    conv_transpose2d_channels: () => F.convTranspose2d(r(1, 4, 5, 5), r(3, 2, 3, 3)),
    conv_transpose2d_too_small: () => F.convTranspose2d(r(1, 3, 1, 1), r(3, 2, 1, 1), null, { padding: 1 }),
    conv_transpose1d_too_small: () => F.convTranspose1d(r(1, 3, 1), r(3, 2, 1), null, { padding: 1 }),
    conv_transpose2d_groups: () => F.convTranspose2d(r(1, 3, 5, 5), r(3, 2, 3, 3), null, { groups: 2 }),
    conv_transpose2d_bias: () => F.convTranspose2d(r(1, 3, 5, 5), r(3, 2, 3, 3), r(3)),
    conv_transpose2d_input_dims: () => F.convTranspose2d(r(3, 5), r(3, 2, 3, 3)),
    conv_transpose2d_negative_output_padding: () => F.convTranspose2d(r(1, 3, 5, 5), r(3, 2, 3, 3), null, { outputPadding: -1 }),
    Conv2d_in_groups: () => new nn.Conv2d(3, 4, 3, { groups: 2 }),
    Conv2d_out_groups: () => new nn.Conv2d(4, 3, 3, { groups: 2 }),
    Conv2d_zero_groups: () => new nn.Conv2d(4, 4, 3, { groups: 0 }),
    Conv2d_same_strided: () => new nn.Conv2d(4, 4, 3, { padding: 'same', stride: 2 }),
    ConvTranspose2d_padding_mode: () => new nn.ConvTranspose2d(4, 4, 3, { paddingMode: 'reflect' as 'zeros' }),
    ConvTranspose2d_output_size: () => new nn.ConvTranspose2d(2, 3, 3, { stride: 2 }).forward(r(1, 2, 4, 4), [12, 12]),
    ConvTranspose2d_output_size_length: () => new nn.ConvTranspose2d(2, 3, 3, { stride: 2 }).forward(r(1, 2, 4, 4), [9]),
    Conv2d_forward_channels: () => new nn.Conv2d(3, 6, 5).forward(r(1, 1, 28, 28)),
    max_pool2d_too_small: () => F.maxPool2d(r(1, 3, 1, 1), 2),
    max_pool2d_pad: () => F.maxPool2d(r(1, 3, 6, 6), 2, { padding: 2 }),
    max_pool2d_dims: () => F.maxPool2d(r(6, 6), 2),
    max_pool2d_5d: () => F.maxPool2d(r(1, 1, 3, 6, 6), 2),
    max_pool2d_zero_kernel: () => F.maxPool2d(r(1, 3, 6, 6), 0),
    max_pool2d_zero_kernel_stride1: () => F.maxPool2d(r(1, 3, 6, 6), 0, { stride: 1 }),
    max_pool2d_zero_stride: () => F.maxPool2d(r(1, 3, 6, 6), 2, { stride: 0 }),
    max_pool2d_negative_stride: () => F.maxPool2d(r(1, 3, 6, 6), 2, { stride: -1 }),
    max_pool2d_zero_dilation: () => F.maxPool2d(r(1, 3, 6, 6), 2, { dilation: 0 }),
    max_pool2d_negative_padding: () => F.maxPool2d(r(1, 3, 6, 6), 2, { padding: -1 }),
    max_pool2d_kernel_length: () => F.maxPool2d(r(1, 3, 6, 6), [2, 2, 2]),
    max_pool2d_empty_unbatched: () => F.maxPool2d(r(0, 6, 6), 2),
    max_pool2d_long: () => F.maxPool2d(torch.randint(0, 5, [1, 3, 6, 6]), 2),
    max_pool1d_dims: () => F.maxPool1d(r(6), 2),
    max_pool1d_pad: () => F.maxPool1d(r(1, 3, 6), 2, { padding: 2 }),
    max_pool1d_zero_kernel: () => F.maxPool1d(r(1, 3, 6), 0),
    max_pool1d_zero_stride: () => F.maxPool1d(r(1, 3, 6), 2, { stride: 0 }),
    max_pool1d_negative_padding: () => F.maxPool1d(r(1, 3, 6), 2, { padding: -1 }),
    max_pool1d_zero_dilation: () => F.maxPool1d(r(1, 3, 6), 2, { dilation: 0 }),
    max_pool1d_kernel_length: () => F.maxPool1d(r(1, 3, 6), [2, 2]),
    max_pool1d_indices_dims: () => F.maxPool1d(r(6), 2, { returnIndices: true }),
    max_pool1d_indices_kernel_length: () => F.maxPool1d(r(1, 3, 6), [2, 2], { returnIndices: true }),
    avg_pool2d_too_small: () => F.avgPool2d(r(1, 3, 1, 1), 2),
    avg_pool2d_pad: () => F.avgPool2d(r(1, 3, 6, 6), 2, { padding: 2 }),
    avg_pool2d_dims: () => F.avgPool2d(r(6, 6), 2),
    avg_pool2d_5d: () => F.avgPool2d(r(1, 1, 3, 6, 6), 2),
    avg_pool2d_divisor_zero: () => F.avgPool2d(r(1, 3, 6, 6), 2, { divisorOverride: 0 }),
    avg_pool2d_zero_kernel_stride1: () => F.avgPool2d(r(1, 3, 6, 6), 0, { stride: 1 }),
    avg_pool2d_negative_padding: () => F.avgPool2d(r(1, 3, 6, 6), 2, { padding: -1 }),
    avg_pool2d_zero_stride: () => F.avgPool2d(r(1, 3, 6, 6), 2, { stride: 0 }),
    avg_pool1d_too_small: () => F.avgPool1d(r(1, 3, 1), 2),
    avg_pool1d_dims: () => F.avgPool1d(r(6), 2),
    avg_pool1d_pad: () => F.avgPool1d(r(1, 3, 6), 2, { padding: 2 }),
    avg_pool1d_kernel_length: () => F.avgPool1d(r(1, 3, 6), [2, 2]),
    avg_pool1d_zero_kernel: () => F.avgPool1d(r(1, 3, 6), 0),
    adaptive_avg_pool2d_dims: () => F.adaptiveAvgPool2d(r(6, 6), 2),
    adaptive_avg_pool2d_empty: () => F.adaptiveAvgPool2d(r(1, 3, 0, 6), 2),
    adaptive_avg_pool2d_size_length: () => F.adaptiveAvgPool2d(r(1, 3, 6, 6), [1, 2, 3]),
    adaptive_avg_pool2d_negative: () => F.adaptiveAvgPool2d(r(1, 3, 6, 6), -1),
    adaptive_avg_pool1d_dims: () => F.adaptiveAvgPool1d(r(6), 2),
    adaptive_avg_pool1d_size_length: () => F.adaptiveAvgPool1d(r(1, 3, 6), [2, 3]),
    adaptive_max_pool2d_dims: () => F.adaptiveMaxPool2d(r(6, 6), 2),
    adaptive_max_pool2d_empty: () => F.adaptiveMaxPool2d(r(1, 3, 0, 6), 2),
    pad_reflect_too_big: () => F.pad(r(1, 2, 3, 3), [3, 3, 1, 1], 'reflect'),
    pad_reflect1d_too_big: () => F.pad(r(1, 2, 3), [3, 3], 'reflect'),
    pad_circular_too_big: () => F.pad(r(1, 2, 3, 3), [4, 4, 1, 1], 'circular'),
    pad_odd_length: () => F.pad(r(1, 2, 3, 3), [4, 4, 1], 'constant'),
    pad_too_long: () => F.pad(r(3), [1, 1, 1, 1], 'constant'),
    pad_reflect_dims: () => F.pad(r(3, 3), [1, 1, 1, 1], 'reflect'),
    pad_reflect_value: () => F.pad(r(1, 1, 3, 3), [1, 1], 'reflect', 2),
    pad_crop_too_much: () => F.pad(r(1, 1, 3, 3), [-2, -2], 'constant'),
    pad_reflect_too_big_h: () => F.pad(r(1, 2, 3, 3), [1, 1, 3, 3], 'reflect'),
    pad_reflect3d_too_big_w: () => F.pad(r(1, 2, 3, 3, 3), [3, 3, 1, 1, 1, 1], 'reflect'),
    pad_reflect3d_too_big_h: () => F.pad(r(1, 2, 3, 3, 3), [1, 1, 3, 3, 1, 1], 'reflect'),
    pad_reflect3d_too_big_d: () => F.pad(r(2, 3, 3, 3), [1, 1, 1, 1, 3, 3], 'reflect'),
    pad_reflect3d_empty: () => F.pad(r(1, 2, 3, 0, 3), [1, 1, 1, 1, 1, 1], 'reflect'),
    pad_replicate3d_negative: () => F.pad(r(1, 2, 3, 3, 3), [1, 1, -2, -2, 1, 1], 'replicate'),
    pad_replicate3d_dims: () => F.pad(r(3, 3, 3), [1, 1, 1, 1, 1, 1], 'replicate'),
    pad_circular3d_negative: () => F.pad(r(1, 2, 3, 3, 3), [4, 0, 1, 1, -2, -2], 'circular'),
    pad_circular3d_too_big: () => F.pad(r(1, 2, 3, 3, 3), [-2, -2, 1, 1, 4, 0], 'circular'),
  };
  for (const [name, message] of Object.entries(extras.errors)) {
    test(name, () => {
      assert.ok(calls[name], `no TypeScript twin for ${name}`);
      assert.throws(calls[name], (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }

  test('messages that print a Python set (whose order varies)', () => {
    assert.throws(() => new nn.Conv2d(4, 4, 3, { padding: 'foo' as 'same' }), { message: "Invalid padding string 'foo', should be one of {'same', 'valid'}" });
    assert.throws(() => new nn.Conv2d(4, 4, 3, { paddingMode: 'foo' as 'zeros' }), {
      message: "padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='foo'",
    });
  });
});

function assertStats(t: Tensor, want: Stats, label: string, exactSample: boolean): void {
  assert.deepEqual(t.shape, want.shape, `${label}: shape`);
  const flat = Array.from(t.toTypedArray(), Number);
  const sum = flat.reduce((a, v) => a + v, 0);
  const absSum = flat.reduce((a, v) => a + Math.abs(v), 0);
  const sqSum = flat.reduce((a, v) => a + v * v, 0);
  const rtol = exactSample ? 1e-12 : 1e-4;
  assert.ok(Math.abs(sum - want.sum) <= rtol * want.abs_sum + 1e-12, `${label}: sum ${sum} vs ${want.sum}`);
  assert.ok(Math.abs(absSum - want.abs_sum) <= rtol * want.abs_sum, `${label}: abs sum ${absSum} vs ${want.abs_sum}`);
  assert.ok(Math.abs(sqSum - want.sq_sum) <= rtol * want.sq_sum, `${label}: sq sum ${sqSum} vs ${want.sq_sum}`);
  const step = Math.max(1, Math.floor(flat.length / 40));
  const sample = t.reshape(-1).slice(0, null, null, step);
  const scale = want.abs_sum / flat.length;
  assertTensor(sample, want.sample, exactSample ? { rtol: 0, atol: 0 } : { rtol: 1e-3, atol: 1e-4 * scale }, `${label}: sample`);
}

test('LeNet-5 (benchmark B3): init, forward and backward on a batch of 2 at 28x28', () => {
  const want = extras.lenet5;
  torch.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(),
    new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
  assert.equal(String(model), want.repr);
  const state = model.stateDict();
  assert.deepEqual(Object.keys(state), Object.keys(want.init));
  for (const [k, s] of Object.entries(want.init)) assertStats(state[k], s, `init ${k}`, true);
  const x = fromJson(want.input, { requiresGrad: true });
  const out = model.forward(x);
  assertTensor(out, want.output, { rtol: 1e-4, atol: 1e-5 }, 'output');
  out.backward(fromJson(want.grad_output));
  assertStats(x.grad as Tensor, want.input_grad, 'input grad', false);
  for (const [name, p] of model.namedParameters()) assertStats(p.grad as Tensor, want.param_grads[name], `grad of ${name}`, false);
  assert.equal(tree(out.gradFn), want.graph);
});

// --- gradcheck / gradgradcheck in float64 ---

const f64 = { dtype: 'float64' as const };
const leaf = (...shape: number[]) => torch.rand(shape, f64).mul(2).sub(1).requiresGrad_();

type Case = [name: string, inputs: () => Tensor[], fn: (...xs: Tensor[]) => Tensor];

const GRADCHECK: Case[] = [
  ['conv2d', () => [leaf(1, 2, 5, 4), leaf(3, 2, 3, 2), leaf(3)], (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2] })],
  ['conv2d/groups', () => [leaf(2, 4, 4, 4), leaf(4, 2, 2, 2)], (x, w) => F.conv2d(x, w, null, { groups: 2, stride: 2 })],
  ['conv2d/same_even', () => [leaf(1, 2, 4, 4), leaf(2, 2, 2, 3), leaf(2)], (x, w, b) => F.conv2d(x, w, b, { padding: 'same' })],
  ['conv2d/unbatched', () => [leaf(2, 4, 3), leaf(2, 2, 2, 2)], (x, w) => F.conv2d(x, w)],
  ['conv1d', () => [leaf(2, 2, 7), leaf(3, 2, 3), leaf(3)], (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 })],
  [
    'convTranspose2d',
    () => [leaf(1, 4, 3, 2), leaf(4, 1, 3, 2), leaf(2)],
    (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: [1, 0], outputPadding: 1, groups: 2, dilation: [1, 2] }),
  ],
  ['convTranspose1d', () => [leaf(2, 2, 3), leaf(2, 3, 2)], (x, w) => F.convTranspose1d(x, w, null, { stride: 3, padding: 1, outputPadding: 2 })],
  ['maxPool2d', () => [leaf(2, 2, 5, 4)], (x) => F.maxPool2d(x, 2, { stride: 1, padding: 1 })],
  ['maxPool2d/ceil_dilation', () => [leaf(1, 2, 7, 6)], (x) => F.maxPool2d(x, [3, 2], { stride: 2, dilation: [2, 1], ceilMode: true })],
  ['maxPool1d', () => [leaf(2, 2, 7)], (x) => F.maxPool1d(x, 3, { stride: 2, padding: 1 })],
  ['avgPool2d', () => [leaf(2, 2, 5, 4)], (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })],
  ['avgPool2d/divisor', () => [leaf(1, 2, 4, 5)], (x) => F.avgPool2d(x, [2, 3], { stride: 1, divisorOverride: 4 })],
  ['avgPool1d', () => [leaf(2, 2, 7)], (x) => F.avgPool1d(x, 3, { stride: 2, padding: 1 })],
  ['adaptiveAvgPool2d', () => [leaf(1, 2, 5, 7)], (x) => F.adaptiveAvgPool2d(x, [3, 2])],
  ['adaptiveAvgPool2d/1x1', () => [leaf(2, 3, 3, 2)], (x) => F.adaptiveAvgPool2d(x, 1)],
  ['adaptiveAvgPool1d', () => [leaf(2, 2, 7)], (x) => F.adaptiveAvgPool1d(x, 3)],
  ['adaptiveMaxPool2d', () => [leaf(1, 2, 5, 7)], (x) => F.adaptiveMaxPool2d(x, [2, 3])],
  ['adaptiveMaxPool1d', () => [leaf(2, 2, 7)], (x) => F.adaptiveMaxPool1d(x, 3)],
  ['pad/constant', () => [leaf(1, 2, 3, 3)], (x) => F.pad(x, [1, -1, 2, 0], 'constant', 0.5)],
  ['pad/reflect', () => [leaf(1, 2, 3, 4)], (x) => F.pad(x, [2, 1, 1, 2], 'reflect')],
  ['pad/replicate', () => [leaf(2, 3, 3)], (x) => F.pad(x, [3, 1], 'replicate')],
  ['pad/circular', () => [leaf(1, 2, 3, 3)], (x) => F.pad(x, [1, 3, 2, 0], 'circular')],
  ['pad/reflect3d', () => [leaf(1, 2, 3, 3, 4)], (x) => F.pad(x, [2, 1, 1, 0, 1, 2], 'reflect')],
  ['pad/replicate3d', () => [leaf(2, 2, 3, 2)], (x) => F.pad(x, [1, 2, 0, 1, 2, 1], 'replicate')],
];

describe('gradcheck (float64)', () => {
  for (const [name, inputs, f] of GRADCHECK) {
    test(name, () => {
      torch.manualSeed(11);
      assert.ok(torch.autograd.gradcheck(f, inputs()));
    });
  }
});

describe('gradgradcheck (float64)', () => {
  for (const [name, inputs, f] of GRADCHECK) {
    test(name, () => {
      torch.manualSeed(12);
      assert.ok(torch.autograd.gradgradcheck(f, inputs()));
    });
  }
});

test('third derivative of a convolution through createGraph', () => {
  // y = sum(conv(x, w)^3): differentiate three times and compare with the same made of
  // conv's linearity: d3/dx3 along ones is 6 * conv(ones, w)^3 summed.
  torch.manualSeed(13);
  const x = leaf(1, 1, 4, 4);
  const w = leaf(2, 1, 2, 2);
  const y = F.conv2d(x, w).pow(3).sum();
  const [g1] = torch.autograd.grad(y, x, { createGraph: true });
  const [g2] = torch.autograd.grad((g1 as Tensor).sum(), x, { createGraph: true });
  const [g3] = torch.autograd.grad((g2 as Tensor).sum(), x);
  const c = F.conv2d(torch.ones([1, 1, 4, 4], f64), w.detach());
  const expected = torch.autograd.grad(F.conv2d(x, w.detach()).mul(c.pow(2)).mul(6).sum(), x)[0] as Tensor;
  assert.ok((g3 as Tensor).sub(expected).abs().max().item() < 1e-9);
});

test('conv2d reads strided (non-contiguous) inputs and weights', () => {
  torch.manualSeed(14);
  const x = torch.randn([2, 5, 6, 3]).permute(0, 3, 1, 2);
  const w = torch.randn([3, 3, 4, 2]).transpose(0, 1);
  const got = F.conv2d(x, w, null, { padding: 1 });
  const want = F.conv2d(x.contiguous(), w.contiguous(), null, { padding: 1 });
  assert.ok(got.sub(want).abs().max().item() < 1e-6);
  const pooled = F.maxPool2d(x, 2);
  assert.ok(pooled.equal(F.maxPool2d(x.contiguous(), 2)));
});

test('modules default stride to the kernel size and keep their arguments', () => {
  const pool = new nn.MaxPool2d([2, 3]);
  assert.deepEqual(pool.stride, [2, 3]);
  assert.equal(String(new nn.AvgPool2d(2, { stride: 1 })), 'AvgPool2d(kernel_size=2, stride=1, padding=0)');
  const conv = new nn.Conv2d(1, 6, 5, { padding: 2 });
  assert.deepEqual(conv.weight.shape, [6, 1, 5, 5]);
  assert.equal(String(conv), 'Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))');
  const [values, indices] = new nn.MaxPool2d(2, { returnIndices: true }).forward(torch.arange(16).float().view(1, 1, 4, 4));
  assert.deepEqual(values.flatten().tolist(), [5, 7, 13, 15]);
  assert.deepEqual(indices.flatten().tolist(), [5, 7, 13, 15]);
});

test('empty batches give empty outputs and zero weight gradients (as PyTorch)', () => {
  const x = torch.zeros([0, 3, 6, 6]).requiresGrad_();
  const w = torch.randn([2, 3, 3, 3]).requiresGrad_();
  const y = F.conv2d(x, w);
  assert.deepEqual(y.shape, [0, 2, 4, 4]);
  y.sum().backward();
  assert.equal(w.grad?.abs().sum().item(), 0);
  assert.deepEqual(F.maxPool2d(x, 2).shape, [0, 3, 3, 3]);
  assert.deepEqual(F.avgPool2d(x, 2).shape, [0, 3, 3, 3]);
});
