// Anomaly detection against PyTorch (scripts/fixtures/anomaly.py): which backward calls raise,
// the error texts, the warnings (the forward stack points at the user's line), the flags.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Outcome {
  error: string | null;
  warnings: string[];
}
const fx = loadFixture<Record<string, Outcome> & { flags: boolean[] }>('anomaly.json');
const f32 = (v: number[]) => torch.tensor(v, { dtype: 'float32', requiresGrad: true });

/** The error and the warnings (first lines, and the full texts) of running fn. */
async function outcome(fn: () => void): Promise<Outcome & { full: string[] }> {
  torch.setWarnAlways(true);
  const full: string[] = [];
  const listener = (w: Error) => full.push(w.message);
  process.on('warning', listener);
  let error: string | null = null;
  try {
    fn();
  } catch (e) {
    error = (e as Error).message;
  }
  await new Promise((r) => setImmediate(r)); // process warnings are emitted on the next tick
  process.off('warning', listener);
  torch.setWarnAlways(false);
  return { error, warnings: full.map((m) => m.split('\n')[0]), full };
}

afterEach(() => torch.setAnomalyEnabled(false));

test('a NaN gradient raises naming the node, after a warning with the forward stack', async () => {
  const r = await outcome(() => torch.autograd.detectAnomaly(() => f32([-1, 4]).sqrt().sum().backward()));
  assert.deepEqual({ error: r.error, warnings: r.warnings }, fx.nan_backward);
  assert.match(r.full[1], /anomaly\.test\.ts/, 'the stack points at the line of the forward call');
  assert.doesNotMatch(r.full[1], /src\/ops\//, 'without the op plumbing');
});

test('checkNan false: NaN gradients pass', async () => {
  const r = await outcome(() => torch.autograd.detectAnomaly(() => f32([-1, 4]).sqrt().sum().backward(), { checkNan: false }));
  assert.deepEqual({ error: r.error, warnings: r.warnings }, fx.nan_backward_no_check);
});

test('a graph recorded before enabling has no forward information', async () => {
  const y = f32([-1]).sqrt();
  const r = await outcome(() => torch.autograd.detectAnomaly(() => y.backward()));
  assert.deepEqual({ error: r.error, warnings: r.warnings }, fx.graph_before_enabling);
});

test('an in-place modification error gets the forward stack and its anomaly-mode hint', async () => {
  const r = await outcome(() =>
    torch.autograd.detectAnomaly(() => {
      const a = f32([1, 2]);
      const b = a.exp();
      b.add_(1);
      b.sum().backward();
    }),
  );
  assert.deepEqual({ error: r.error, warnings: r.warnings }, fx.inplace_error);
});

test('the index of the NaN output is named', async () => {
  const r = await outcome(() => torch.autograd.detectAnomaly(() => f32([0, 1]).div(f32([0, 2])).sum().backward()));
  assert.deepEqual({ error: r.error, warnings: r.warnings }, fx.second_output);
});

test('flags: isAnomalyEnabled, isAnomalyCheckNanEnabled, setDetectAnomaly scoped and global', () => {
  const flags = [torch.isAnomalyEnabled(), torch.isAnomalyCheckNanEnabled()];
  torch.autograd.setDetectAnomaly(true, { checkNan: false }, () => flags.push(torch.isAnomalyEnabled(), torch.isAnomalyCheckNanEnabled()));
  flags.push(torch.isAnomalyEnabled());
  assert.deepEqual(flags, fx.flags);
  torch.autograd.setDetectAnomaly(true);
  assert.equal(torch.isAnomalyEnabled(), true);
  torch.setAnomalyEnabled(false);
  assert.equal(torch.isAnomalyEnabled(), false);
});

test('without anomaly mode a NaN gradient is returned, not raised (as PyTorch)', () => {
  const x = f32([-1, 4]);
  x.sqrt().sum().backward();
  assert.ok(Number.isNaN(((x.grad as torch.Tensor).tolist() as number[])[0]));
});
