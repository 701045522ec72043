#!/usr/bin/env node
// `npm run bench [-- B1 B5 ...]`: BENCHMARKS.md's workloads side by side, in one run,
// in torchlette, PyTorch (/usr/bin/python3, when `import torch` works) and
// TensorFlow.js cpu and wasm (bench/package.json, installed here on first use).
// Each workload runs in a fresh process per framework (peak RSS is per workload);
// every figure is a median of repeats after warm-up. Prints one table and writes it,
// with the date and the machine, to bench/RESULTS.md and bench/results.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultCostUs } from './fault-cost.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
// Debian's python3-torch takes whatever libblas.so.3 the system has: the reference
// BLAS (~1 GFLOP/s) unless OpenBLAS is installed. BENCH_OPENBLAS_DIR=<a directory
// holding OpenBLAS's libblas.so.3> adds a column with PyTorch on OpenBLAS, e.g. from
//   apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb ob
//   BENCH_OPENBLAS_DIR=$PWD/ob/usr/lib/x86_64-linux-gnu/openblas-pthread npm run bench
// It runs with its best thread setup: BLAS threads = all cores for GEMM, 1 for the
// models (OpenMP and BLAS threads oversubscribe 2 cores; FACTS.md).
const OPENBLAS_DIR = process.env.BENCH_OPENBLAS_DIR;

// id, workload args, unit kind ('rate': higher is better; 'time': lower is better), target vs PyTorch
const ROWS = [
  { id: 'B1 n=256', args: ['gemm', '256'], kind: 'rate', target: null },
  { id: 'B1 n=1024', args: ['gemm', '1024'], kind: 'rate', target: 0.9 },
  { id: 'B1 n=4096', args: ['gemm', '4096'], kind: 'rate', target: 0.9 },
  { id: 'B2 MLP', args: ['mlp'], kind: 'rate', target: 1.2 },
  { id: 'B3 LeNet-5', args: ['lenet'], kind: 'rate', target: 1.2 },
  { id: 'B4a ResNet18 train', args: ['resnet-train'], kind: 'rate', target: 0.8 },
  { id: 'B4b ResNet18 eval', args: ['resnet-eval'], kind: 'rate', target: 0.8 },
  { id: 'B5 eager', args: ['eager'], kind: 'time', target: 2.0 },
  // B6 construction: building a torchvision model with its seeded init (issue 13: >= 1.0x PyTorch).
  ...['vgg16', 'resnet50', 'convnext_base', 'vit_b_16'].map((m) => ({ id: `B6 build ${m}`, args: ['construct', m], kind: 'time', target: 1.0 })),
  // B6 programs: pytorch/examples-style programs timed whole (bench/programs.ts, bench/pytorch_programs.py).
  ...['lstm-lm', 'vae', 'dcgan', 'mnist-cnn', 'regression'].map((p) => ({ id: `B6 ${p}`, args: ['program', p], kind: 'time', target: 1.0 })),
  // W: torchlette's WebAssembly backend (TORCHLETTE_BACKEND=wasm; the threaded build, with
  // TORCHLETTE_THREADS workers) next to TF.js, PyTorch left out (issue 15: wasm GEMM >= 40
  // GFLOP/s on 1 thread and >= 1.7x that on 2; MLP and LeNet-5 >= 5x TF.js's best backend).
  { id: 'W1 wasm GEMM n=1024 1T', args: ['gemm', '1024'], kind: 'rate', target: null, tlEnv: { TORCHLETTE_BACKEND: 'wasm', TORCHLETTE_THREADS: '1' }, noTorch: true },
  { id: 'W1 wasm GEMM n=1024 2T', args: ['gemm', '1024'], kind: 'rate', target: null, tlEnv: { TORCHLETTE_BACKEND: 'wasm', TORCHLETTE_THREADS: '2' }, noTorch: true },
  { id: 'W2 wasm MLP', args: ['mlp'], kind: 'rate', target: null, tlEnv: { TORCHLETTE_BACKEND: 'wasm' }, noTorch: true },
  { id: 'W3 wasm LeNet-5', args: ['lenet'], kind: 'rate', target: null, tlEnv: { TORCHLETTE_BACKEND: 'wasm' }, noTorch: true },
  // C: the W rows' workloads in headless Chromium (bench/chromium.ts runs bench/torchlette.ts and
  // bench/tfjs.mjs unchanged in a crossOriginIsolated page), next to TF.js's cpu, wasm and
  // webgl backends in the same Chromium. Included when chromium exists; --chromium runs only
  // these, --no-chromium leaves them out.
  { id: 'C1 Chromium wasm GEMM n=1024 1T', args: ['gemm', '1024'], kind: 'rate', target: null, tlEnv: { TORCHLETTE_BACKEND: 'wasm', TORCHLETTE_THREADS: '1' }, noTorch: true, chromium: true },
  { id: 'C1 Chromium wasm GEMM n=1024 2T', args: ['gemm', '1024'], kind: 'rate', target: null, tlEnv: { TORCHLETTE_BACKEND: 'wasm', TORCHLETTE_THREADS: '2' }, noTorch: true, chromium: true },
  { id: 'C2 Chromium wasm MLP', args: ['mlp'], kind: 'rate', target: null, tlEnv: { TORCHLETTE_BACKEND: 'wasm' }, noTorch: true, chromium: true },
  { id: 'C3 Chromium wasm LeNet-5', args: ['lenet'], kind: 'rate', target: null, tlEnv: { TORCHLETTE_BACKEND: 'wasm' }, noTorch: true, chromium: true },
];
const CHROMIUM = process.env.TORCHLETTE_CHROMIUM ?? '/usr/bin/chromium';
const TFJS_MIN_SPEEDUP = 5;

