// The shared argument parser (src/tensor/args.ts): Python's positional + keyword
// convention, and the errors every public constructor and function gives for
// JavaScript-style mistakes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import {
  bool,
  checkOptions,
  checkTensor,
  deviceArg,
  dtype,
  int,
  intOrList,
  isPlainObject,
  nullable,
  oneOf,
  pyTypeName,
  record,
  signature,
  type ArgsOf,
} from '../../src/tensor/args.js';

const conv = signature('Conv2d', [
  ['inChannels', int],
  ['outChannels', int],
  ['kernelSize', intOrList],
  ['stride', intOrList, 1],
  ['padding', intOrList, 0],
  ['bias', bool, true],
  ['paddingMode', oneOf('zeros', 'reflect'), 'zeros'],
  '*',
  ['dtype', nullable(dtype), null],
  ['device', nullable(deviceArg), null],
] as const);
const make = (...args: ArgsOf<typeof conv>) => conv.parse(args);

describe('signature: positional and options', () => {
  test('positional in PyTorch order', () => {
    const a = make(1, 64, [5, 5], [1, 1], [2, 2]);
    assert.deepEqual(a, { inChannels: 1, outChannels: 64, kernelSize: [5, 5], stride: [1, 1], padding: [2, 2], bias: true, paddingMode: 'zeros', dtype: null, device: null });
  });
  test('positional then options, options only, and the defaults', () => {
    assert.deepEqual(make(1, 64, 5, { padding: 2 }), make({ inChannels: 1, outChannels: 64, kernelSize: 5, padding: 2 }));
    assert.equal(make(1, 2, 3, 2, { bias: false }).stride, 2);
    assert.equal(make(1, 2, 3, { bias: false }).bias, false);
    assert.equal(make(1, 2, 3).paddingMode, 'zeros');
  });
  test('undefined is "not given", as a JavaScript default parameter', () => {
    assert.equal(make(1, 2, 3, undefined, 4).padding, 4);
    assert.equal(make(1, 2, 3, undefined, 4).stride, 1);
    assert.equal(make(1, 2, 3, { stride: undefined }).stride, 1);
    assert.equal(make(1, 2, 3, 7, { stride: undefined }).stride, 7);
  });
  test('keyword-only parameters after *', () => {
    assert.equal(make(1, 2, 3, { dtype: 'float64' }).dtype, 'float64');
    assert.throws(() => conv.parse([1, 2, 3, 1, 0, true, 'zeros', 'float64']), {
      name: 'TypeError',
      message: 'Conv2d(): takes from 3 to 7 positional arguments but 8 were given',
    });
  });
  test("device: 'cpu' and torch.device('cpu') pass; 'cuda' says what to write", () => {
    assert.equal(make(1, 2, 3, { device: 'cpu' }).device, 'cpu');
    const d = torch.device('cpu');
    assert.equal(make(1, 2, 3, { device: d }).device, d);
    assert.throws(() => make(1, 2, 3, { device: 'cuda' }), /CPU only.*torch\.device\('cpu'\)/);
    assert.throws(() => make(1, 2, 3, { device: 'cuda:1' }), /CPU only/);
  });
});

describe('signature: errors name the problem', () => {
  const cases: [unknown[], RegExp | string][] = [
    [[1, 2, 3, { batch_size: 4 }], "Conv2d(): unexpected option 'batch_size'; accepted options: inChannels, outChannels, kernelSize, stride, padding, bias, paddingMode, dtype, device"],
    [[1, 2, 3, { padding_mode: 'zeros' }], "Conv2d(): unexpected option 'padding_mode' — did you mean 'paddingMode'?"],
    [[1, 2, 3, { in_channels: 1 }], "Conv2d(): unexpected option 'in_channels' — did you mean 'inChannels'?"],
    [[1, 2, 3, 2, { stride: 2 }], "Conv2d(): got multiple values for argument 'stride'"],
    [[1, 2], "Conv2d(): missing required argument 'kernelSize'"],
    [[{ inChannels: 1 }], "Conv2d(): missing required argument 'outChannels'"],
    [[1, 2, 'x'], "Conv2d(): argument 'kernelSize' (position 3) must be an int or a list of ints, not str"],
    [[1.5, 2, 3], "Conv2d(): argument 'inChannels' (position 1) must be an int, not float"],
    [[1, 2, 3, { bias: 0 }], "Conv2d(): option 'bias' must be a bool, not int"],
    [[1, 2, 3, { paddingMode: 'circle' }], "Conv2d(): option 'paddingMode' must be one of 'zeros', 'reflect', not str"],
    [[1, 2, 3, { dtype: 'float16' }], /option 'dtype' must be a dtype \(bool, .*\) or null, not str/],
    [[1, 2, [3, 'x']], "Conv2d(): argument 'kernelSize' (position 3) must be an int or a list of ints, not list"],
    [[1, 2, 3, null], "Conv2d(): argument 'stride' (position 4) must be an int or a list of ints, not None"],
  ];
  for (const [args, message] of cases) {
    test(JSON.stringify(args), () => {
      assert.throws(() => conv.parse(args), typeof message === 'string' ? { name: 'TypeError', message } : message);
    });
  }
  test('a mistyped option does not change the object passed in', () => {
    const opts = { padding: 2, batch_size: 1 };
    assert.throws(() => conv.parse([1, 2, 3, opts]));
    assert.deepEqual(opts, { padding: 2, batch_size: 1 });
  });
});

describe('record parameters and option-only calls', () => {
  const dict = signature('ModuleDict', [['modules', nullable(record), null]] as const);
  test('a plain object where the parameter takes one is the argument, not the options', () => {
    assert.deepEqual(dict.parse([{ a: 1 }]).modules, { a: 1 });
    assert.deepEqual(dict.parse([{ a: 1 }, {}]).modules, { a: 1 });
    assert.deepEqual(dict.parse([{ modules: { b: 2 } }]).modules, { modules: { b: 2 } });
  });
  test('checkOptions checks an options-only bag', () => {
    const keepdim = signature('sum', [['keepdim', bool, false]] as const);
    assert.equal(checkOptions(keepdim, undefined).keepdim, false);
    assert.equal(checkOptions(keepdim, { keepdim: true }).keepdim, true);
    assert.throws(() => checkOptions(keepdim, { keep_dim: true }), /unexpected option 'keep_dim'/);
    assert.throws(() => checkOptions(keepdim, 3), { message: 'sum(): options must be an object, not int' });
  });
});

describe('helpers', () => {
  test('pyTypeName uses Python names', () => {
    assert.deepEqual(
      [1, 1.5, 'a', true, null, undefined, [1], {}, torch.zeros(1), () => 1, new Map()].map(pyTypeName),
      ['int', 'float', 'str', 'bool', 'None', 'undefined', 'list', 'object', 'Tensor', 'function', 'Map'],
    );
  });
  test('isPlainObject: literals only', () => {
    assert.equal(isPlainObject({}), true);
    assert.equal(isPlainObject(Object.create(null)), true);
    assert.equal(isPlainObject([]), false);
    assert.equal(isPlainObject(torch.zeros(1)), false);
    assert.equal(isPlainObject(new (class {})()), false);
  });
  test("checkTensor gives PyTorch's message", () => {
    assert.throws(() => checkTensor('linear', 'input', 1, 5), { name: 'TypeError', message: "linear(): argument 'input' (position 1) must be Tensor, not int" });
    assert.doesNotThrow(() => checkTensor('linear', 'input', 1, torch.zeros(1)));
  });
});
