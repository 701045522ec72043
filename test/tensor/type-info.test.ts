// torch.finfo / torch.iinfo against PyTorch's (scripts/fixtures/type_info.py): attributes and reprs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface FInfoJson { bits: number; eps: number; max: number; min: number; tiny: number; smallest_normal: number; resolution: number; repr: string }
const fx = loadFixture<{ finfo: Record<string, FInfoJson>; iinfo: Record<string, { bits: number; min: string; max: string; repr: string }>; default: string }>('type_info.json');

test('torch.finfo: every attribute and the repr, as PyTorch', () => {
  for (const [name, e] of Object.entries(fx.finfo)) {
    const f = torch.finfo(name as torch.DType);
    assert.deepEqual(
      [f.bits, f.eps, f.max, f.min, f.tiny, f.smallestNormal, f.resolution, f.dtype, String(f)],
      [e.bits, e.eps, e.max, e.min, e.tiny, e.smallest_normal, e.resolution, name, e.repr],
      name,
    );
  }
  assert.equal(String(torch.finfo()), fx.default);
  torch.setDefaultDtype('float64');
  try {
    assert.equal(torch.finfo().dtype, 'float64');
  } finally {
    torch.setDefaultDtype('float32');
  }
});

test('torch.iinfo: limits (bigint past 2^53, as int64 item()) and the repr, as PyTorch', () => {
  for (const [name, e] of Object.entries(fx.iinfo)) {
    const i = torch.iinfo(name as torch.DType);
    assert.equal(i.bits, e.bits, name);
    assert.equal(String(i.min), e.min, name);
    assert.equal(String(i.max), e.max, name);
    assert.equal(typeof i.max, name === 'int64' ? 'bigint' : 'number', name);
    assert.equal(String(i), e.repr, name);
  }
});

test('finfo / iinfo refuse the other kind of dtype', () => {
  assert.throws(() => torch.finfo('int64'), /torch.finfo\(\) requires a floating point input type \(got int64\); use torch.iinfo/);
  assert.throws(() => torch.iinfo('float32'), /torch.iinfo\(\) requires an integer input type \(got float32\); use torch.finfo/);
  assert.throws(() => torch.iinfo('bool'), /torch.bool is not supported by torch.iinfo/);
  assert.throws(() => torch.finfo('float16' as torch.DType), /unknown dtype 'float16'/);
});