function run(cmd, args, extraEnv = {}, timeoutMs = 20 * 60 * 1000) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...extraEnv }, maxBuffer: 16 << 20 });
  if (r.error) return { error: r.error.message };
  const line = (r.stdout ?? '').trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) return { error: ((r.stderr ?? '').trim().split('\n').pop() || `exit ${r.status}`).slice(0, 120) };
  return JSON.parse(line);
}

function ensureTfjs() {
  if (existsSync(join(here, 'node_modules', '@tensorflow', 'tfjs'))) return null;
  console.log('Installing the TensorFlow.js peers into bench/node_modules (first run only)...');
  try {
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit', timeout: 10 * 60 * 1000 });
    return null;
  } catch (e) {
    return `npm install in bench/ failed: ${e.message.split('\n')[0]}`;
  }
}

function pythonTorch() {
  const r = spawnSync(PYTHON, ['-c', 'import torch, sys; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${PYTHON} cannot import torch`;
}

const argv = process.argv.slice(2);
// --no-tfjs: leave TF.js out (its first run installs it into bench/node_modules).
const noTfjs = argv.includes('--no-tfjs');
// --tfjs-for=W,B2: TF.js runs only for rows whose id starts with one of these (its cpu backend
// takes minutes on the conv rows); the other rows show it as left out.
const tfjsFor = argv.find((a) => a.startsWith('--tfjs-for='))?.slice('--tfjs-for='.length).split(',');
const filters = argv.filter((a) => !a.startsWith('--'));
const chromiumOnly = argv.includes('--chromium');
const chromiumMissing = argv.includes('--no-chromium') ? '--no-chromium' : existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}`;
const faultBefore = faultCostUs();
const N = String(cpus().length);
// PyTorch at its best: each workload runs in every thread setup and the best one counts
// (on 2 cores, PyTorch's default 2 OpenMP + 2 BLAS threads oversubscribe and is its worst).
const TORCH_SETUPS = [
  { name: '1T', env: { TORCH_THREADS: '1', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } },
  { name: `${N}T`, env: { TORCH_THREADS: N, OMP_NUM_THREADS: N, OPENBLAS_NUM_THREADS: N, MKL_NUM_THREADS: N } },
  { name: `${N}OMP+1BLAS`, env: { TORCH_THREADS: N, OMP_NUM_THREADS: N, OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } },
];
const better = (kind, a, b) => (a.value === undefined ? b : b.value === undefined ? a : (kind === 'rate' ? b.value > a.value : b.value < a.value) ? b : a);
const rows = ROWS.filter((r) => filters.length === 0 || filters.some((f) => r.id.toLowerCase().startsWith(f.toLowerCase())))
  .filter((r) => (r.chromium ? !chromiumMissing : !chromiumOnly));
if (chromiumMissing && ROWS.some((r) => r.chromium && !rows.includes(r))) console.log(`The C rows (Chromium) are left out: ${chromiumMissing}.`);
const tfjsMissing = noTfjs ? 'left out (--no-tfjs)' : ensureTfjs();
const torchMissing = pythonTorch();
const tsx = ['--import', 'tsx'];

const results = [];
for (const row of rows) {
  process.stdout.write(`${row.id}: torchlette`);
  if (row.chromium) {
    // all in Chromium: torchlette, then TF.js's three browser backends, each in a fresh page
    const page = (runner, env = {}) => run(process.execPath, [...tsx, 'bench/chromium.ts', runner, ...row.args], env);
    const res = { row, tl: page('torchlette', row.tlEnv), pt: { skip: 'not compared' } };
    const tfjsSkip = tfjsMissing ?? (tfjsFor && !tfjsFor.some((p) => row.id.startsWith(p)) ? 'left out (--tfjs-for)' : null);
    for (const b of ['cpu', 'wasm', 'webgl']) {
      process.stdout.write(`, tfjs-${b}`);
      // TF.js's wasm backend at its best: each XNNPACK thread count from 1 to all cores, the best kept
      const threadCounts = b === 'wasm' ? Array.from({ length: cpus().length }, (_, i) => String(i + 1)) : [undefined];
      res[b] = tfjsSkip
        ? { error: tfjsSkip }
        : threadCounts.map((n) => page(`tfjs-${b}`, n ? { TFJS_WASM_THREADS: n } : {})).reduce((x, y) => better(row.kind, x, y));
    }
    process.stdout.write('\n');
    results.push(res);
    continue;
  }
  const res = { row, tl: run(process.execPath, [...tsx, 'bench/torchlette.ts', ...row.args], row.tlEnv ?? {}) };
  process.stdout.write(', PyTorch');
  if (row.noTorch) res.pt = { skip: 'not compared' };
  else if (torchMissing) res.pt = { error: torchMissing };
  else {
    res.ptSetups = TORCH_SETUPS.map((setup) => ({ setup: setup.name, ...run(PYTHON, ['bench/pytorch_bench.py', ...row.args], setup.env) }));
    res.pt = res.ptSetups.reduce((a, b) => better(row.kind, a, b));
  }
  if (OPENBLAS_DIR && !torchMissing && !row.noTorch) {
    process.stdout.write(', PyTorch+OpenBLAS');
    const blasThreads = row.args[0] === 'gemm' ? String(cpus().length) : '1';
    res.ob = run(PYTHON, ['bench/pytorch_bench.py', ...row.args], { LD_LIBRARY_PATH: OPENBLAS_DIR, OPENBLAS_NUM_THREADS: blasThreads });
  }
  process.stdout.write(', tfjs-cpu');
  const tfjsSkip = tfjsMissing ?? (tfjsFor && !tfjsFor.some((p) => row.id.startsWith(p)) ? 'left out (--tfjs-for)' : null);
  res.cpu = tfjsSkip ? { error: tfjsSkip } : run(process.execPath, [...tsx, 'bench/tfjs.mjs', 'cpu', ...row.args]);
  process.stdout.write(', tfjs-wasm\n');
  res.wasm = tfjsSkip ? { error: tfjsSkip } : run(process.execPath, [...tsx, 'bench/tfjs.mjs', 'wasm', ...row.args]);
  res.webgl = { skip: 'Chromium only' };
  results.push(res);
}

// ---- the table ----
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const cell = (r) => (r.value !== undefined ? `${fmt(r.value)}` : r.skip ? `n/a (${r.skip})` : `n/a (${r.error})`);
/** How many times faster torchlette is than a peer (>1: torchlette faster). */
const speedup = (row, tl, peer) => {
  if (tl.value === undefined || peer.value === undefined) return null;
  return row.kind === 'rate' ? tl.value / peer.value : peer.value / tl.value;
};
const mark = (s, target) => (s === null || target === null ? '' : s >= target ? ' ✓' : ' ✗');

const withOb = Boolean(OPENBLAS_DIR) && !torchMissing;
const header = ['workload', 'unit', 'torchlette', 'PyTorch best (setup)', ...TORCH_SETUPS.map((t) => `PyTorch ${t.name}`), ...(withOb ? ['PyTorch+OpenBLAS'] : []), 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgl', 'vs PyTorch',
  ...(withOb ? ['vs PyTorch+OpenBLAS'] : []), 'vs best TF.js', 'threads (tl/pt/tfjs)'];
const lines = [];
for (const res of results) {
  const { row, tl, pt, ob, cpu, wasm, webgl } = res;
  const sPt = speedup(row, tl, pt);
  const sOb = withOb ? speedup(row, tl, ob) : null;
  const tf = [cpu, wasm, webgl].filter((r) => r.value !== undefined);
  const best = tf.length ? tf.reduce((a, b) => (row.kind === 'rate' ? (a.value >= b.value ? a : b) : a.value <= b.value ? a : b)) : null;
  const sTf = best ? speedup(row, tl, best) : null;
  const unit = tl.unit ?? pt.unit ?? '';
  let extra = '';
  if (tl.accuracy !== undefined) extra += ` acc ${(tl.accuracy * 100).toFixed(1)}%`;
  if (pt.accuracy !== undefined) extra += ` / ${(pt.accuracy * 100).toFixed(1)}%`;
  if (row.args[0].startsWith('resnet') && tl.peakRssMB && pt.peakRssMB) extra += ` RSS ${tl.peakRssMB.toFixed(0)}/${pt.peakRssMB.toFixed(0)} MB`;
  const vs = (s) => (s === null ? 'n/a' : `${s.toFixed(2)}x${mark(s, row.target)}`);
  lines.push([
    row.id + extra,
    unit,
    cell(tl),
    pt.value !== undefined ? `${cell(pt)} (${pt.setup})` : cell(pt),
    ...TORCH_SETUPS.map((_, i) => (res.ptSetups ? cell(res.ptSetups[i]) : 'n/a')),
    ...(withOb ? [cell(ob)] : []),
    cell(cpu),
    cell(wasm),
    cell(webgl),
    `${vs(sPt)} (target ${row.target ?? '-'})`,
    ...(withOb ? [vs(sOb)] : []),
    sTf === null ? 'n/a' : `${sTf.toFixed(1)}x${mark(sTf, TFJS_MIN_SPEEDUP)}`,
    `${tl.threads ?? '-'}/${pt.threads ?? '-'}/${best?.threads ?? 1}`,
  ]);
}
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
const row = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
const table = [row(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');

/** What TF.js's wasm backend ran on in Chromium (its threaded SIMD build in a crossOriginIsolated page). */
function describeTfjsWasm() {
  const t = results.map((r) => r.wasm?.tfjs).find((x) => x && x.backend === 'wasm');
  if (!t) return 'not run';
  return `${t.multithread ? 'threaded ' : ''}${t.simd ? 'SIMD ' : ''}build, run with XNNPACK threads 1 to ${N}, the best kept per row: threads column`;
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
  `first-touch page fault ${faultBefore.toFixed(1)} us before, ${faultCostUs().toFixed(1)} us after (bench/fault-cost.mjs)`;
const note = [
  `torchlette speed-ups: peer time / torchlette time (>1: torchlette faster); ✓/✗ against issue 4's targets`,
  `(GEMM >= 0.9x, MLP/LeNet >= 1.2x, ResNet18 >= 0.8x, eager >= 2x i.e. <= 0.5x PyTorch's time; >= ${TFJS_MIN_SPEEDUP}x TF.js's best backend).`,
  `B1: GFLOP/s; B2/B3: samples/s (tfjs on part of the epoch); B4: images/s; B5: us per iteration;`,
  `B6 build: seconds to build the torchvision model after manual_seed(0) (default classes; construction target >= 1.0x).`,
  `B6 programs: seconds per whole program (construction, data, training, evaluation; median of 3 runs in one process):`,
  `lstm-lm = word_language_model (2-layer LSTM 200, 20 batches of 20x35, clip 0.25, 2000 tokens), vae = the VAE example`,
  `(60 batches of 128 Fashion-MNIST), dcgan = 4 iterations of the 64x64 DCGAN at batch 16, mnist-cnn = the mnist example's`,
  `CNN (Adadelta, StepLR; 40 batches of 64 Fashion-MNIST + 1000 test), regression = the polynomial fit (1000 tiny-op steps).`,
  `PyTorch: Debian's 1.13 as installed (its libblas.so.3), in each thread setup — 1T: 1 thread; ${N}T: all OpenMP and BLAS threads;`,
  `${N}OMP+1BLAS: all OpenMP threads, 1 BLAS thread — and compared at its best setup per workload (OMP_WAIT_POLICY left at its default).`,
  ...(withOb ? [`PyTorch+OpenBLAS: the same with OpenBLAS 0.3.21 (BLAS threads: all cores for B1, 1 for the models).`] : []),
  ...(results.some((r) => r.row.chromium) ? [
    `C rows: the W rows' workloads (bench/torchlette.ts, bench/tfjs.mjs) in headless Chromium ${results.map((r) => r.tl.chromium).find(Boolean) ?? ''} (bench/chromium.ts),`,
    `one fresh page each, served crossOriginIsolated: torchlette on its threaded wasm build, TF.js on cpu, wasm (${describeTfjsWasm()})`,
    `and webgl (${results.map((r) => r.webgl?.tfjs?.renderer).find(Boolean) ?? 'no renderer reported'}); vs best TF.js: against the best of the three.`,
  ] : []),
].join('\n');
console.log(`\n${table}\n\n${note}\n${machine}`);
writeFileSync(join(here, 'results.json'), JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2));
// Sections other tools write (bench/conv-layers.mjs: '## Per-layer convolutions ...') are kept.
const resultsPath = join(here, 'RESULTS.md');
const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
const kept = previous.indexOf('\n## ') >= 0 ? previous.slice(previous.indexOf('\n## ')) : '';
writeFileSync(resultsPath, `# Benchmark results\n\n${new Date().toISOString().slice(0, 10)}, ${machine}\n\n${table}\n\n${note}\n${kept}`);
