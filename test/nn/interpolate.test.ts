// F.interpolate, its deprecated twins and the Upsample modules against PyTorch
// (scripts/fixtures/nn_resample.py): outputs and input gradients for every mode, node
// names, error messages, warnings; argument errors; gradcheck / gradgradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { setWarnAlways } from '../../src/tensor/warnings.js';
import { loadFixture } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;

class Fn extends nn.Module {
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

interface Opts {
  size?: number | number[];
  scaleFactor?: number | number[];
  mode?: nn.functional.InterpolateMode;
  alignCorners?: boolean;
  recomputeScaleFactor?: boolean;
  antialias?: boolean;
}
const one = (build: () => nn.Module): ModuleSpec => ({ build });
const fi = (opts: Opts): ModuleSpec => one(() => new Fn((x) => F.interpolate(x, opts)));

const SPECS: Record<string, ModuleSpec> = {};
for (const mode of ['nearest', 'nearest-exact'] as const) {
  Object.assign(SPECS, {
    [`${mode}/1d_scale2`]: fi({ scaleFactor: 2, mode }),
    [`${mode}/1d_size`]: fi({ size: 11, mode }),
    [`${mode}/1d_down`]: fi({ scaleFactor: 0.45, mode }),
    [`${mode}/2d_scale`]: fi({ scaleFactor: [1.7, 2.6], mode }),
    [`${mode}/2d_size`]: fi({ size: [7, 3], mode }),
    [`${mode}/2d_size_int`]: fi({ size: 6, mode }),
    [`${mode}/2d_down`]: fi({ scaleFactor: 0.3, mode }),
    [`${mode}/2d_recompute`]: fi({ scaleFactor: 1.3, mode, recomputeScaleFactor: true }),
    [`${mode}/3d`]: fi({ scaleFactor: [2, 1.5, 0.7], mode }),
    [`${mode}/3d_size`]: fi({ size: [4, 3, 5], mode }),
    [`${mode}/float64`]: fi({ scaleFactor: 1.8, mode }),
  });
}
for (const alignCorners of [false, true]) {
  const s = `ac${Number(alignCorners)}`;
  Object.assign(SPECS, {
    [`linear/${s}/scale`]: fi({ scaleFactor: 2.3, mode: 'linear', alignCorners }),
    [`linear/${s}/size`]: fi({ size: 4, mode: 'linear', alignCorners }),
    [`linear/${s}/same_size_scale`]: fi({ scaleFactor: 1.1, mode: 'linear', alignCorners }),
    [`bilinear/${s}/scale2`]: fi({ scaleFactor: 2, mode: 'bilinear', alignCorners }),
    [`bilinear/${s}/scale`]: fi({ scaleFactor: [1.5, 2.7], mode: 'bilinear', alignCorners }),
    [`bilinear/${s}/size`]: fi({ size: [7, 3], mode: 'bilinear', alignCorners }),
    [`bilinear/${s}/down`]: fi({ scaleFactor: 0.35, mode: 'bilinear', alignCorners }),
    [`bilinear/${s}/recompute`]: fi({ scaleFactor: 1.7, mode: 'bilinear', alignCorners, recomputeScaleFactor: true }),
    [`bilinear/${s}/float64`]: fi({ scaleFactor: [2.5, 1.3], mode: 'bilinear', alignCorners }),
    [`bicubic/${s}/scale2`]: fi({ scaleFactor: 2, mode: 'bicubic', alignCorners }),
    [`bicubic/${s}/scale`]: fi({ scaleFactor: [1.5, 2.7], mode: 'bicubic', alignCorners }),
    [`bicubic/${s}/size`]: fi({ size: [3, 8], mode: 'bicubic', alignCorners }),
    [`bicubic/${s}/down`]: fi({ scaleFactor: 0.4, mode: 'bicubic', alignCorners }),
    [`bicubic/${s}/float64`]: fi({ scaleFactor: [1.5, 2.7], mode: 'bicubic', alignCorners }),
    [`trilinear/${s}/scale`]: fi({ scaleFactor: [1.5, 2, 0.8], mode: 'trilinear', alignCorners }),
    [`trilinear/${s}/size`]: fi({ size: 4, mode: 'trilinear', alignCorners }),
    [`trilinear/${s}/float64`]: fi({ scaleFactor: 1.5, mode: 'trilinear', alignCorners }),
  });
  for (const mode of ['bilinear', 'bicubic'] as const) {
    Object.assign(SPECS, {
      [`${mode}_aa/${s}/down`]: fi({ scaleFactor: [0.4, 0.6], mode, alignCorners, antialias: true }),
      [`${mode}_aa/${s}/size`]: fi({ size: [3, 5], mode, alignCorners, antialias: true }),
      [`${mode}_aa/${s}/up`]: fi({ size: [6, 9], mode, alignCorners, antialias: true }),
      [`${mode}_aa/${s}/float64`]: fi({ scaleFactor: 0.45, mode, alignCorners, antialias: true }),
    });
  }
}
Object.assign(SPECS, {
  'area/1d': fi({ size: 4, mode: 'area' }),
  'area/1d_scale': fi({ scaleFactor: 0.5, mode: 'area' }),
  'area/2d': fi({ size: [3, 4], mode: 'area' }),
  'area/2d_up': fi({ scaleFactor: 1.5, mode: 'area' }),
  'area/3d': fi({ size: [2, 3, 3], mode: 'area' }),
  'area/3d_scale': fi({ scaleFactor: [0.5, 1.5, 0.6], mode: 'area' }),
  upsample: one(() => new Fn((x) => F.upsample(x, { scaleFactor: 2.5, mode: 'bilinear' }))),
  upsample_nearest: one(() => new Fn((x) => F.upsampleNearest(x, [5, 8]))),
  upsample_bilinear: one(() => new Fn((x) => F.upsampleBilinear(x, null, 1.5))),
  Upsample: one(() => new nn.Upsample({ scaleFactor: 2 })),
  'Upsample/size_bilinear': one(() => new nn.Upsample([5, 6], { mode: 'bilinear', alignCorners: true })),
  'Upsample/tuple_bicubic': one(() => new nn.Upsample({ scaleFactor: [1.5, 2], mode: 'bicubic' })),
  'Upsample/size_int_linear': one(() => new nn.Upsample(7, null, 'linear')),
  'Upsample/trilinear': one(() => new nn.Upsample({ scaleFactor: 1.5, mode: 'trilinear', recomputeScaleFactor: true })),
  UpsamplingNearest2d: one(() => new nn.UpsamplingNearest2d({ scaleFactor: 3 })),
  'UpsamplingNearest2d/size': one(() => new nn.UpsamplingNearest2d([4, 7])),
  UpsamplingBilinear2d: one(() => new nn.UpsamplingBilinear2d({ scaleFactor: 2 })),
  'UpsamplingBilinear2d/size': one(() => new nn.UpsamplingBilinear2d([5, 3])),
});

moduleSuite('nn_resample.json', SPECS);

interface Extras {
  graphs: Record<string, string>;
  errors: Record<string, string>;
  warnings: string[];
}
const extras = loadFixture<Extras>('nn_resample.json');

describe('backward node names', () => {
  const leaf = (...shape: number[]) => torch.randn(shape).requiresGrad_();
  const [x3, x4, x5] = [leaf(1, 1, 4), leaf(1, 1, 4, 4), leaf(1, 1, 2, 2, 2)];
  const calls: Record<string, () => Tensor> = {
    nearest1d: () => F.interpolate(x3, { scaleFactor: 2 }),
    nearest2d: () => F.interpolate(x4, 3),
    nearest3d: () => F.interpolate(x5, { scaleFactor: 2 }),
    nearest_exact1d: () => F.interpolate(x3, { scaleFactor: 2, mode: 'nearest-exact' }),
    nearest_exact2d: () => F.interpolate(x4, { scaleFactor: 2, mode: 'nearest-exact' }),
    nearest_exact3d: () => F.interpolate(x5, { scaleFactor: 2, mode: 'nearest-exact' }),
    linear: () => F.interpolate(x3, { scaleFactor: 2, mode: 'linear' }),
    bilinear: () => F.interpolate(x4, { scaleFactor: 2, mode: 'bilinear' }),
    bicubic: () => F.interpolate(x4, { scaleFactor: 2, mode: 'bicubic' }),
    trilinear: () => F.interpolate(x5, { scaleFactor: 2, mode: 'trilinear' }),
    bilinear_aa: () => F.interpolate(x4, { scaleFactor: 0.5, mode: 'bilinear', antialias: true }),
    bicubic_aa: () => F.interpolate(x4, { scaleFactor: 0.5, mode: 'bicubic', antialias: true }),
  };
  for (const [name, want] of Object.entries(extras.graphs)) {
    test(name, () => assert.equal(calls[name]().gradFn?.name, want));
  }
});

describe('error messages', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    align_corners_nearest: () => F.interpolate(r(1, 1, 4, 4), { scaleFactor: 2, alignCorners: true }),
    align_corners_area: () => F.interpolate(r(1, 1, 4, 4), 2, { mode: 'area', alignCorners: false }),
    size_and_scale: () => F.interpolate(r(1, 1, 4, 4), 2, 2.0),
    neither: () => F.interpolate(r(1, 1, 4, 4)),
    size_length: () => F.interpolate(r(1, 1, 4, 4), [5, 6, 7]),
    scale_length: () => F.interpolate(r(1, 1, 4, 4), { scaleFactor: [2.0, 3.0, 1.5] }),
    recompute_with_size: () => F.interpolate(r(1, 1, 4, 4), 2, { recomputeScaleFactor: true }),
    antialias_nearest: () => F.interpolate(r(1, 1, 4, 4), 2, { antialias: true }),
    antialias_linear: () => F.interpolate(r(1, 1, 4), 2, { mode: 'linear', antialias: true }),
    bilinear_3d: () => F.interpolate(r(1, 1, 4), 2, { mode: 'bilinear' }),
    trilinear_3d: () => F.interpolate(r(1, 1, 4), 2, { mode: 'trilinear' }),
    linear_4d: () => F.interpolate(r(1, 1, 4, 4), 2, { mode: 'linear' }),
    trilinear_4d: () => F.interpolate(r(1, 1, 4, 4), 2, { mode: 'trilinear' }),
    linear_5d: () => F.interpolate(r(1, 1, 4, 4, 4), 2, { mode: 'linear' }),
    bilinear_5d: () => F.interpolate(r(1, 1, 4, 4, 4), 2, { mode: 'bilinear' }),
    bicubic_5d: () => F.interpolate(r(1, 1, 4, 4, 4), 2, { mode: 'bicubic' }),
    input_6d: () => F.interpolate(r(1, 1, 2, 2, 2, 2), 2),
    bad_mode: () => F.interpolate(r(1, 1, 4, 4), 2, { mode: 'cubic' as 'bicubic' }),
    zero_output_nearest: () => F.interpolate(r(1, 1, 4, 4), { scaleFactor: 0.2 }),
    zero_output_bilinear: () => F.interpolate(r(1, 1, 4, 4), [0, 3], { mode: 'bilinear' }),
    zero_output_linear: () => F.interpolate(r(1, 1, 4), { scaleFactor: 0.1, mode: 'linear' }),
    zero_output_trilinear: () => F.interpolate(r(1, 1, 4, 4, 4), [2, 0, 2], { mode: 'trilinear' }),
    zero_output_bicubic: () => F.interpolate(r(1, 1, 4, 4), { scaleFactor: 0.1, mode: 'bicubic' }),
    zero_output_nearest3d: () => F.interpolate(r(1, 1, 4, 4, 4), [2, 0, 2]),
    zero_output_nearest1d: () => F.interpolate(r(1, 1, 4), 0, { mode: 'nearest-exact' }),
    empty_input: () => F.interpolate(r(1, 1, 0, 4), 3),
    Upsample_align_corners_nearest: () => new nn.Upsample({ scaleFactor: 2, alignCorners: true }).forward(r(1, 1, 2, 2)),
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
});

