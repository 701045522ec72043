// PyTorch's calling convention for normalization layers, RNNs, losses, nn.init and gradient
// clipping (issue 10): every call of scripts/fixtures/nn_args_misc.py made positionally in
// PyTorch's order, as an options object and mixed, gives PyTorch's repr, weights and
// values; JavaScript-style wrong arguments throw a TypeError naming the problem and change
// nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { runModuleCase, type ModuleCase } from '../helpers/modules.js';

const F = nn.functional;

type Value = unknown;
interface Call {
  fn: string;
  params: string[];
  args: Value[];
  kwargs: Record<string, Value>;
}
interface ModuleCall extends Call, ModuleCase {}
interface LossCase extends Call {
  name: string;
  repr: string;
  reduction: string;
  state_keys: string[];
  input: TensorJson;
  target: TensorJson;
  output: TensorJson;
  input_grad: TensorJson;
  functional: Call;
  functional_output: TensorJson;
}
interface NormCase extends Call {
  name: string;
  output: TensorJson;
  after: Record<string, TensorJson>;
}
interface InitCase extends Call {
  shape: number[];
  seed: number;
  output: TensorJson;
}
interface GainCase extends Call {
  value: number;
}
interface ClipCase extends Call {
  grads: TensorJson[];
  after: TensorJson[];
  output?: TensorJson;
}
interface Fixture {
  modules: ModuleCall[];
  losses: LossCase[];
  functional_norm: NormCase[];
  init: InitCase[];
  gains: GainCase[];
  clip: ClipCase[];
  tensor_errors: Record<string, string>;
}

const fx = loadFixture<Fixture>('nn_args_misc.json');

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A fixture argument as the TypeScript call takes it (fresh tensors each time). */
function decode(v: Value): Value {
  if (v === 'inf') return Infinity;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as { tensor?: TensorJson; dtype?: string };
    if (o.tensor) return fromJson(o.tensor);
    if (o.dtype) return o.dtype;
  }
  return v;
}

type Form = 'positional' | 'options' | 'mixed';
const FORMS: Form[] = ['positional', 'options', 'mixed'];

/**
 * The call's arguments in one form: positional as Python wrote them; every parameter by
 * its camelCase name; or the first half positional and the rest by name. `lead` are
 * arguments that stay positional in every form (e.g. the tensor a loss is computed on).
 */
function argsFor(c: Call, form: Form, lead: Value[] = [], skip = 0): Value[] {
  const args = c.args.map(decode);
  const k = form === 'positional' ? args.length : form === 'options' ? 0 : Math.floor(args.length / 2);
  const named: Record<string, Value> = {};
  for (let i = k; i < args.length; i++) named[camel(c.params[skip + i])] = args[i];
  for (const [key, v] of Object.entries(c.kwargs)) named[camel(key)] = decode(v);
  return Object.keys(named).length > 0 ? [...lead, ...args.slice(0, k), named] : [...lead, ...args.slice(0, k)];
}

type AnyFn = (...args: Value[]) => unknown;
type AnyClass = new (...args: Value[]) => nn.Module;
const cls = (name: string): AnyClass => (nn as unknown as Record<string, AnyClass>)[name];
const fn = (ns: object, name: string): AnyFn => {
  const f = (ns as Record<string, AnyFn>)[name];
  assert.equal(typeof f, 'function', `${name} exists`);
  return f;
};

describe('modules called as in PyTorch (nn_args_misc.json)', () => {
  for (const c of fx.modules) {
    for (const form of FORMS) {
      test(`${c.name}: ${form}`, () => {
        runModuleCase(c, { build: () => new (cls(c.fn))(...argsFor(c, form)) });
      });
    }
  }

  test('new nn.LSTM(ninp, nhid, nlayers) builds nlayers layers', () => {
    const lstm = new nn.LSTM(3, 4, 2);
    assert.equal(lstm.numLayers, 2);
    assert.ok('weight_ih_l1' in lstm.stateDict());
    const gru = new nn.GRU(3, 4, 3, false, true, 0.25, true);
    assert.deepEqual([gru.numLayers, gru.bias, gru.batchFirst, gru.dropout, gru.bidirectional], [3, false, true, 0.25, true]);
  });
});

