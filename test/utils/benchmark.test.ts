// torch.utils.benchmark's Timer and Measurement against PyTorch 1.13's with the same deterministic
// clock (scripts/fixtures/utils_benchmark.py): the clock counts the statement's runs (1 us each)
// plus a jitter from its own call count, so block sizes, raw times, statistics, warnings and the
// printed Measurement (without Python's object address) are PyTorch's exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const { Timer, Measurement } = torch.utils.benchmark;
type Described = { repr: string; raw_times: number[]; number_per_run: number; median: number; mean: number; iqr: number; significant_figures: number; has_warnings: boolean; title: string };
const fx = loadFixture<Record<string, Described>>('utils_benchmark.json');

function make(jitter: number, options: torch.utils.benchmark.TimerOptions = {}) {
  const state = { n: 0, calls: 0 };
  const f = () => {
    state.n += 1;
  };
  const timer = () => {
    state.calls += 1;
    return state.n * 1e-6 + (state.calls % 7) * jitter;
  };
  return new Timer(() => f(), { timer, ...options });
}

function check(m: torch.utils.benchmark.Measurement, want: Described): void {
  assert.equal(m.numberPerRun, want.number_per_run);
  assert.equal(m.rawTimes.length, want.raw_times.length);
  m.rawTimes.forEach((t, i) => assert.ok(Math.abs(t - want.raw_times[i]) <= 1e-12, `raw time ${i}: ${t} vs ${want.raw_times[i]}`));
  for (const [got, exp] of [[m.median, want.median], [m.mean, want.mean], [m.iqr, want.iqr]]) assert.ok(Math.abs(got - exp) <= 1e-15 + 1e-9 * Math.abs(exp), `${got} vs ${exp}`);
  assert.equal(m.significantFigures, want.significant_figures);
  assert.equal(m.hasWarnings, want.has_warnings);
  assert.equal(m.title, want.title);
  const [first, ...rest] = String(m).split('\n');
  assert.equal(first, '<torch.utils.benchmark.utils.common.Measurement object>');
  assert.equal(rest.join('\n'), want.repr);
}

test('timeit: a warm-up block, then one block of `number` runs', () => {
  check(make(1e-8).timeit(100), fx.timeit);
  check(make(1e-8, { label: 'L', subLabel: 'S', description: 'D', numThreads: 2 }).timeit(10), fx.timeit_labelled);
  check(make(1e-8, { setup: () => g() }).timeit(5), fx.setup);
});

function g(): void {}

test("blockedAutorange and adaptiveAutorange choose PyTorch's block sizes and stop where it stops", () => {
  check(make(1e-8).blockedAutorange({ minRunTime: 0.01 }), fx.blocked);
  check(make(3e-6).blockedAutorange({ minRunTime: 0.005 }), fx.blocked_noisy);
  check(make(2e-7).adaptiveAutorange(0.1, { maxRunTime: 0.05 }), fx.adaptive);
});

test('Measurement.merge pools replicates at one run each', () => {
  check(Measurement.merge([make(1e-8).timeit(10), make(5e-8).timeit(20)])[0], fx.merged);
});

test('numThreads is set while timing and restored after', () => {
  const before = torch.getNumThreads();
  let inside = 0;
  new Timer(() => (inside = torch.getNumThreads()), { numThreads: 1 }).timeit(3);
  assert.equal(inside, 1);
  assert.equal(torch.getNumThreads(), before);
  assert.throws(() => new Timer('x.sum()' as never), /stmt must be a function/);
});
