// Tensor printing against PyTorch's repr (scripts/fixtures/printing.py): every dtype,
// formatter mode, wrapping, summarisation, empty tensors, suffixes and print options.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { DType, Tensor } from '../../src/index.js';
import { fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Case {
  name: string;
  tensor: TensorJson;
  requires_grad: boolean;
  repr: string | null;
  /** PyTorch's message where repr() raises instead. */
  error?: string;
  op?: string;
  options?: { precision?: number; threshold?: number; edgeitems?: number; linewidth?: number; sci_mode?: boolean; profile?: 'default' | 'short' | 'full' };
  default_dtype?: DType;
}

// The same ops as OPS in printing.py.
const OPS: Record<string, (x: Tensor) => Tensor> = {
  mul2: (x) => x.mul(2),
  add1: (x) => x.add(1),
  sum: (x) => x.sum(),
  t: (x) => x.t(),
  select: (x) => x.select(0, 1),
  double: (x) => x.double(),
  expand: (x) => x.expand(3, -1),
};

const { cases } = loadFixture<{ cases: Case[] }>('printing.json');

function render(c: Case): string {
  const x = fromJson(c.tensor, { requiresGrad: c.requires_grad });
  const y = c.op ? OPS[c.op](x) : x;
  const { sci_mode, ...rest } = c.options ?? {};
  if (c.default_dtype) torch.setDefaultDtype(c.default_dtype);
  torch.setPrintoptions({ ...rest, sciMode: sci_mode });
  try {
    return String(y);
  } finally {
    torch.setPrintoptions({ profile: 'default' });
    torch.setDefaultDtype('float32');
  }
}

describe('printing matches PyTorch repr', () => {
  for (const c of cases) {
    test(c.name, () => {
      if (c.error !== undefined) assert.throws(() => render(c), { message: c.error });
      else assert.equal(render(c), c.repr);
    });
  }
});

test('toString and util.inspect give the repr', () => {
  const c = cases.find((x) => x.name === 'grad_fn mul') as Case;
  const y = fromJson(c.tensor, { requiresGrad: true }).mul(2);
  assert.equal(y.toString(), c.repr);
  assert.equal(inspect(y), c.repr);
});

test('options are restored to the defaults', () => {
  assert.deepEqual(torch.getPrintoptions(), { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
});