describe('losses called as in PyTorch', () => {
  for (const c of fx.losses) {
    for (const form of FORMS) {
      test(`${c.name}: ${form}`, () => {
        const criterion = new (cls(c.fn))(...argsFor(c, form)) as nn.Loss<string>;
        assert.equal(String(criterion), c.repr, 'repr');
        assert.equal(criterion.reduction, c.reduction, 'reduction');
        assert.deepEqual(Object.keys(criterion.stateDict()), c.state_keys, 'state_dict keys');
        const x = fromJson(c.input, { requiresGrad: true });
        const out = criterion.forward(x, fromJson(c.target));
        assertTensor(out, c.output, {}, 'module');
        out.sum().backward();
        assertTensor(x.grad as Tensor, c.input_grad, {}, 'input grad');
        // F.crossEntropy(input, target, weight, sizeAverage, ignoreIndex, reduce, reduction, labelSmoothing), …
        const f = fn(F, camel(c.functional.fn.replace('binary_cross_entropy', 'binaryCrossEntropy')));
        assertTensor(f(...argsFor(c.functional, form)) as Tensor, c.functional_output, {}, 'functional');
      });
    }
  }
});

describe('F.batchNorm, F.layerNorm, F.groupNorm called as in PyTorch', () => {
  for (const c of fx.functional_norm) {
    for (const form of FORMS) {
      test(`${c.name}: ${form}`, () => {
        const args = argsFor(c, form);
        assertTensor(fn(F, camel(c.fn))(...args) as Tensor, c.output);
        // The running statistics are updated in place (they are the call's arguments).
        const flat = args.flatMap((a) => (a !== null && typeof a === 'object' && !(a instanceof torch.Tensor) && !Array.isArray(a) ? Object.values(a) : [a]));
        const byName: Record<string, Value> = {};
        const named = args[args.length - 1];
        if (named !== null && typeof named === 'object' && !(named instanceof torch.Tensor) && !Array.isArray(named)) Object.assign(byName, named);
        for (const [i, want] of Object.entries(c.after)) {
          const pos = Number(i);
          const got = pos < args.length && (args[pos] instanceof torch.Tensor) ? args[pos] : byName[camel(c.params[pos])];
          assert.ok(got instanceof torch.Tensor, `argument ${i} (${flat.length} given)`);
          assertTensor(got, want, {}, `${c.params[pos]} after`);
        }
      });
    }
  }
});

describe('nn.init called as in PyTorch', () => {
  for (const c of fx.init) {
    for (const form of FORMS) {
      test(`${c.fn}${JSON.stringify(c.args)}: ${form}`, () => {
        torch.manualSeed(c.seed);
        const t = torch.empty(c.shape);
        // The tensor is positional except in the options form, where it is { tensor }.
        const args = form === 'options' ? argsFor({ ...c, args: [{ tensor: null }, ...c.args] }, form) : argsFor(c, form, [t], 1);
        if (form === 'options') (args[0] as Record<string, Value>).tensor = t;
        const out = fn(nn.init, camel(c.fn))(...args) as Tensor;
        assert.equal(out, t, 'returns the tensor filled in place');
        assertTensor(t, c.output, c.fn === 'trunc_normal_' ? { rtol: 1e-6, atol: 1e-7 } : { rtol: 0, atol: 0 });
      });
    }
  }

  test('calculateGain(nonlinearity, param)', () => {
    for (const c of fx.gains) {
      for (const form of FORMS) {
        const got = nn.init.calculateGain(...(argsFor(c, form) as Parameters<typeof nn.init.calculateGain>));
        assert.ok(Math.abs(got - c.value) < 1e-15, `${JSON.stringify(c.args)} ${form}: ${got} vs ${c.value}`);
      }
    }
  });

  test('a generator by name draws from that generator', () => {
    const g = new torch.Generator().manualSeed(3);
    const a = nn.init.uniform_(torch.empty(5), -1, 1, { generator: g });
    torch.manualSeed(3);
    const b = nn.init.uniform_(torch.empty(5), -1, 1);
    assert.deepEqual(a.tolist(), b.tolist());
  });
});

