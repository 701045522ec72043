// The padding layers against PyTorch (scripts/fixtures/nn_padding.py): repr, outputs,
// input gradients, error messages; argument errors; gradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const one = (build: () => nn.Module): ModuleSpec => ({ build });

const SPECS: Record<string, ModuleSpec> = {
  ConstantPad1d: one(() => new nn.ConstantPad1d(2, 3.5)),
  'ConstantPad1d/tuple': one(() => new nn.ConstantPad1d([3, -1], -1.25)),
  ConstantPad2d: one(() => new nn.ConstantPad2d([1, 0, 2, 1], { value: 0.5 })),
  'ConstantPad2d/int': one(() => new nn.ConstantPad2d(1, 2)),
  ConstantPad3d: one(() => new nn.ConstantPad3d({ padding: [1, 0, 2, 1, 0, 1], value: -2.5 })),
  'ConstantPad3d/int': one(() => new nn.ConstantPad3d(1, 1.5)),
  ZeroPad2d: one(() => new nn.ZeroPad2d(2)),
  'ZeroPad2d/tuple': one(() => new nn.ZeroPad2d([1, 1, 2, 0])),
  'ZeroPad2d/crop': one(() => new nn.ZeroPad2d({ padding: [-1, 1, 0, -2] })),
  ReflectionPad1d: one(() => new nn.ReflectionPad1d(2)),
  'ReflectionPad1d/tuple': one(() => new nn.ReflectionPad1d([3, 1])),
  ReflectionPad2d: one(() => new nn.ReflectionPad2d(1)),
  'ReflectionPad2d/tuple': one(() => new nn.ReflectionPad2d([1, 1, 2, 0])),
  'ReflectionPad2d/float64': one(() => new nn.ReflectionPad2d([2, 0, 1, 3])),
  ReflectionPad3d: one(() => new nn.ReflectionPad3d(1)),
  'ReflectionPad3d/tuple': one(() => new nn.ReflectionPad3d([2, 1, 0, 1, 1, 2])),
  ReplicationPad1d: one(() => new nn.ReplicationPad1d([3, 1])),
  'ReplicationPad1d/int': one(() => new nn.ReplicationPad1d(2)),
  ReplicationPad2d: one(() => new nn.ReplicationPad2d([1, 2, 3, 0])),
  'ReplicationPad2d/int': one(() => new nn.ReplicationPad2d(2)),
  ReplicationPad3d: one(() => new nn.ReplicationPad3d(1)),
  'ReplicationPad3d/tuple': one(() => new nn.ReplicationPad3d([1, 2, 0, 1, 2, 0])),
};

moduleSuite('nn_padding.json', SPECS);

describe('error messages', () => {
  const { errors } = loadFixture<{ errors: Record<string, string> }>('nn_padding.json');
  const r = (...shape: number[]) => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    ReflectionPad2d_too_big: () => new nn.ReflectionPad2d(3).forward(r(1, 1, 3, 3)),
    ReflectionPad1d_dims: () => new nn.ReflectionPad1d(1).forward(r(1, 1, 3, 3)),
    ReplicationPad3d_dims: () => new nn.ReplicationPad3d(1).forward(r(3, 3, 3)),
    ConstantPad2d_too_long: () => new nn.ConstantPad2d(1, 0).forward(r(3)),
    ReflectionPad2d_tuple_length: () => new nn.ReflectionPad2d([1, 1, 1]).forward(r(1, 1, 3, 3)),
    ReflectionPad3d_too_big: () => new nn.ReflectionPad3d(2).forward(r(1, 2, 2, 3, 3)),
  };
  for (const [name, message] of Object.entries(errors)) {
    test(name, () => {
      assert.ok(calls[name], `no TypeScript twin for ${name}`);
      assert.throws(calls[name], (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});

test('constructor argument errors', () => {
  const bad = (f: () => unknown, message: string) => assert.throws(f, { name: 'TypeError', message });
  bad(() => new nn.ReflectionPad2d(), "ReflectionPad2d(): missing required argument 'padding'");
  bad(() => new nn.ConstantPad1d(2), "ConstantPad1d(): missing required argument 'value'");
  // @ts-expect-error wrong type
  bad(() => new nn.ZeroPad2d('1'), "ZeroPad2d(): argument 'padding' (position 1) must be an int or a list of ints, not str");
  // @ts-expect-error snake_case key
  bad(() => new nn.ConstantPad2d(1, { pad_value: 1 }), "ConstantPad2d(): unexpected option 'pad_value'; accepted options: padding, value");
  // @ts-expect-error unknown key
  bad(() => new nn.ReplicationPad3d({ padding: 1, mode: 'x' }), "ReplicationPad3d(): unexpected option 'mode'; accepted options: padding");
});

describe('gradcheck (float64)', () => {
  const f64 = { dtype: 'float64' as const };
  const leaf = (...shape: number[]) => torch.rand(shape, f64).mul(2).sub(1).requiresGrad_();
  const cases: [string, () => nn.Module, number[]][] = [
    ['ReflectionPad1d', () => new nn.ReflectionPad1d([2, 1]), [2, 2, 4]],
    ['ReflectionPad3d', () => new nn.ReflectionPad3d([1, 2, 0, 1, 1, 1]), [1, 1, 2, 3, 3]],
    ['ReplicationPad2d', () => new nn.ReplicationPad2d([2, 0, 1, 1]), [1, 2, 3, 2]],
    ['ConstantPad3d', () => new nn.ConstantPad3d([1, 0, 0, 1, -1, 1], 0.5), [1, 2, 3, 2]],
  ];
  for (const [name, build, shape] of cases) {
    test(name, () => {
      torch.manualSeed(5);
      const m = build();
      assert.ok(torch.autograd.gradcheck((x: Tensor) => m.forward(x) as Tensor, [leaf(...shape)]));
    });
  }
});
