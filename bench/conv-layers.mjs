#!/usr/bin/env node
// The per-layer convolution table (issue 13): ResNet18's convolution shapes at batch 8,
// forward / backward-input / backward-weight, torchlette (bench/conv-layers.ts) against
// PyTorch (bench/conv_layers.py) in each thread setup of bench/run.mjs (1 thread; all
// threads; all OpenMP threads + 1 BLAS thread), the best setup per row counting; two
// rounds of both, each row's better round per side.
// Prints the table and writes it to bench/RESULTS.md under its own heading (the rest
// of the file is left as it is).
//   node bench/conv-layers.mjs
// CONV_LAYERS / CONV_PASSES (comma-separated name substrings) run a subset of rows,
// printed only: RESULTS.md keeps the full table.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultCostUs } from './fault-cost.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const N = String(cpus().length);
const HEADING = '## Per-layer convolutions (ResNet18 shapes, batch 8)';

function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 30 * 60 * 1000, env: { ...process.env, ...extraEnv }, maxBuffer: 16 << 20 });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? (r.stderr ?? '').trim().split('\n').pop()}`);
  return r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

const SETUPS = [
  { name: '1T', env: { TORCH_THREADS: '1', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } },
  { name: `${N}T`, env: { TORCH_THREADS: N, OMP_NUM_THREADS: N, OPENBLAS_NUM_THREADS: N, MKL_NUM_THREADS: N } },
  { name: `${N}OMP+1BLAS`, env: { TORCH_THREADS: N, OMP_NUM_THREADS: N, OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } },
];

const loadBefore = loadavg()[0];
const faultBefore = faultCostUs();
// Two rounds, each torchlette then PyTorch's setups, and each row's best of the two per side:
// this VM's speed drifts within minutes (its first-touch fault cost went 14 -> 16 us during
// one run), and one round hands the drift to whichever side runs last.
const ROUNDS = 2;
const best = (runs) => runs[0].map((row) => ({ ...row, ms: Math.min(...runs.map((rs) => rs.find((r) => key(r) === key(row))?.ms ?? Infinity)) }));
const key = (r) => `${r.layer}|${r.pass}`;
const tlRuns = [];
const ptRuns = SETUPS.map(() => []);
for (let round = 1; round <= ROUNDS; round++) {
  console.log(`round ${round}: torchlette...`);
  tlRuns.push(run(process.execPath, ['--import', 'tsx', 'bench/conv-layers.ts']));
  SETUPS.forEach((s, i) => {
    console.log(`round ${round}: PyTorch ${s.name}...`);
    ptRuns[i].push(run(PYTHON, ['bench/conv_layers.py'], s.env));
  });
}
const tl = best(tlRuns);
const pt = SETUPS.map((s, i) => ({ setup: s.name, rows: best(ptRuns[i]) }));

const loadAfter = loadavg()[0];
const faultAfter = faultCostUs();
const lines = [
  HEADING,
  '',
  `${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}, Node ${process.version}; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after; first-touch page fault ${faultBefore.toFixed(1)} us before, ${faultAfter.toFixed(1)} us after (bench/fault-cost.mjs); \`node bench/conv-layers.mjs\``,
  '',
  `| layer | pass | torchlette ms (${tl[0]?.threads ?? '?'}T) | PyTorch best ms (setup) | ${SETUPS.map((s) => `PyTorch ${s.name}`).join(' | ')} | vs PyTorch |`,
  `|---|---|---|---|${SETUPS.map(() => '---').join('|')}|---|`,
];
for (const row of tl) {
  const times = pt.map((p) => ({ setup: p.setup, ms: p.rows.find((r) => key(r) === key(row))?.ms }));
  const best = times.filter((t) => t.ms !== undefined).sort((a, b) => a.ms - b.ms)[0];
  const ratio = best ? best.ms / row.ms : undefined;
  const fmt = (ms) => (ms === undefined ? 'n/a' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  lines.push(
    `| ${row.layer} | ${row.pass} | ${fmt(row.ms)} | ${best ? `${fmt(best.ms)} (${best.setup})` : 'n/a'} | ${times.map((t) => fmt(t.ms)).join(' | ')} | ${ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x ${ratio >= 1 ? '✓' : '✗'}`} |`,
  );
}
lines.push(
  '',
  'ms per call: the median of 5-25 repeats after 0.5 s of warm-up calls, the better of two rounds (each torchlette, then PyTorch\'s setups); vs PyTorch: PyTorch best time / torchlette time (>= 1: torchlette as fast or faster).',
  'backward-input / backward-weight: aten::convolution_backward (torchlette: convolutionBackward) with only that output asked for. float32, no bias.',
  '',
);
const table = lines.join('\n');
console.log(table);

if (process.env.CONV_LAYERS || process.env.CONV_PASSES) process.exit(0);
const path = join(here, 'RESULTS.md');
const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n';
const start = old.indexOf(HEADING);
let next;
if (start >= 0) {
  const after = old.indexOf('\n## ', start + HEADING.length);
  next = old.slice(0, start) + table + (after >= 0 ? old.slice(after + 1) : '');
} else {
  next = `${old.replace(/\n*$/, '\n\n')}${table}`;
}
writeFileSync(path, next);
console.log(`written to ${path}`);