describe('nn.utils.clipGradNorm_ / clipGradValue_ called as in PyTorch', () => {
  for (const c of fx.clip) {
    for (const form of FORMS) {
      test(`${c.fn}${JSON.stringify(c.args)}: ${form}`, () => {
        const ps = c.grads.map((g) => {
          const p = torch.zeros(g.shape).requiresGrad_();
          p.grad = fromJson(g);
          return p;
        });
        const args = form === 'options' ? [{ parameters: ps, ...(argsFor(c, form, [], 1)[0] as object) }] : argsFor(c, form, [ps], 1);
        const out = fn(nn.utils, camel(c.fn))(...args);
        if (c.output) assertTensor(out as Tensor, c.output, {}, 'total norm');
        else assert.equal(out, undefined);
        ps.forEach((p, i) => assertTensor(p.grad as Tensor, c.after[i], {}, `grad ${i}`));
      });
    }
  }

  test("normType 'inf' as Python's float('inf')", () => {
    const p = torch.zeros(3).requiresGrad_();
    p.grad = torch.tensor([0.5, -2, 1]);
    assert.equal(nn.utils.clipGradNorm_([p], 1, 'inf').item(), 2);
  });
});

// --- deprecated size_average / reduce: PyTorch's mapping, with its warning once ---

describe('broadcasting regression losses', () => {
  test("l1 / mse / smooth_l1 / huber warn when target and input sizes differ, as PyTorch", async () => {
    const seen: string[] = [];
    const listener = (w: Error) => seen.push(w.message);
    process.on('warning', listener);
    torch.setWarnAlways(true);
    try {
      const [x, y] = [torch.ones(3, 1), torch.zeros(3)];
      for (const loss of [F.l1Loss, F.mseLoss, F.smoothL1Loss, F.huberLoss]) assert.deepEqual(loss(x, y).shape, []);
      F.mseLoss(y, y); // same sizes: no warning
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      torch.setWarnAlways(false);
      process.off('warning', listener);
    }
    const msg = 'Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1])). ' +
      'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.';
    assert.deepEqual(seen.filter((m) => m.includes('target size')), [msg, msg, msg, msg]);
  });
});

