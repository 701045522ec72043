// torch.autocast and torch.cuda.amp.GradScaler as PyTorch without CUDA runs them (scripts/fixtures/amp.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../src/index.js';
import { nn } from '../src/index.js';
import { setWarnAlways } from '../src/tensor/warnings.js';
import { assertTensor, loadFixture, type TensorJson } from './helpers/fixtures.js';

interface Fixture {
  loop: { losses: number[]; state: Record<string, TensorJson>; scale: number; enabled: boolean; state_dict: Record<string, never> };
  warnings: string[];
  errors: Record<string, string>;
  memory_allocated: number;
}
const f = loadFixture<Fixture>('amp.json');

async function warningsOf(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(w.message);
  process.on('warning', listener);
  setWarnAlways(true);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    setWarnAlways(false);
    process.off('warning', listener);
  }
  return [...new Set(seen)].sort();
}

test('a GPU training loop written with AMP runs in float32 with PyTorch\'s numbers and warnings', async () => {
  const losses: number[] = [];
  let scaler: InstanceType<typeof torch.cuda.amp.GradScaler> | null = null;
  let model: nn.Sequential | null = null;
  const seen = await warningsOf(() => {
    torch.manualSeed(0);
    model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
    const m = model;
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
    scaler = new torch.cuda.amp.GradScaler();
    const s = scaler;
    const g = new torch.Generator().manualSeed(1);
    for (let i = 0; i < 3; i++) {
      const x = torch.randn([5, 4], { generator: g });
      const y = torch.randint(0, 3, [5], { generator: g });
      opt.zeroGrad();
      const loss = torch.autocast('cuda', { dtype: 'float16' }, () => nn.functional.crossEntropy(m.forward(x) as torch.Tensor, y));
      s.scale(loss).backward();
      s.unscale_(opt);
      nn.utils.clipGradNorm_(m.parameters(), 1.0);
      s.step(opt);
      s.update();
      losses.push(loss.item() as number);
    }
    torch.cuda.amp.autocast(() => undefined);
    assert.throws(() => torch.autocast('cpu', { dtype: 'float16' }, () => undefined), { message: f.errors.cpu_float16 });
  });
  assert.deepEqual(seen, f.warnings);
  losses.forEach((l, i) => assert.ok(Math.abs(l - f.loop.losses[i]) < 1e-6, `loss ${i}: ${l} vs ${f.loop.losses[i]}`));
  const state = (model as unknown as nn.Sequential).stateDict();
  for (const [k, v] of Object.entries(f.loop.state)) assertTensor(state[k], v, { rtol: 1e-5, atol: 1e-6 }, k);
  const sc = scaler as unknown as InstanceType<typeof torch.cuda.amp.GradScaler>;
  assert.equal(sc.getScale(), f.loop.scale);
  assert.equal(sc.isEnabled(), f.loop.enabled);
  assert.deepEqual(sc.stateDict(), f.loop.state_dict);
});

test('autocast: the body\'s value comes back; CPU autocast (bfloat16) throws unless disabled; PyTorch\'s errors', () => {
  assert.equal(torch.autocast('cuda', () => 7), 7);
  assert.equal(torch.autocast('cpu', { enabled: false }, () => 8), 8);
  assert.equal(torch.autocast('cpu', null, false, () => 9), 9);
  assert.equal(torch.cpu.amp.autocast({ enabled: false }, () => 10), 10);
  assert.throws(() => torch.autocast('cpu', () => 1), /no bfloat16 dtype.*enabled: false/);
  assert.throws(() => torch.cpu.amp.autocast(() => 1), /no bfloat16 dtype/);
  assert.throws(() => torch.autocast('mps', () => 1), { message: f.errors.device_type });
  assert.throws(() => (torch.autocast as (...a: unknown[]) => unknown)('cuda'), /last argument must be the function/);
  assert.throws(() => torch.autocast('cuda', { dtpye: 'float16' } as never, () => 1), /dtpye/);
});

test('torch.cuda without CUDA: emptyCache and the memory counters as PyTorch, device calls throw', () => {
  torch.cuda.emptyCache();
  assert.equal(torch.cuda.memoryAllocated(), f.memory_allocated);
  assert.equal(torch.cuda.maxMemoryAllocated(), 0);
  assert.throws(() => torch.cuda.synchronize(), (e: Error) => e.message.startsWith(f.errors.synchronize) && /isAvailable/.test(e.message));
  assert.throws(() => torch.cuda.getDeviceName(), /Torch not compiled with CUDA enabled/);
  assert.throws(() => torch.ones(2).cuda(), /CPU only: device 'cuda' is not available/);
  assert.throws(() => torch.ones(2).half(), /no float16 or bfloat16 dtype; keep float32/);
  assert.throws(() => new nn.Linear(2, 2).half(), /no float16 dtype/);
  assert.throws(() => torch.ones(2).numpy(), /toTypedArray/);
});
