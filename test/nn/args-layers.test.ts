// PyTorch's calling convention in the layers and their nn.functional twins (issue 10):
// (a) every layer / function called with PyTorch's positional arguments gives PyTorch's
//     repr, initial weights, outputs and gradients (scripts/fixtures/nn_args_layers.py), and
//     the options-object and mixed forms give the same;
// (b) JavaScript-style wrong arguments throw a TypeError naming the problem and change
//     nothing (no random numbers drawn, no tensor written in place).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { runModuleCase, type ModuleCase, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;

/** A functional call as a module (the fixture's Fn: weights are inputs). */
class Fn extends nn.Module {
  constructor(private readonly fn: (...xs: Tensor[]) => Tensor | Tensor[]) {
    super();
  }
  override forward(...xs: Tensor[]): Tensor | Tensor[] {
    return this.fn(...xs);
  }
}

type Build = () => nn.Module;
type CallFn = (...xs: Tensor[]) => Tensor | Tensor[];

/** The same layer written positionally (as in PyTorch), with options only, and mixed. */
interface Forms {
  positional: Build;
  options: Build;
  mixed?: Build;
}
const forms = (positional: Build, options: Build, mixed?: Build): Forms => ({ positional, options, mixed });
const fns = (positional: CallFn, options: CallFn, mixed?: CallFn): Forms =>
  forms(() => new Fn(positional), () => new Fn(options), mixed && (() => new Fn(mixed)));
/** Linear(4, 4) then an activation (in place), as the fixture's linear_then. */
const after = (act: () => nn.Module): Build => () => new nn.Sequential(new nn.Linear(4, 4), act());

const nz = 4;
const ngf = 2;