test('the deprecated twins warn as PyTorch does', async () => {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(w.message);
  process.on('warning', listener);
  setWarnAlways(true);
  try {
    const x = torch.randn([1, 1, 2, 2]);
    F.upsample(x, { scaleFactor: 2 });
    F.upsampleNearest(x, { scaleFactor: 2 });
    F.upsampleBilinear(x, { scaleFactor: 2 });
    // process.emitWarning delivers on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    setWarnAlways(false);
    process.off('warning', listener);
  }
  assert.deepEqual([...new Set(seen)], extras.warnings);
});

test('argument errors', () => {
  const x = torch.randn([1, 1, 2, 2]);
  const bad = (f: () => unknown, message: string) => assert.throws(f, { name: 'TypeError', message });
  // @ts-expect-error snake_case
  bad(() => F.interpolate(x, { scale_factor: 2 }), "interpolate(): unexpected option 'scale_factor' — did you mean 'scaleFactor'?");
  // @ts-expect-error wrong type
  bad(() => F.interpolate(x, '2'), "interpolate(): argument 'size' (position 2) must be an int or a list of ints or null, not str");
  bad(() => F.interpolate(), "interpolate(): missing required argument 'input'");
  // @ts-expect-error unknown option
  bad(() => new nn.Upsample({ scaleFactor: 2, antialias: true }), "Upsample(): unexpected option 'antialias'; accepted options: size, scaleFactor, mode, alignCorners, recomputeScaleFactor");
  // @ts-expect-error wrong type
  bad(() => new nn.UpsamplingBilinear2d({ scaleFactor: '2' }), "UpsamplingBilinear2d(): option 'scaleFactor' must be a number or a list of numbers or null, not str");
  // @ts-expect-error no mode for the fixed-mode layers
  bad(() => new nn.UpsamplingNearest2d({ size: 3, mode: 'bilinear' }), "UpsamplingNearest2d(): unexpected option 'mode'; accepted options: size, scaleFactor");
});