describe('size_average and reduce', () => {
  test("map to a reduction as PyTorch's legacy_get_string, warning once", async () => {
    const seen: string[] = [];
    const listener = (w: Error) => seen.push(w.message);
    process.on('warning', listener);
    try {
      assert.equal(new nn.MSELoss(true, true).reduction, 'mean');
      assert.equal(new nn.L1Loss({ sizeAverage: true }).reduction, 'mean');
      const x = torch.tensor([1, 2], { dtype: 'float32' });
      assert.equal(F.mseLoss(x, torch.zerosLike(x), { reduce: true }).item(), 2.5);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    // Earlier tests' legacy calls warned about 'sum' and 'none'; 'mean' is warned about once.
    assert.deepEqual(
      seen.filter((m) => m.includes("'mean'")),
      ["size_average and reduce args will be deprecated, please use reduction='mean' instead."],
    );
    assert.equal(new nn.CrossEntropyLoss({ reduce: false }).reduction, 'none');
    assert.equal(new nn.BCELoss(null, false, true).reduction, 'sum');
    assert.equal(new nn.KLDivLoss({ sizeAverage: false, reduction: 'batchmean' }).reduction, 'sum');
    // Neither given: reduction as passed.
    assert.equal(new nn.NLLLoss(null, null, -100, null, 'none').reduction, 'none');
  });
});

// --- wrong arguments: TypeErrors naming the problem, nothing changed ---

interface Wrong {
  name: string;
  call: AnyFn;
  /** The required parameters: names and valid values (given positionally). */
  required: [string, Value][];
  /** Without required parameters: the first parameter and a valid value (for the duplicate test). */
  first?: [string, Value];
  /** A Python-style key and what the error suggests (null: no parameter of that name). */
  snake: [string, Value, string | null];
  bad: [string, Value, string];
}

const t3 = () => torch.randn(4, 3);
const idx = () => torch.tensor([0, 2, 1, 2]);
const nnCls = (name: string): AnyFn => (...a) => new (cls(name))(...a);
const tensorParam = (): [string, Value][] => [['tensor', torch.zeros(3, 4)]];

const WRONG: Wrong[] = [
  ...['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d'].map((name): Wrong => ({
    name, call: nnCls(name), required: [['numFeatures', 3]], snake: ['track_running_stats', false, 'trackRunningStats'], bad: ['momentum', 'fast', 'a number or null'],
  })),
  { name: 'LayerNorm', call: nnCls('LayerNorm'), required: [['normalizedShape', 4]], snake: ['elementwise_affine', false, 'elementwiseAffine'], bad: ['normalizedShape', 'x', 'an int or a list of ints'] },
  { name: 'GroupNorm', call: nnCls('GroupNorm'), required: [['numGroups', 2], ['numChannels', 4]], snake: ['num_channels', 4, 'numChannels'], bad: ['affine', 1, 'a bool'] },
  ...['RNN', 'LSTM', 'GRU'].map((name): Wrong => ({
    name, call: nnCls(name), required: [['inputSize', 3], ['hiddenSize', 4]], snake: ['num_layers', 2, 'numLayers'], bad: ['numLayers', 2.5, 'an int'],
  })),
  { name: 'LSTM', call: nnCls('LSTM'), required: [['inputSize', 3], ['hiddenSize', 4]], snake: ['proj_size', 2, 'projSize'], bad: ['device', 7, "a device ('cpu' or torch.device('cpu')) or null"] },
  ...['RNNCell', 'LSTMCell', 'GRUCell'].map((name): Wrong => ({
    name, call: nnCls(name), required: [['inputSize', 3], ['hiddenSize', 4]], snake: ['hidden_size', 4, 'hiddenSize'], bad: ['bias', 'yes', 'a bool'],
  })),
  ...['L1Loss', 'MSELoss', 'SmoothL1Loss', 'KLDivLoss'].map((name): Wrong => ({
    name, call: nnCls(name), required: [], first: ['sizeAverage', null], snake: ['size_average', true, 'sizeAverage'], bad: ['reduce', 'no', 'a bool or null'],
  })),
  { name: 'HuberLoss', call: nnCls('HuberLoss'), required: [], first: ['reduction', 'sum'], snake: ['delta_', 1, null], bad: ['delta', '1', 'a number'] },
  ...['NLLLoss', 'CrossEntropyLoss', 'BCELoss', 'BCEWithLogitsLoss'].map((name): Wrong => ({
    name, call: nnCls(name), required: [], first: ['weight', null], snake: ['size_average', true, 'sizeAverage'], bad: ['weight', [1, 2], 'Tensor or null'],
  })),
  { name: 'CrossEntropyLoss', call: nnCls('CrossEntropyLoss'), required: [], first: ['weight', null], snake: ['label_smoothing', 0.1, 'labelSmoothing'], bad: ['ignoreIndex', '-100', 'an int'] },
  { name: 'BCEWithLogitsLoss', call: nnCls('BCEWithLogitsLoss'), required: [], first: ['weight', null], snake: ['pos_weight', null, 'posWeight'], bad: ['posWeight', 2, 'Tensor or null'] },
  { name: 'huberLoss', call: fn(F, 'huberLoss'), required: [['input', t3()], ['target', t3()]], snake: ['size_average', true, null], bad: ['delta', '1', 'a number'] },
  ...['l1Loss', 'mseLoss', 'smoothL1Loss', 'klDiv'].map((name): Wrong => ({
    name, call: fn(F, name), required: [['input', t3()], ['target', t3()]], snake: ['size_average', true, 'sizeAverage'], bad: ['target', 1, 'Tensor'],
  })),
  ...['nllLoss', 'crossEntropy'].map((name): Wrong => ({
    name, call: fn(F, name), required: [['input', t3()], ['target', idx()]], snake: ['ignore_index', 1, 'ignoreIndex'], bad: ['weight', 'w', 'Tensor or null'],
  })),
  ...['binaryCrossEntropy', 'binaryCrossEntropyWithLogits'].map((name): Wrong => ({
    name, call: fn(F, name), required: [['input', t3().sigmoid()], ['target', t3().sigmoid()]], snake: ['size_average', true, 'sizeAverage'], bad: ['input', 0.5, 'Tensor'],
  })),
  {
    name: 'batchNorm', call: fn(F, 'batchNorm'), required: [['input', t3()], ['runningMean', null], ['runningVar', null]], snake: ['running_var', null, 'runningVar'], bad: ['training', 1, 'a bool'],
  },
  { name: 'layerNorm', call: fn(F, 'layerNorm'), required: [['input', t3()], ['normalizedShape', [3]]], snake: ['normalized_shape', [3], 'normalizedShape'], bad: ['eps', '1e-5', 'a number'] },
  { name: 'groupNorm', call: fn(F, 'groupNorm'), required: [['input', torch.randn(2, 4)], ['numGroups', 2]], snake: ['num_groups', 2, 'numGroups'], bad: ['numGroups', 2.5, 'an int'] },
  ...['uniform_', 'normal_', 'xavierUniform_', 'xavierNormal_', 'kaimingUniform_', 'kaimingNormal_', 'truncNormal_', 'zeros_', 'ones_'].map((name): Wrong => ({
    name, call: fn(nn.init, name), required: tensorParam(), snake: ['the_tensor', 1, null], bad: ['tensor', [1, 2], 'Tensor'],
  })),
  { name: 'kaimingNormal_', call: fn(nn.init, 'kaimingNormal_'), required: tensorParam(), snake: ['non_linearity', 'relu', null], bad: ['a', '0', 'a number'] },
  { name: 'uniform_', call: fn(nn.init, 'uniform_'), required: tensorParam(), snake: ['gen_erator', null, null], bad: ['generator', 3, 'torch.Generator or null'] },
  { name: 'constant_', call: fn(nn.init, 'constant_'), required: [['tensor', torch.zeros(3)], ['val', 1]], snake: ['the_val', 1, null], bad: ['val', '1', 'a number'] },
  { name: 'calculateGain', call: fn(nn.init, 'calculateGain'), required: [['nonlinearity', 'relu']], snake: ['non_linearity', 'relu', null], bad: ['param', '0.1', 'a number or null'] },
  { name: 'calculateFanInAndFanOut', call: fn(nn.init, 'calculateFanInAndFanOut'), required: tensorParam(), snake: ['the_tensor', 1, null], bad: ['tensor', 1, 'Tensor'] },
  { name: 'clipGradNorm_', call: fn(nn.utils, 'clipGradNorm_'), required: [['parameters', []], ['maxNorm', 1]], snake: ['max_norm', 1, 'maxNorm'], bad: ['maxNorm', '1', 'a number'] },
  {
    name: 'clipGradNorm_', call: fn(nn.utils, 'clipGradNorm_'), required: [['parameters', []], ['maxNorm', 1]], snake: ['error_if_nonfinite', true, 'errorIfNonfinite'], bad: ['normType', '2', "a number or one of 'inf'"],
  },
  {
    name: 'clipGradValue_', call: fn(nn.utils, 'clipGradValue_'), required: [['parameters', []], ['clipValue', 0.1]], snake: ['clip_value', 0.1, 'clipValue'], bad: ['parameters', 5, 'Tensor or an iterable of Tensors'],
  },
];

function throwsType(f: () => unknown, pattern: RegExp | string, label: string): void {
  assert.throws(f, (err: Error) => {
    assert.ok(err instanceof TypeError, `${label}: ${err.name}: ${err.message}`);
    if (typeof pattern === 'string') assert.equal(err.message, pattern, label);
    else assert.match(err.message, pattern, label);
    return true;
  });
}

function pyType(v: Value): string {
  if (v === null) return 'None';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

describe('wrong arguments throw TypeErrors that name the problem', () => {
  for (const w of WRONG) {
    test(`${w.name} (${w.snake[0]}, ${w.bad[0]})`, () => {
      const names = w.required.map(([n]) => n);
      const values = w.required.map(([, v]) => v);
      throwsType(() => w.call(...values, { bogus: 1 }), new RegExp(`^${w.name}\\(\\): unexpected option 'bogus'; accepted options: ${names.join(', ')}`), 'unknown key');
      const [snake, snakeValue, suggestion] = w.snake;
      throwsType(
        () => w.call(...values, { [snake]: snakeValue }),
        suggestion !== null ? `${w.name}(): unexpected option '${snake}' — did you mean '${suggestion}'?` : new RegExp(`^${w.name}\\(\\): unexpected option '${snake}'; accepted options: `),
        'snake_case key',
      );
      // The wrong type by name; the required parameters before it positionally.
      const [key, value, expected] = w.bad;
      const at = names.indexOf(key);
      throwsType(() => w.call(...values.slice(0, at < 0 ? values.length : at), { [key]: value }), `${w.name}(): option '${key}' must be ${expected}, not ${pyType(value)}`, 'wrong type');
      if (w.required.length > 0) {
        throwsType(() => w.call(), `${w.name}(): missing required argument '${names[0]}'`, 'missing required');
        throwsType(() => w.call(...values.slice(0, -1)), `${w.name}(): missing required argument '${names[names.length - 1]}'`, 'missing last required');
        throwsType(() => w.call(true, ...values.slice(1)), new RegExp(`^${w.name}\\(\\): argument '${names[0]}' \\(position 1\\) must be .*, not bool$`), 'wrong type positional');
        throwsType(() => w.call(...values, { [names[0]]: values[0] }), `${w.name}(): got multiple values for argument '${names[0]}'`, 'duplicate');
      } else {
        const [first, firstValue] = w.first as [string, Value];
        throwsType(() => w.call(firstValue, { [first]: firstValue }), `${w.name}(): got multiple values for argument '${first}'`, 'duplicate');
      }
    });
  }
});

describe('wrong arguments change nothing', () => {
  test('nn.init and clipGradNorm_ leave the tensors as they were', () => {
    const t = torch.zeros(3, 4);
    assert.throws(() => nn.init.uniform_(t, -1, 1, { generater: null } as never), TypeError);
    assert.throws(() => nn.init.kaimingUniform_(t, { a: Math.sqrt(5), mode: 'fan_in', non_linearity: 'relu' } as never), /unexpected option 'non_linearity'/);
    assert.throws(() => nn.init.normal_(t, '0' as never), TypeError);
    assert.deepEqual(t.flatten().tolist(), new Array(12).fill(0));
    const p = torch.zeros(3).requiresGrad_();
    p.grad = torch.tensor([3, 4, 0], { dtype: 'float32' });
    assert.throws(() => nn.utils.clipGradNorm_([p], 1, { max_norm: 1 } as never), /got multiple values|did you mean 'maxNorm'/);
    assert.throws(() => nn.utils.clipGradNorm_([p], 1, 2, { errorIfNonfinite: 'yes' } as never), TypeError);
    assert.throws(() => nn.utils.clipGradValue_([p, 'w'] as never, 1), /'parameters' must hold Tensors/);
    assert.deepEqual(p.grad.tolist(), [3, 4, 0]);
  });

  test('F.batchNorm with a wrong argument leaves the running statistics alone', () => {
    const rm = torch.zeros(3);
    const rv = torch.ones(3);
    assert.throws(() => F.batchNorm(t3(), rm, rv, null, null, true, { momentum: '0.1' } as never), /option 'momentum' must be a number/);
    assert.throws(() => F.batchNorm(t3(), rm, rv, { training: true, running_mean: rm } as never), /did you mean 'runningMean'/);
    assert.deepEqual([rm.tolist(), rv.tolist()], [[0, 0, 0], [1, 1, 1]]);
  });

  test('a module called with a non-Tensor throws before touching its state', () => {
    const bn = new nn.BatchNorm1d(3);
    throwsType(() => bn.forward(5 as never), "BatchNorm1d.forward(): argument 'input' (position 1) must be Tensor, not int", 'BatchNorm1d');
    assert.equal(bn.num_batches_tracked?.item(), 0);
    throwsType(() => new nn.LayerNorm(3).forward('x' as never), "LayerNorm.forward(): argument 'input' (position 1) must be Tensor, not str", 'LayerNorm');
    throwsType(() => new nn.GroupNorm(1, 3).forward([1] as never), "GroupNorm.forward(): argument 'input' (position 1) must be Tensor, not list", 'GroupNorm');
    throwsType(() => new nn.LSTM(3, 4).forward(torch.randn(2, 1, 3), torch.zeros(1, 1, 4) as never), /^LSTM\.forward\(\): argument 'hx' \(position 2\) must be a pair \[h_0, c_0\] of Tensors, not Tensor$/, 'LSTM hx');
    throwsType(() => new nn.GRU(3, 4).forward([[1, 2, 3]] as never), "GRU.forward(): argument 'input' (position 1) must be Tensor, not list", 'GRU');
    throwsType(() => new nn.GRUCell(3, 4).forward(torch.randn(2, 3), 0 as never), "GRUCell.forward(): argument 'hx' (position 2) must be Tensor, not int", 'GRUCell hx');
    throwsType(() => new nn.LSTMCell(3, 4).forward(null as never), "LSTMCell.forward(): argument 'input' (position 1) must be Tensor, not None", 'LSTMCell');
  });

  test("non-Tensor inputs give PyTorch's message", () => {
    const e = fx.tensor_errors;
    const t = torch.tensor([0, 1]);
    const x = torch.randn(2, 3);
    const calls: Record<string, () => unknown> = {
      'CrossEntropyLoss.forward': () => new nn.CrossEntropyLoss().forward(5 as never, t),
      crossEntropy: () => F.crossEntropy(5 as never, t),
      'crossEntropy/target': () => F.crossEntropy(x, [0, 1] as never),
      nllLoss: () => F.nllLoss(5 as never, t),
      klDiv: () => F.klDiv(5 as never, x),
      batchNorm: () => F.batchNorm(5 as never, null, null),
      layerNorm: () => F.layerNorm(5 as never, [3]),
    };
    assert.deepEqual(Object.keys(calls).sort(), Object.keys(e).sort());
    for (const [name, call] of Object.entries(calls)) throwsType(call, `${name.split('/')[0]}(): ${e[name]}`, name);
    throwsType(() => new nn.MSELoss().forward(x, 'a' as never), "MSELoss.forward(): argument 'target' (position 2) must be Tensor, not str", 'MSELoss target');
  });
});

describe("PyTorch's value errors stay", () => {
  test('ranges and choices', () => {
    assert.throws(() => new nn.GroupNorm(3, 4), { name: 'RangeError', message: 'num_channels must be divisible by num_groups' });
    assert.throws(() => new nn.LSTM(3, 4, { projSize: 4 }), { message: 'proj_size has to be smaller than hidden_size' });
    assert.throws(() => new nn.GRU(3, 4, { projSize: 2 }), { message: 'proj_size argument is only supported for LSTM, not RNN or GRU' });
    assert.throws(() => new nn.RNN(3, 4, { nonlinearity: 'gelu' as never }), { message: "Unknown nonlinearity 'gelu'" });
    assert.throws(() => nn.init.kaimingUniform_(torch.empty(3, 4), 0, 'fan_avg' as never), { message: "Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']" });
    assert.throws(() => nn.init.calculateGain('gelu' as never), { message: 'Unsupported nonlinearity gelu' });
    assert.throws(() => new nn.MSELoss('avg' as never), TypeError);
    assert.throws(() => new nn.MSELoss(null, null, 'avg' as never).forward(x1(), x1()), { message: 'avg is not a valid value for reduction' });
    // RNN's nonlinearity is keyword-only, as in PyTorch.
    throwsType(() => new (cls('RNN'))(3, 4, 1, true, false, 0, false, 0, null, null, 'relu'), 'RNN(): takes from 2 to 10 positional arguments but 11 were given', 'RNN positional nonlinearity');
  });
});

function x1(): Tensor {
  return torch.ones(2);
}