const CASES: Record<string, Forms> = {
  'Conv2d/issue': forms(
    () => new nn.Conv2d(1, 64, [5, 5], [1, 1], [2, 2]),
    () => new nn.Conv2d({ inChannels: 1, outChannels: 64, kernelSize: [5, 5], stride: [1, 1], padding: [2, 2] }),
    () => new nn.Conv2d(1, 64, [5, 5], { stride: [1, 1], padding: [2, 2] }),
  ),
  'ConvTranspose2d/dcgan': forms(
    () => new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, 0, 1, false),
    () => new nn.ConvTranspose2d({ inChannels: nz, outChannels: ngf * 8, kernelSize: 4, stride: 1, padding: 0, bias: false }),
    () => new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, { bias: false }),
  ),
  'Conv2d/positional': forms(
    () => new nn.Conv2d(2, 4, 3, 2, 1, 2, 2, false, 'reflect'),
    () => new nn.Conv2d({ inChannels: 2, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, dilation: 2, groups: 2, bias: false, paddingMode: 'reflect' }),
    () => new nn.Conv2d(2, 4, 3, 2, 1, { dilation: 2, groups: 2, bias: false, paddingMode: 'reflect' }),
  ),
  'Conv1d/positional': forms(
    () => new nn.Conv1d(2, 4, 3, 1, 'same', 2, 2, true, 'circular'),
    () => new nn.Conv1d({ inChannels: 2, outChannels: 4, kernelSize: 3, padding: 'same', dilation: 2, groups: 2, paddingMode: 'circular' }),
    () => new nn.Conv1d(2, 4, 3, { padding: 'same', dilation: 2, groups: 2, bias: true, paddingMode: 'circular' }),
  ),
  'ConvTranspose2d/positional': forms(
    () => new nn.ConvTranspose2d(4, 6, 3, 2, 1, 1, 2, false, 2, 'zeros'),
    () => new nn.ConvTranspose2d({ inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, bias: false, dilation: 2 }),
    () => new nn.ConvTranspose2d(4, 6, 3, 2, 1, 1, { groups: 2, bias: false, dilation: 2, paddingMode: 'zeros' }),
  ),
  'ConvTranspose1d/positional': forms(
    () => new nn.ConvTranspose1d(2, 3, 3, 2, 1, 1, 1, true, 1),
    () => new nn.ConvTranspose1d({ inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 }),
    () => new nn.ConvTranspose1d(2, 3, 3, 2, { padding: 1, outputPadding: 1 }),
  ),
  'MaxPool2d/positional': forms(
    () => new nn.MaxPool2d(3, 2, 1, 1, false, true),
    () => new nn.MaxPool2d({ kernelSize: 3, stride: 2, padding: 1, ceilMode: true }),
    () => new nn.MaxPool2d(3, 2, { padding: 1, ceilMode: true }),
  ),
  'MaxPool2d/indices': forms(
    () => new nn.MaxPool2d(2, 1, 0, 2, true),
    () => new nn.MaxPool2d({ kernelSize: 2, stride: 1, dilation: 2, returnIndices: true }),
    () => new nn.MaxPool2d(2, 1, { dilation: 2, returnIndices: true }),
  ),
  'MaxPool1d/positional': forms(
    () => new nn.MaxPool1d(3, 2, 1, 1, true, true),
    () => new nn.MaxPool1d({ kernelSize: 3, stride: 2, padding: 1, returnIndices: true, ceilMode: true }),
    () => new nn.MaxPool1d(3, 2, 1, { returnIndices: true, ceilMode: true }),
  ),
  'AvgPool2d/positional': forms(
    () => new nn.AvgPool2d(3, 2, 1, true, false, 2),
    () => new nn.AvgPool2d({ kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 2 }),
    () => new nn.AvgPool2d(3, 2, 1, { ceilMode: true, countIncludePad: false, divisorOverride: 2 }),
  ),
  'AvgPool1d/positional': forms(
    () => new nn.AvgPool1d(3, 2, 1, true, false),
    () => new nn.AvgPool1d({ kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    () => new nn.AvgPool1d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  ),
  'AdaptiveAvgPool2d/positional': forms(() => new nn.AdaptiveAvgPool2d([null, 2]), () => new nn.AdaptiveAvgPool2d({ outputSize: [null, 2] })),
  'AdaptiveAvgPool1d/positional': forms(() => new nn.AdaptiveAvgPool1d(3), () => new nn.AdaptiveAvgPool1d({ outputSize: 3 })),
  'AdaptiveMaxPool2d/positional': forms(
    () => new nn.AdaptiveMaxPool2d([2, 3], true),
    () => new nn.AdaptiveMaxPool2d({ outputSize: [2, 3], returnIndices: true }),
    () => new nn.AdaptiveMaxPool2d([2, 3], { returnIndices: true }),
  ),
  'AdaptiveMaxPool1d/positional': forms(
    () => new nn.AdaptiveMaxPool1d(2, true),
    () => new nn.AdaptiveMaxPool1d({ outputSize: 2, returnIndices: true }),
    () => new nn.AdaptiveMaxPool1d(2, { returnIndices: true }),
  ),
  'Linear/positional': forms(
    () => new nn.Linear(4, 3, false),
    () => new nn.Linear({ inFeatures: 4, outFeatures: 3, bias: false }),
    () => new nn.Linear(4, { outFeatures: 3, bias: false }),
  ),
  'Linear/device_dtype': forms(
    () => new nn.Linear(4, 3, true, 'cpu', 'float64'),
    () => new nn.Linear({ inFeatures: 4, outFeatures: 3, device: 'cpu', dtype: 'float64' }),
    () => new nn.Linear(4, 3, { dtype: 'float64' }),
  ),
  'Bilinear/positional': forms(
    () => new nn.Bilinear(3, 2, 4, false),
    () => new nn.Bilinear({ in1Features: 3, in2Features: 2, outFeatures: 4, bias: false }),
    () => new nn.Bilinear(3, 2, 4, { bias: false }),
  ),
  'Identity/ignored_args': forms(() => new nn.Identity(54, { unusedArgument1: 0.1 }), () => new nn.Identity()),
  'Dropout/positional': forms(() => new nn.Dropout(0.3, false), () => new nn.Dropout({ p: 0.3, inplace: false }), () => new nn.Dropout(0.3, { inplace: false })),
  'Dropout2d/positional': forms(() => new nn.Dropout2d(0.4, false), () => new nn.Dropout2d({ p: 0.4 }), () => new nn.Dropout2d(0.4, { inplace: false })),
  'Flatten/positional': forms(() => new nn.Flatten(0, 1), () => new nn.Flatten({ startDim: 0, endDim: 1 }), () => new nn.Flatten(0, { endDim: 1 })),
  'Unflatten/positional': forms(
    () => new nn.Unflatten(1, [2, 3]),
    () => new nn.Unflatten({ dim: 1, unflattenedSize: [2, 3] }),
    () => new nn.Unflatten(1, { unflattenedSize: [2, 3] }),
  ),
  'Embedding/positional': forms(
    () => new nn.Embedding(6, 3, 1, 1.5, 1.0, true),
    () => new nn.Embedding({ numEmbeddings: 6, embeddingDim: 3, paddingIdx: 1, maxNorm: 1.5, normType: 1, scaleGradByFreq: true }),
    () => new nn.Embedding(6, 3, 1, { maxNorm: 1.5, normType: 1, scaleGradByFreq: true }),
  ),
  'Embedding/from_pretrained': forms(
    () => nn.Embedding.fromPretrained(torch.arange(12, { dtype: 'float32' }).reshape(4, 3).div(10), false, 0),
    () => nn.Embedding.fromPretrained({ embeddings: torch.arange(12, { dtype: 'float32' }).reshape(4, 3).div(10), freeze: false, paddingIdx: 0 }),
    () => nn.Embedding.fromPretrained(torch.arange(12, { dtype: 'float32' }).reshape(4, 3).div(10), { freeze: false, paddingIdx: 0 }),
  ),
  // Activations.
  'ReLU/positional': forms(after(() => new nn.ReLU(true)), after(() => new nn.ReLU({ inplace: true }))),
  'ReLU6/positional': forms(after(() => new nn.ReLU6(true)), after(() => new nn.ReLU6({ inplace: true }))),
  'SELU/positional': forms(after(() => new nn.SELU(true)), after(() => new nn.SELU({ inplace: true }))),
  'SiLU/positional': forms(after(() => new nn.SiLU(true)), after(() => new nn.SiLU({ inplace: true }))),
  'Mish/positional': forms(after(() => new nn.Mish(true)), after(() => new nn.Mish({ inplace: true }))),
  'Hardsigmoid/positional': forms(after(() => new nn.Hardsigmoid(true)), after(() => new nn.Hardsigmoid({ inplace: true }))),
  'Hardswish/positional': forms(after(() => new nn.Hardswish(true)), after(() => new nn.Hardswish({ inplace: true }))),
  'LeakyReLU/positional': forms(
    after(() => new nn.LeakyReLU(0.2, true)),
    after(() => new nn.LeakyReLU({ negativeSlope: 0.2, inplace: true })),
    after(() => new nn.LeakyReLU(0.2, { inplace: true })),
  ),
  'ELU/positional': forms(after(() => new nn.ELU(0.5, true)), after(() => new nn.ELU({ alpha: 0.5, inplace: true })), after(() => new nn.ELU(0.5, { inplace: true }))),
  'CELU/positional': forms(after(() => new nn.CELU(0.7, true)), after(() => new nn.CELU({ alpha: 0.7, inplace: true })), after(() => new nn.CELU(0.7, { inplace: true }))),
  'Hardtanh/positional': forms(
    after(() => new nn.Hardtanh(-0.5, 0.25, true)),
    after(() => new nn.Hardtanh({ minVal: -0.5, maxVal: 0.25, inplace: true })),
    after(() => new nn.Hardtanh(-0.5, { maxVal: 0.25, inplace: true })),
  ),
  'Threshold/positional': forms(
    after(() => new nn.Threshold(0.1, -2.5, true)),
    after(() => new nn.Threshold({ threshold: 0.1, value: -2.5, inplace: true })),
    after(() => new nn.Threshold(0.1, { value: -2.5, inplace: true })),
  ),
  'GELU/positional': forms(() => new nn.GELU('tanh'), () => new nn.GELU({ approximate: 'tanh' })),
  'Softplus/positional': forms(() => new nn.Softplus(2, 1), () => new nn.Softplus({ beta: 2, threshold: 1 }), () => new nn.Softplus(2, { threshold: 1 })),
  'Softmax/positional': forms(() => new nn.Softmax(0), () => new nn.Softmax({ dim: 0 })),
  'Softmax/none': forms(() => new nn.Softmax(), () => new nn.Softmax({ dim: null })),
  'LogSoftmax/positional': forms(() => new nn.LogSoftmax(1), () => new nn.LogSoftmax({ dim: 1 })),
  'Softmin/positional': forms(() => new nn.Softmin(1), () => new nn.Softmin({ dim: 1 })),
  Sigmoid: forms(() => new nn.Sigmoid(), () => new nn.Sigmoid({})),
  Tanh: forms(() => new nn.Tanh(), () => new nn.Tanh({})),
  LogSigmoid: forms(() => new nn.LogSigmoid(), () => new nn.LogSigmoid({})),
  Softsign: forms(() => new nn.Softsign(), () => new nn.Softsign({})),
  // nn.functional.
  'F/conv2d': fns(
    (x, w, b) => F.conv2d(x, w, b, [2, 1], [1, 0], [1, 2], 2),
    (x, w, b) => F.conv2d({ input: x, weight: w, bias: b, stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 }),
    (x, w, b) => F.conv2d(x, w, b, [2, 1], { padding: [1, 0], dilation: [1, 2], groups: 2 }),
  ),
  'F/conv1d': fns(
    (x, w) => F.conv1d(x, w, null, 1, 'same', 2),
    (x, w) => F.conv1d({ input: x, weight: w, padding: 'same', dilation: 2 }),
    (x, w) => F.conv1d(x, w, { padding: 'same', dilation: 2 }),
  ),
  'F/conv_transpose2d': fns(
    (x, w, b) => F.convTranspose2d(x, w, b, 2, 1, 1, 2, [1, 2]),
    (x, w, b) => F.convTranspose2d({ input: x, weight: w, bias: b, stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: [1, 2] }),
    (x, w, b) => F.convTranspose2d(x, w, b, 2, 1, { outputPadding: 1, groups: 2, dilation: [1, 2] }),
  ),
  'F/conv_transpose1d': fns(
    (x, w) => F.convTranspose1d(x, w, null, 3, 1, 2),
    (x, w) => F.convTranspose1d({ input: x, weight: w, stride: 3, padding: 1, outputPadding: 2 }),
    (x, w) => F.convTranspose1d(x, w, null, 3, { padding: 1, outputPadding: 2 }),
  ),
  'F/max_pool2d': fns(
    (x) => F.maxPool2d(x, 3, 2, 1, 1, true, true),
    (x) => F.maxPool2d({ input: x, kernelSize: 3, stride: 2, padding: 1, ceilMode: true, returnIndices: true }),
    (x) => F.maxPool2d(x, 3, 2, { padding: 1, ceilMode: true, returnIndices: true }),
  ),
  'F/max_pool1d': fns(
    (x) => F.maxPool1d(x, 2, 1, 0, 2, false, true),
    (x) => F.maxPool1d({ input: x, kernelSize: 2, stride: 1, dilation: 2, returnIndices: true }),
    (x) => F.maxPool1d(x, 2, 1, { dilation: 2, returnIndices: true }),
  ),
  'F/avg_pool2d': fns(
    (x) => F.avgPool2d(x, 3, 2, 1, true, false, 2),
    (x) => F.avgPool2d({ input: x, kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 2 }),
    (x) => F.avgPool2d(x, 3, 2, 1, { ceilMode: true, countIncludePad: false, divisorOverride: 2 }),
  ),
  'F/avg_pool1d': fns(
    (x) => F.avgPool1d(x, 3, 2, 1, true, false),
    (x) => F.avgPool1d({ input: x, kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    (x) => F.avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  ),
  'F/adaptive_avg_pool2d': fns((x) => F.adaptiveAvgPool2d(x, [2, null]), (x) => F.adaptiveAvgPool2d({ input: x, outputSize: [2, null] }), (x) => F.adaptiveAvgPool2d(x, { outputSize: [2, null] })),
  'F/adaptive_avg_pool1d': fns((x) => F.adaptiveAvgPool1d(x, 2), (x) => F.adaptiveAvgPool1d({ input: x, outputSize: 2 }), (x) => F.adaptiveAvgPool1d(x, { outputSize: 2 })),
  'F/adaptive_max_pool2d': fns((x) => F.adaptiveMaxPool2d(x, 2, true), (x) => F.adaptiveMaxPool2d({ input: x, outputSize: 2, returnIndices: true }), (x) => F.adaptiveMaxPool2d(x, 2, { returnIndices: true })),
  'F/adaptive_max_pool1d': fns((x) => F.adaptiveMaxPool1d(x, 3, true), (x) => F.adaptiveMaxPool1d({ input: x, outputSize: 3, returnIndices: true }), (x) => F.adaptiveMaxPool1d(x, 3, { returnIndices: true })),
  'F/pad': fns((x) => F.pad(x, [1, 2, 0, 1], 'constant', 0.5), (x) => F.pad({ input: x, pad: [1, 2, 0, 1], value: 0.5 }), (x) => F.pad(x, [1, 2, 0, 1], { value: 0.5 })),
  'F/pad/reflect': fns((x) => F.pad(x, [2, 1], 'reflect'), (x) => F.pad({ input: x, pad: [2, 1], mode: 'reflect' }), (x) => F.pad(x, [2, 1], { mode: 'reflect' })),
  'F/linear': fns((x, w, b) => F.linear(x, w, b), (x, w, b) => F.linear({ input: x, weight: w, bias: b }), (x, w, b) => F.linear(x, w, { bias: b })),
  'F/bilinear': fns(
    (x1, x2, w, b) => F.bilinear(x1, x2, w, b),
    (x1, x2, w, b) => F.bilinear({ input1: x1, input2: x2, weight: w, bias: b }),
    (x1, x2, w, b) => F.bilinear(x1, x2, w, { bias: b }),
  ),
  'F/dropout': fns((x) => F.dropout(x, 0.3, true, false), (x) => F.dropout({ input: x, p: 0.3 }), (x) => F.dropout(x, 0.3, { training: true })),
  'F/dropout/eval': fns((x) => F.dropout(x, 0.3, false), (x) => F.dropout({ input: x, p: 0.3, training: false }), (x) => F.dropout(x, { p: 0.3, training: false })),
  'F/dropout2d': fns((x) => F.dropout2d(x, 0.5, true), (x) => F.dropout2d({ input: x, p: 0.5, training: true }), (x) => F.dropout2d(x, { training: true })),
  'F/embedding': fns(
    (i, w) => F.embedding(i, w, 0, null, 2.0, true),
    (i, w) => F.embedding({ input: i, weight: w, paddingIdx: 0, scaleGradByFreq: true }),
    (i, w) => F.embedding(i, w, 0, { scaleGradByFreq: true }),
  ),
  'F/relu': fns((x) => F.relu(x, false), (x) => F.relu({ input: x, inplace: false }), (x) => F.relu(x)),
  'F/relu6': fns((x) => F.relu6(x.mul(4), false), (x) => F.relu6({ input: x.mul(4) })),
  'F/leaky_relu': fns((x) => F.leakyRelu(x, 0.2), (x) => F.leakyRelu({ input: x, negativeSlope: 0.2 }), (x) => F.leakyRelu(x, { negativeSlope: 0.2 })),
  'F/leaky_relu/inplace': fns(
    (x) => F.leakyRelu(x.mul(1), 0.3, true),
    (x) => F.leakyRelu({ input: x.mul(1), negativeSlope: 0.3, inplace: true }),
    (x) => F.leakyRelu(x.mul(1), 0.3, { inplace: true }),
  ),
  'F/elu': fns((x) => F.elu(x, 0.5, false), (x) => F.elu({ input: x, alpha: 0.5 }), (x) => F.elu(x, 0.5, { inplace: false })),
  'F/celu': fns((x) => F.celu(x, 0.5), (x) => F.celu({ input: x, alpha: 0.5 }), (x) => F.celu(x, { alpha: 0.5 })),
  'F/selu': fns((x) => F.selu(x, false), (x) => F.selu({ input: x })),
  'F/silu': fns((x) => F.silu(x, false), (x) => F.silu({ input: x })),
  'F/mish': fns((x) => F.mish(x, false), (x) => F.mish({ input: x })),
  'F/hardsigmoid': fns((x) => F.hardsigmoid(x.mul(2), false), (x) => F.hardsigmoid({ input: x.mul(2) })),
  'F/hardswish': fns((x) => F.hardswish(x.mul(2), false), (x) => F.hardswish({ input: x.mul(2) })),
  'F/hardtanh': fns((x) => F.hardtanh(x, -0.5, 0.25, false), (x) => F.hardtanh({ input: x, minVal: -0.5, maxVal: 0.25 }), (x) => F.hardtanh(x, -0.5, { maxVal: 0.25 })),
  'F/softplus': fns((x) => F.softplus(x, 2, 1), (x) => F.softplus({ input: x, beta: 2, threshold: 1 }), (x) => F.softplus(x, 2, { threshold: 1 })),
  'F/threshold': fns((x) => F.threshold(x, 0.1, -2.5, false), (x) => F.threshold({ input: x, threshold: 0.1, value: -2.5 }), (x) => F.threshold(x, 0.1, { value: -2.5 })),
  'F/gelu': fns((x) => F.gelu(x, { approximate: 'tanh' }), (x) => F.gelu({ input: x, approximate: 'tanh' })),
  'F/softmax': fns((x) => F.softmax(x, 1, 3, 'float64'), (x) => F.softmax({ input: x, dim: 1, dtype: 'float64' }), (x) => F.softmax(x, 1, { dtype: 'float64' })),
  'F/softmax/none': fns((x) => F.softmax(x), (x) => F.softmax({ input: x, dim: null })),
  'F/log_softmax': fns((x) => F.logSoftmax(x, 0), (x) => F.logSoftmax({ input: x, dim: 0 }), (x) => F.logSoftmax(x, { dim: 0 })),
  'F/softmin': fns((x) => F.softmin(x, 1), (x) => F.softmin({ input: x, dim: 1 }), (x) => F.softmin(x, { dim: 1 })),
  'F/sigmoid': fns((x) => F.sigmoid(x), (x) => F.sigmoid({ input: x })),
  'F/tanh': fns((x) => F.tanh(x), (x) => F.tanh({ input: x })),
  'F/logsigmoid': fns((x) => F.logsigmoid(x), (x) => F.logsigmoid({ input: x })),
  'F/softsign': fns((x) => F.softsign(x), (x) => F.softsign({ input: x })),
};

interface Fixture {
  cases: ModuleCase[];
  tensor_errors: Record<string, string>;
}
const fixture = loadFixture<Fixture>('nn_args_layers.json');

describe('(a) PyTorch-ordered positional calls, options and mixed forms, against PyTorch', () => {
  for (const c of fixture.cases) {
    const f = CASES[c.name];
    test(`${c.name}: positional`, () => {
      assert.ok(f, `no TypeScript twin for ${c.name}`);
      runModuleCase(c, { build: f.positional } satisfies ModuleSpec);
    });
    test(`${c.name}: options object`, () => runModuleCase(c, { build: f.options }));
    if (f?.mixed) test(`${c.name}: positional then options`, () => runModuleCase(c, { build: f.mixed as Build }));
  }
  test('every twin has a fixture case', () => {
    const names = new Set(fixture.cases.map((c) => c.name));
    assert.deepEqual(Object.keys(CASES).filter((n) => !names.has(n)), []);
  });
});

describe('the issue literally', () => {
  test('new nn.Conv2d(1, 64, [5, 5], [1, 1], [2, 2]) means stride [1, 1], padding [2, 2]', () => {
    const conv = new nn.Conv2d(1, 64, [5, 5], [1, 1], [2, 2]);
    assert.deepEqual(conv.stride, [1, 1]);
    assert.deepEqual(conv.padding, [2, 2]);
    assert.deepEqual(conv.forward(torch.zeros([1, 1, 28, 28])).shape, [1, 64, 28, 28]);
  });
  test('new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, { bias: false }) has stride 1, padding 0, no bias', () => {
    const convT = new nn.ConvTranspose2d(100, 64 * 8, 4, 1, 0, { bias: false });
    assert.deepEqual(convT.stride, [1, 1]);
    assert.deepEqual(convT.padding, [0, 0]);
    assert.equal(convT.bias, null);
    assert.deepEqual(convT.forward(torch.zeros([1, 100, 1, 1])).shape, [1, 512, 4, 4]);
  });
  test('new nn.Linear(3, 2).forward(5) throws PyTorch\'s TypeError', () => {
    assert.throws(() => new nn.Linear(3, 2).forward(5 as never), { name: 'TypeError', message: fixture.tensor_errors['Linear.forward'] });
  });
});

describe('a non-tensor where a tensor is required: PyTorch\'s message', () => {
  const w2 = () => torch.randn([2, 3]);
  const calls: Record<string, () => unknown> = {
    linear: () => F.linear(5 as never, w2()),
    'Linear.forward': () => new nn.Linear(3, 2).forward(5 as never),
    bilinear: () => F.bilinear(5 as never, 5 as never, torch.randn([2, 2, 2])),
    'Bilinear.forward': () => new nn.Bilinear(2, 2, 2).forward(5 as never, 5 as never),
    relu: () => F.relu(5 as never),
    'ReLU.forward': () => new nn.ReLU().forward(5 as never),
    leaky_relu: () => F.leakyRelu(5 as never),
    'LeakyReLU.forward': () => new nn.LeakyReLU().forward(5 as never),
    dropout: () => F.dropout(5 as never),
    'Dropout.forward': () => new nn.Dropout().forward(5 as never),
    max_pool2d: () => F.maxPool2d(5 as never, 2),
    'MaxPool2d.forward': () => new nn.MaxPool2d(2).forward(5 as never),
    avg_pool2d: () => F.avgPool2d(5 as never, 2),
    'AvgPool2d.forward': () => new nn.AvgPool2d(2).forward(5 as never),
    pad: () => F.pad(5 as never, [1, 1]),
    hardtanh: () => F.hardtanh(5 as never),
    elu: () => F.elu(5 as never),
    gelu: () => F.gelu(5 as never),
    softplus: () => F.softplus(5 as never),
    logsigmoid: () => F.logsigmoid(5 as never),
  };
  for (const [name, message] of Object.entries(fixture.tensor_errors)) {
    test(name, () => {
      assert.ok(calls[name], `no TypeScript twin for ${name}`);
      assert.throws(calls[name], { name: 'TypeError', message });
    });
  }
  // Where PyTorch fails on an attribute instead ('int' object has no attribute 'sigmoid'),
  // torchlette names the argument the same way.
  const x = () => torch.randn([1, 2, 4, 4]);
  const own: [string, () => unknown, string][] = [
    ['F.sigmoid', () => F.sigmoid(5 as never), "sigmoid(): argument 'input' (position 1) must be Tensor, not int"],
    ['F.softmax', () => F.softmax('x' as never, 1), "softmax(): argument 'input' (position 1) must be Tensor, not str"],
    ['F.conv2d weight', () => F.conv2d(x(), 5 as never), "conv2d(): argument 'weight' (position 2) must be Tensor, not int"],
    ['F.conv2d bias', () => F.conv2d(x(), torch.randn([3, 2, 3, 3]), [1, 2, 3] as never), "conv2d(): argument 'bias' (position 3) must be Tensor or null, not list"],
    ['F.embedding', () => F.embedding(5 as never, torch.randn([3, 2])), "embedding(): argument 'input' (position 1) must be Tensor, not int"],
    ['Flatten.forward', () => new nn.Flatten().forward(5 as never), "flatten(): argument 'input' (position 1) must be Tensor, not int"],
    ['Conv2d.forward', () => new nn.Conv2d(2, 3, 3).forward(null as never), "conv2d(): argument 'input' (position 1) must be Tensor, not None"],
    ['ConvTranspose2d.forward', () => new nn.ConvTranspose2d(2, 3, 3).forward([1] as never, [4, 4]), "conv_transpose2d(): argument 'input' (position 1) must be Tensor, not list"],
    ['AdaptiveAvgPool2d.forward', () => new nn.AdaptiveAvgPool2d(1).forward(5 as never), "adaptive_avg_pool2d(): argument 'input' (position 1) must be Tensor, not int"],
    ['Embedding.forward', () => new nn.Embedding(3, 2).forward(5 as never), "embedding(): argument 'input' (position 1) must be Tensor, not int"],
    ['Softmax.forward', () => new nn.Softmax(1).forward('x' as never), "softmax(): argument 'input' (position 1) must be Tensor, not str"],
  ];
  for (const [name, call, message] of own) test(name, () => assert.throws(call, { name: 'TypeError', message }));
});

// --- (b) JavaScript-style wrong arguments to every constructor ---

type Make = (...args: unknown[]) => unknown;

interface CtorCase {
  make: Make;
  /** A valid call with the required parameters (positional). */
  args: unknown[];
  /** A multi-word option: [snake_case, camelCase, a valid value]. */
  snake?: [string, string, unknown];
  /** A wrong type: the arguments and the parameter's words in the message. */
  wrong: [unknown[], string];
  /** First parameter: [name, a valid value], for the duplicate check. */
  first: [string, unknown];
  /** The required parameters' first name (missing-argument check), if any. */
  required?: string;
  /** A valid call that gives the camelCase option (default: args then { camelCase: value }). */
  accept?: unknown[];
}

const ctor = <C extends abstract new (...args: never[]) => unknown>(cls: C): Make => (...args: unknown[]) => new (cls as unknown as new (...a: unknown[]) => unknown)(...args);

const CTORS: Record<string, CtorCase> = {
  Conv1d: { make: ctor(nn.Conv1d), args: [2, 3, 3], snake: ['padding_mode', 'paddingMode', 'zeros'], wrong: [[2, 3, 'x'], "argument 'kernelSize' (position 3) must be an int or a list of ints, not str"], first: ['inChannels', 2], required: 'inChannels' },
  Conv2d: { make: ctor(nn.Conv2d), args: [2, 3, 3], snake: ['padding_mode', 'paddingMode', 'zeros'], wrong: [[2, 3, 3, 1, 0, 1, 1, 'no'], "argument 'bias' (position 8) must be a bool, not str"], first: ['inChannels', 2], required: 'inChannels' },
  ConvTranspose1d: { make: ctor(nn.ConvTranspose1d), args: [2, 3, 3], snake: ['output_padding', 'outputPadding', 1], wrong: [[2, 3, 3, 1, 'same'], "argument 'padding' (position 5) must be an int or a list of ints, not str"], first: ['inChannels', 2], required: 'inChannels' },
  ConvTranspose2d: { accept: [2, { outChannels: 3, kernelSize: 3 }], make: ctor(nn.ConvTranspose2d), args: [2, 3, 3], snake: ['out_channels', 'outChannels', 3], wrong: [[2, 3, 3, [1, 1.5]], "argument 'stride' (position 4) must be an int or a list of ints, not list"], first: ['inChannels', 2], required: 'inChannels' },
  MaxPool1d: { make: ctor(nn.MaxPool1d), args: [2], snake: ['ceil_mode', 'ceilMode', true], wrong: [[2, 1, 0, 1, 1], "argument 'returnIndices' (position 5) must be a bool, not int"], first: ['kernelSize', 2], required: 'kernelSize' },
  MaxPool2d: { make: ctor(nn.MaxPool2d), args: [2], snake: ['return_indices', 'returnIndices', true], wrong: [[2, '2'], "argument 'stride' (position 2) must be an int or a list of ints or null, not str"], first: ['kernelSize', 2], required: 'kernelSize' },
  AvgPool1d: { make: ctor(nn.AvgPool1d), args: [2], snake: ['count_include_pad', 'countIncludePad', false], wrong: [[2.5], "argument 'kernelSize' (position 1) must be an int or a list of ints, not float"], first: ['kernelSize', 2], required: 'kernelSize' },
  AvgPool2d: { make: ctor(nn.AvgPool2d), args: [2], snake: ['divisor_override', 'divisorOverride', 2], wrong: [[2, null, 0, false, true, 1.5], "argument 'divisorOverride' (position 6) must be an int or null, not float"], first: ['kernelSize', 2], required: 'kernelSize' },
  AdaptiveAvgPool1d: { accept: [{ outputSize: 2 }], make: ctor(nn.AdaptiveAvgPool1d), args: [2], snake: ['output_size', 'outputSize', 2], wrong: [[null], "argument 'outputSize' (position 1) must be an int or a list of ints, not None"], first: ['outputSize', 2], required: 'outputSize' },
  AdaptiveAvgPool2d: { accept: [{ outputSize: 2 }], make: ctor(nn.AdaptiveAvgPool2d), args: [2], snake: ['output_size', 'outputSize', 2], wrong: [['7'], "argument 'outputSize' (position 1) must be an int or a list of ints and nulls, not str"], first: ['outputSize', 2], required: 'outputSize' },
  AdaptiveMaxPool1d: { make: ctor(nn.AdaptiveMaxPool1d), args: [2], snake: ['return_indices', 'returnIndices', true], wrong: [[2, 'yes'], "argument 'returnIndices' (position 2) must be a bool, not str"], first: ['outputSize', 2], required: 'outputSize' },
  AdaptiveMaxPool2d: { accept: [{ outputSize: 2 }], make: ctor(nn.AdaptiveMaxPool2d), args: [2], snake: ['output_size', 'outputSize', 2], wrong: [[[2, 'a']], "argument 'outputSize' (position 1) must be an int or a list of ints and nulls, not list"], first: ['outputSize', 2], required: 'outputSize' },
  Linear: { accept: [3, { outFeatures: 2 }], make: ctor(nn.Linear), args: [3, 2], snake: ['out_features', 'outFeatures', 2], wrong: [[3, 2, 1], "argument 'bias' (position 3) must be a bool, not int"], first: ['inFeatures', 3], required: 'inFeatures' },
  Bilinear: { accept: [{ in1Features: 3, in2Features: 2, outFeatures: 4 }], make: ctor(nn.Bilinear), args: [3, 2, 4], snake: ['in1_features', 'in1Features', 3], wrong: [[3, 2, '4'], "argument 'outFeatures' (position 3) must be an int, not str"], first: ['in1Features', 3], required: 'in1Features' },
  Dropout: { make: ctor(nn.Dropout), args: [], wrong: [['0.5'], "argument 'p' (position 1) must be a number, not str"], first: ['p', 0.5] },
  Dropout2d: { make: ctor(nn.Dropout2d), args: [], wrong: [[0.5, 1], "argument 'inplace' (position 2) must be a bool, not int"], first: ['p', 0.5] },
  Flatten: { make: ctor(nn.Flatten), args: [], snake: ['start_dim', 'startDim', 0], wrong: [[0.5], "argument 'startDim' (position 1) must be an int, not float"], first: ['startDim', 1] },
  Unflatten: { accept: [1, { unflattenedSize: [2, 3] }], make: ctor(nn.Unflatten), args: [1, [2, 3]], snake: ['unflattened_size', 'unflattenedSize', [2, 3]], wrong: [[1, 6], "argument 'unflattenedSize' (position 2) must be a list of ints, not int"], first: ['dim', 1], required: 'dim' },
  Embedding: { make: ctor(nn.Embedding), args: [5, 3], snake: ['padding_idx', 'paddingIdx', 0], wrong: [[5, 3, 0.5], "argument 'paddingIdx' (position 3) must be an int or null, not float"], first: ['numEmbeddings', 5], required: 'numEmbeddings' },
  'Embedding.fromPretrained': {
    make: (...a: unknown[]) => (nn.Embedding.fromPretrained as (...b: unknown[]) => unknown)(...a),
    args: [torch.ones([3, 2])],
    snake: ['max_norm', 'maxNorm', 1],
    wrong: [[[[1, 2]]], "argument 'embeddings' (position 1) must be Tensor, not list"],
    first: ['embeddings', torch.ones([3, 2])],
    required: 'embeddings',
  },
  ReLU: { make: ctor(nn.ReLU), args: [], wrong: [[1], "argument 'inplace' (position 1) must be a bool, not int"], first: ['inplace', false] },
  ReLU6: { make: ctor(nn.ReLU6), args: [], wrong: [['true'], "argument 'inplace' (position 1) must be a bool, not str"], first: ['inplace', false] },
  SELU: { make: ctor(nn.SELU), args: [], wrong: [[0], "argument 'inplace' (position 1) must be a bool, not int"], first: ['inplace', false] },
  SiLU: { make: ctor(nn.SiLU), args: [], wrong: [[null], "argument 'inplace' (position 1) must be a bool, not None"], first: ['inplace', false] },
  Mish: { make: ctor(nn.Mish), args: [], wrong: [[1], "argument 'inplace' (position 1) must be a bool, not int"], first: ['inplace', false] },
  Hardsigmoid: { make: ctor(nn.Hardsigmoid), args: [], wrong: [[1], "argument 'inplace' (position 1) must be a bool, not int"], first: ['inplace', false] },
  Hardswish: { make: ctor(nn.Hardswish), args: [], wrong: [[1], "argument 'inplace' (position 1) must be a bool, not int"], first: ['inplace', false] },
  LeakyReLU: { make: ctor(nn.LeakyReLU), args: [], snake: ['negative_slope', 'negativeSlope', 0.2], wrong: [['0.2'], "argument 'negativeSlope' (position 1) must be a number, not str"], first: ['negativeSlope', 0.1] },
  ELU: { make: ctor(nn.ELU), args: [], wrong: [[1, 1], "argument 'inplace' (position 2) must be a bool, not int"], first: ['alpha', 1] },
  CELU: { make: ctor(nn.CELU), args: [], wrong: [[true], "argument 'alpha' (position 1) must be a number, not bool"], first: ['alpha', 1] },
  GELU: { make: ctor(nn.GELU), args: [], wrong: [[true], "argument 'approximate' (position 1) must be a string, not bool"], first: ['approximate', 'none'] },
  Hardtanh: { make: ctor(nn.Hardtanh), args: [], snake: ['max_val', 'maxVal', 2], wrong: [[-1, '1'], "argument 'maxVal' (position 2) must be a number, not str"], first: ['minVal', -1] },
  Softplus: { make: ctor(nn.Softplus), args: [], wrong: [[1, [20]], "argument 'threshold' (position 2) must be a number, not list"], first: ['beta', 1] },
  Threshold: { make: ctor(nn.Threshold), args: [0.1, 0], wrong: [[0.1, '0'], "argument 'value' (position 2) must be a number, not str"], first: ['threshold', 0.1], required: 'threshold' },
  Softmax: { make: ctor(nn.Softmax), args: [], wrong: [[1.5], "argument 'dim' (position 1) must be an int or null, not float"], first: ['dim', 1] },
  LogSoftmax: { make: ctor(nn.LogSoftmax), args: [], wrong: [['1'], "argument 'dim' (position 1) must be an int or null, not str"], first: ['dim', 1] },
  Softmin: { make: ctor(nn.Softmin), args: [], wrong: [[true], "argument 'dim' (position 1) must be an int or null, not bool"], first: ['dim', 1] },
  Sigmoid: { make: ctor(nn.Sigmoid), args: [], wrong: [[1], 'takes 0 positional arguments but 1 were given'], first: ['', null] },
  Tanh: { make: ctor(nn.Tanh), args: [], wrong: [[1], 'takes 0 positional arguments but 1 were given'], first: ['', null] },
  LogSigmoid: { make: ctor(nn.LogSigmoid), args: [], wrong: [[1], 'takes 0 positional arguments but 1 were given'], first: ['', null] },
  Softsign: { make: ctor(nn.Softsign), args: [], wrong: [[1], 'takes 0 positional arguments but 1 were given'], first: ['', null] },
};

/** Throws a TypeError with this message, and draws no random numbers (nothing was initialised). */
function assertRejects(call: () => unknown, message: string | RegExp): void {
  torch.manualSeed(11);
  const want = torch.rand([4]);
  torch.manualSeed(11);
  assert.throws(call, (e: Error) => {
    assert.equal(e.name, 'TypeError');
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
  assert.deepEqual(torch.rand([4]).tolist(), want.tolist(), 'the global generator was not touched');
}

describe('(b) wrong arguments to every constructor throw and change nothing', () => {
  for (const [name, c] of Object.entries(CTORS)) {
    describe(name, () => {
      test('unknown option', () => assertRejects(() => c.make(...c.args, { bogus: 1 }), new RegExp(`^${name.replace('.', '\\.')}\\(\\): unexpected option 'bogus'; (accepted options: |it takes no options)`)));
      if (c.snake) {
        const [snake, camel, value] = c.snake;
        test(`snake_case option '${snake}'`, () => assertRejects(() => c.make(...c.args, { [snake]: value }), `${name}(): unexpected option '${snake}' — did you mean '${camel}'?`));
        test(`the camelCase option '${camel}' is accepted`, () => assert.doesNotThrow(() => c.make(...(c.accept ?? [...c.args, { [camel]: value }]))));
      }
      test('wrong type', () => assertRejects(() => c.make(...c.wrong[0]), `${name}(): ${c.wrong[1]}`));
      if (c.required) test('missing required argument', () => assertRejects(() => c.make(), `${name}(): missing required argument '${c.required}'`));
      if (c.first[0] !== '') {
        const [first, value] = c.first;
        const positional = c.args.length > 0 ? c.args : [value];
        test('one parameter given twice', () => assertRejects(() => c.make(...positional, { [first]: value }), `${name}(): got multiple values for argument '${first}'`));
      }
    });
  }
  test('every module class in scope is covered', () => {
    const classes = [
      'Conv1d', 'Conv2d', 'ConvTranspose1d', 'ConvTranspose2d', 'MaxPool1d', 'MaxPool2d', 'AvgPool1d', 'AvgPool2d', 'AdaptiveAvgPool1d',
      'AdaptiveAvgPool2d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'Linear', 'Bilinear', 'Dropout', 'Dropout2d', 'Flatten', 'Unflatten',
      'Embedding', 'ReLU', 'ReLU6', 'SELU', 'SiLU', 'Mish', 'Hardsigmoid', 'Hardswish', 'LeakyReLU', 'ELU', 'CELU', 'GELU', 'Hardtanh',
      'Softplus', 'Threshold', 'Softmax', 'LogSoftmax', 'Softmin', 'Sigmoid', 'Tanh', 'LogSigmoid', 'Softsign',
    ];
    assert.deepEqual(classes.filter((n) => !(n in CTORS)), []);
    for (const n of classes) assert.equal(typeof (nn as unknown as Record<string, unknown>)[n], 'function', n);
  });
  test("PyTorch's value checks stay", () => {
    assert.throws(() => new nn.Dropout(1.5), { name: 'RangeError', message: 'dropout probability has to be between 0 and 1, but got 1.5' });
    assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 0 }), { message: 'groups must be a positive integer' });
    assert.throws(() => new nn.ConvTranspose2d(4, 4, 3, { paddingMode: 'reflect' as 'zeros' }), { message: 'Only "zeros" padding mode is supported for ConvTranspose2d' });
    assert.throws(() => new nn.Embedding(5, 3, 5), { message: 'Padding_idx must be within num_embeddings' });
    assert.throws(() => new nn.GELU('fast' as 'tanh').forward(torch.ones([2])), { message: 'approximate argument must be either none or tanh.' });
    assert.throws(() => F.celu(torch.ones([2]), 0), { message: 'ZeroDivisionError: alpha cannot be 0 for CELU' });
    assert.throws(() => new nn.Hardtanh(1, -1), RangeError);
  });
  test('Identity takes and ignores any arguments, as PyTorch\'s', () => {
    const x = torch.ones([2]);
    assert.equal(new nn.Identity(54, { unusedArgument1: 0.1, unused_argument2: false }).forward(x), x);
  });
});

describe('(b) wrong arguments to nn.functional throw and change nothing', () => {
  const cases: [string, (x: Tensor) => unknown, string][] = [
    ['relu: unknown option', (x) => F.relu(x, { inplace: true, bogus: 1 } as never), "relu(): unexpected option 'bogus'; accepted options: input, inplace"],
    ['relu: inplace as a number', (x) => F.relu(x, 1 as never), "relu(): argument 'inplace' (position 2) must be a bool, not int"],
    ['relu: given twice', (x) => F.relu(x, { input: x }), "relu(): got multiple values for argument 'input'"],
    ['leakyRelu: snake_case', (x) => F.leakyRelu(x, { negative_slope: 0.3, inplace: true } as never), "leaky_relu(): unexpected option 'negative_slope' — did you mean 'negativeSlope'?"],
    ['hardtanh: snake_case', (x) => F.hardtanh(x, { min_val: 0, inplace: true } as never), "hardtanh(): unexpected option 'min_val' — did you mean 'minVal'?"],
    ['elu: too many positional', (x) => F.elu(x, 1, true, 2 as never), 'elu(): takes from 1 to 3 positional arguments but 4 were given'],
    ['threshold: missing value', (x) => F.threshold(x, 0.5, { inplace: true }), "threshold(): missing required argument 'value'"],
    ['dropout: p as a string', (x) => F.dropout(x, '0.5' as never, true, true), "dropout(): argument 'p' (position 2) must be a number, not str"],
    ['dropout: snake_case', (x) => F.dropout(x, { p: 0.5, in_place: true } as never), "dropout(): unexpected option 'in_place'; accepted options: input, p, training, inplace"],
    ['gelu: approximate is keyword-only', (x) => F.gelu(x, 'tanh' as never), 'gelu(): takes 1 positional argument but 2 were given'],
    ['softmax: dim as a list', (x) => F.softmax(x, [0] as never), "softmax(): argument 'dim' (position 2) must be an int or null, not list"],
    ['conv2d: snake_case', (x) => F.conv2d(x.view(1, 1, 2, 3), torch.ones([1, 1, 1, 1]), null, { output_padding: 1 } as never), "conv2d(): unexpected option 'output_padding'; accepted options: input, weight, bias, stride, padding, dilation, groups"],
    ['convTranspose2d: snake_case', (x) => F.convTranspose2d(x.view(1, 1, 2, 3), torch.ones([1, 1, 1, 1]), { output_padding: 1 } as never), "conv_transpose2d(): unexpected option 'output_padding' — did you mean 'outputPadding'?"],
    ['conv2d: stride given twice', (x) => F.conv2d(x.view(1, 1, 2, 3), torch.ones([1, 1, 1, 1]), null, 1, { stride: 1 }), "conv2d(): got multiple values for argument 'stride'"],
    ['maxPool2d: snake_case', (x) => F.maxPool2d(x.view(1, 2, 3), 1, { ceil_mode: true } as never), "max_pool2d(): unexpected option 'ceil_mode' — did you mean 'ceilMode'?"],
    ['maxPool2d: missing kernelSize', (x) => F.maxPool2d(x.view(1, 2, 3)), "max_pool2d(): missing required argument 'kernelSize'"],
    ['avgPool2d: count_include_pad', (x) => F.avgPool2d(x.view(1, 2, 3), 1, { count_include_pad: false } as never), "avg_pool2d(): unexpected option 'count_include_pad' — did you mean 'countIncludePad'?"],
    ['pad: pad as a number', (x) => F.pad(x, 1 as never), "pad(): argument 'pad' (position 2) must be a list of ints, not int"],
    ['linear: bias as a number', (x) => F.linear(x, torch.ones([2, 3]), 0 as never), "linear(): argument 'bias' (position 3) must be Tensor or null, not int"],
    ['embedding: padding_idx', (x) => F.embedding(torch.tensor([0]), x, { padding_idx: 0 } as never), "embedding(): unexpected option 'padding_idx' — did you mean 'paddingIdx'?"],
  ];
  for (const [name, call, message] of cases) {
    test(name, () => {
      const x = torch.tensor([[-1, 0.5, 2], [3, -4, 0.25]]);
      const before = x.tolist();
      assertRejects(() => call(x), message);
      assert.deepEqual(x.tolist(), before, 'the input was not written');
    });
  }
});

describe('typing: returnIndices picks the return type', () => {
  test('positional and by name, modules and functions', () => {
    const x = torch.arange(16, { dtype: 'float32' }).view(1, 1, 4, 4);
    const [v1, i1] = new nn.MaxPool2d(2, 2, 0, 1, true).forward(x);
    const [v2, i2] = new nn.MaxPool2d(2, { returnIndices: true }).forward(x);
    const [v3, i3] = F.maxPool2d(x, 2, null, 0, 1, false, true);
    const [v4, i4] = F.adaptiveMaxPool2d(x, 2, { returnIndices: true });
    for (const [v, i] of [[v1, i1], [v2, i2], [v3, i3], [v4, i4]]) {
      assert.deepEqual(v.flatten().tolist(), [5, 7, 13, 15]);
      assert.deepEqual(i.flatten().tolist(), [5, 7, 13, 15]);
    }
    const plain: Tensor = new nn.MaxPool2d(2).forward(x);
    assert.deepEqual(plain.shape, [1, 1, 2, 2]);
  });
});
