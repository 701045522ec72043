// torchlette's side of the per-layer convolution table (bench/conv-layers.mjs):
//   node --import tsx bench/conv-layers.ts
// CONV_LAYERS=substr[,substr...] keeps only the layers whose name contains one of them
// (CONV_PASSES likewise for forward / backward-input / backward-weight).
// ResNet18's convolution shapes at batch 8 (the same list as bench/conv_layers.py),
// each timed forward, backward-input and backward-weight (convolutionBackward with one
// output asked for, as autograd calls it), ms per call: the median of repeats after
// 0.5 s of warm-up calls. Prints one JSON line per (layer, pass).
import * as torch from '../src/index.js';
import { backendInfo, setNumThreads } from '../src/backend/index.js';
import { convolution, convolutionBackward, type ConvParams } from '../src/ops/conv.js';
import type { Tensor } from '../src/tensor/tensor.js';

// TORCHLETTE_THREADS=n runs the native kernels on n threads (default: all cores).
if (process.env.TORCHLETTE_THREADS) setNumThreads(Number(process.env.TORCHLETTE_THREADS));

// name, in channels, out channels, kernel, stride, padding, input size (batch 8)
const LAYERS: [string, number, number, number, number, number, number][] = [
  ['stem 7x7 s2 3->64 @224', 3, 64, 7, 2, 3, 224],
  ['3x3 s1 64 @56', 64, 64, 3, 1, 1, 56],
  ['3x3 s2 64->128 @56', 64, 128, 3, 2, 1, 56],
  ['1x1 s2 64->128 @56', 64, 128, 1, 2, 0, 56],
  ['3x3 s1 128 @28', 128, 128, 3, 1, 1, 28],
  ['3x3 s2 128->256 @28', 128, 256, 3, 2, 1, 28],
  ['1x1 s2 128->256 @28', 128, 256, 1, 2, 0, 28],
  ['3x3 s1 256 @14', 256, 256, 3, 1, 1, 14],
  ['3x3 s2 256->512 @14', 256, 512, 3, 2, 1, 14],
  ['1x1 s2 256->512 @14', 256, 512, 1, 2, 0, 14],
  ['3x3 s1 512 @7', 512, 512, 3, 1, 1, 7],
];
const BATCH = 8;

function timed(fn: () => unknown): number {
  // Warm-up: calls for 0.5 s at least (as B1 and bench/conv_layers.py), so both sides measure
  // steady state. Until V8's GC frees earlier outputs each call's output lands on never-touched
  // pages; at ~12 us a first-touch fault on this VM (AMD EPYC, 2026-12-06) that alone tripled
  // some rows' medians (1x1 s2 64->128 forward: 0.7-1.3 ms after one warm-up call, 0.42 ms warm).
  let calls = 0;
  const w0 = performance.now();
  while (calls < 2 || performance.now() - w0 < 500) {
    fn();
    calls++;
  }
  const once = (performance.now() - w0) / calls / 1000;
  const repeats = Math.max(5, Math.min(25, Math.floor(0.4 / Math.max(once, 1e-6))));
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const pick = (env: string | undefined, name: string): boolean => !env || env.split(',').some((s) => name.includes(s));

torch.manualSeed(0);
const threads = backendInfo().numThreads;
for (const [name, cin, cout, k, s, p, size] of LAYERS) {
  if (!pick(process.env.CONV_LAYERS, name)) continue;
  const x = torch.randn([BATCH, cin, size, size]);
  const w = torch.randn([cout, cin, k, k]).mul(0.05);
  const params: ConvParams = { stride: [s, s], padding: [p, p], dilation: [1, 1], transposed: false, outputPadding: [0, 0], groups: 1 };
  const y: Tensor = convolution(x, w, null, params);
  const g = torch.randnLike(y);
  const passes: [string, () => unknown][] = [
    ['forward', () => convolution(x, w, null, params)],
    ['backward-input', () => convolutionBackward(g, x, w, params, [true, false, false])],
    ['backward-weight', () => convolutionBackward(g, x, w, params, [false, true, false])],
  ];
  for (const [pass, fn] of passes) if (pick(process.env.CONV_PASSES, pass)) console.log(JSON.stringify({ layer: name, pass, ms: timed(fn), threads }));
}