describe('gradcheck / gradgradcheck (float64)', () => {
  const f64 = { dtype: 'float64' as const };
  const leaf = (...shape: number[]) => torch.rand(shape, f64).mul(2).sub(1).requiresGrad_();
  const cases: [string, number[], Opts][] = [
    ['nearest', [1, 2, 3, 4], { scaleFactor: [1.5, 0.7] }],
    ['nearest-exact', [1, 1, 5], { size: 8, mode: 'nearest-exact' }],
    ['linear', [2, 1, 4], { scaleFactor: 1.7, mode: 'linear' }],
    ['bilinear', [1, 2, 3, 3], { size: [4, 2], mode: 'bilinear' }],
    ['bilinear/align_corners', [1, 1, 3, 4], { scaleFactor: 1.5, mode: 'bilinear', alignCorners: true }],
    ['bicubic', [1, 1, 4, 3], { scaleFactor: [1.5, 2], mode: 'bicubic' }],
    ['bicubic/align_corners', [1, 1, 3, 3], { size: 5, mode: 'bicubic', alignCorners: true }],
    ['trilinear', [1, 1, 2, 3, 2], { scaleFactor: 1.5, mode: 'trilinear' }],
    ['area/2d', [1, 1, 5, 4], { size: [2, 3], mode: 'area' }],
    ['area/3d', [1, 1, 3, 4, 3], { size: [2, 3, 2], mode: 'area' }],
    ['bilinear/antialias', [1, 1, 7, 6], { scaleFactor: 0.5, mode: 'bilinear', antialias: true }],
    ['bicubic/antialias', [1, 1, 7, 5], { size: [3, 2], mode: 'bicubic', antialias: true }],
  ];
  for (const [name, shape, opts] of cases) {
    test(name, () => {
      torch.manualSeed(3);
      const f = (x: Tensor) => F.interpolate(x, opts);
      assert.ok(torch.autograd.gradcheck(f, [leaf(...shape)]));
      assert.ok(torch.autograd.gradgradcheck(f, [leaf(...shape)]));
    });
  }
});

test('a non-contiguous input and the output shape rules', () => {
  const x = torch.randn([1, 2, 5, 4]).transpose(2, 3);
  const a = F.interpolate(x, { scaleFactor: 1.5, mode: 'bilinear' });
  const b = F.interpolate(x.contiguous(), { scaleFactor: 1.5, mode: 'bilinear' });
  assert.deepEqual(a.shape, [1, 2, 6, 7]);
  assert.ok(a.sub(b).abs().max().item() === 0);
});
