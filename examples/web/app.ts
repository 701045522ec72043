/// <reference lib="dom" />
// The demo page's code (bundled with torchlette by scripts/web-serve.mjs into app.js):
// loads the embedded Fashion-MNIST subset, trains model.ts's CNN for one epoch with a live
// loss plot and a progress bar, loads the checkpoint trained in Node
// (train-checkpoint.ts) with torch.loadFromBuffer, and classifies what is drawn or dropped.
// The page's state is mirrored in document.body.dataset (state, accuracy, seconds) for
// test/browser/demo.test.ts.
import * as torch from 'torchlette';
import { optim, type nn } from 'torchlette';
import { accuracy, CLASSES, classify, imageToBatch, makeNet, makeSplit, trainEpoch, type Split } from './model.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusEl = $('status'), accEl = $('accuracy'), timingEl = $('timing');
const trainBtn = $<HTMLButtonElement>('train'), loadBtn = $<HTMLButtonElement>('load');
const progress = $<HTMLProgressElement>('progress');
const plot = $<HTMLCanvasElement>('loss-plot');
const draw = $<HTMLCanvasElement>('draw'), small = $<HTMLCanvasElement>('small');
const probsEl = $<HTMLTableElement>('probs');

function showError(e: unknown): void {
  const text = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  $('error').textContent = text;
  document.body.dataset.state = 'error';
  console.error(text);
}
window.addEventListener('error', (e) => showError(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => showError(e.reason));

/** Lets the browser draw (and handle input) between training steps. */
const yieldToBrowser = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The WebAssembly backend (the JS one runs until it loads), as the page shows it. */
async function chooseBackend(): Promise<string> {
  // the .wasm is served next to the page (scripts/web-serve.mjs); a bundler-less page could omit the URL
  const info = await torch.backends.loadWasm(new URL('./torchlette.wasm', location.href).href);
  return `${info.active}${info.active === 'wasm' ? `, ${info.numThreads} thread${info.numThreads > 1 ? 's' : ''}` : ''}${crossOriginIsolated ? ', crossOriginIsolated' : ''}`;
}

async function fetchIdx(name: string): Promise<Uint8Array> {
  const res = await fetch(`./assets/fashion-mnist/${name}.gz`);
  if (!res.ok) throw new Error(`fetching ${name}.gz: HTTP ${res.status}`);
  // the whole file first: piping res.body straight into the decompressor lets it cancel the
  // download once the gzip member ends, which Chromium reports as a failed request
  const gz = await res.blob();
  return new Uint8Array(await new Response(gz.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

// ---- the loss plot: every step's loss (light) and a running mean over 20 steps (dark)

function drawPlot(losses: number[], steps: number): void {
  const ctx = plot.getContext('2d')!;
  const w = plot.width, h = plot.height, left = 40, bottom = 20;
  ctx.clearRect(0, 0, w, h);
  const top = Math.max(2.5, ...losses.slice(0, 5));
  const x = (i: number) => left + ((w - left - 10) * i) / Math.max(steps - 1, 1);
  const y = (v: number) => 8 + (h - bottom - 8) * (1 - Math.min(v, top) / top);
  ctx.strokeStyle = '#ccc';
  ctx.fillStyle = '#666';
  ctx.font = '12px sans-serif';
  ctx.lineWidth = 1;
  for (let v = 0; v <= top; v += 0.5) {
    ctx.beginPath();
    ctx.moveTo(left, y(v));
    ctx.lineTo(w - 10, y(v));
    ctx.stroke();
    ctx.fillText(v.toFixed(1), 8, y(v) + 4);
  }
  ctx.fillText(`step (batch of 32) → ${steps}`, left, h - 4);
  const line = (values: number[], color: string, width: number) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    values.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
    ctx.stroke();
  };
  line(losses, '#9bc1f0', 1);
  line(losses.map((_, i) => { const s = losses.slice(Math.max(0, i - 19), i + 1); return s.reduce((a, b) => a + b, 0) / s.length; }), '#1a4d99', 2);
}

// ---- training and the Node checkpoint

let data: { train: Split; test: Split } | null = null;
let net: nn.Sequential | null = null;

async function trainOneEpoch(): Promise<void> {
  if (!data) return;
  trainBtn.disabled = loadBtn.disabled = true;
  document.body.dataset.state = 'training';
  torch.manualSeed(0); // the same weights and batches every time (and as Node's run of model.ts)
  const model = makeNet();
  const opt = new optim.Adam(model.parameters(), { lr: 0.003 });
  const losses: number[] = [];
  const t0 = performance.now();
  await trainEpoch(model, opt, data.train, async ({ step, steps, loss }) => {
    losses.push(loss);
    progress.max = steps;
    progress.value = step;
    if (step % 4 === 0 || step === steps) {
      statusEl.textContent = `step ${step}/${steps}, loss ${loss.toFixed(3)}`;
      drawPlot(losses, steps);
      await yieldToBrowser();
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const acc = accuracy(model, data.test);
  net = model;
  accEl.textContent = `${(100 * acc).toFixed(1)}% (trained here)`;
  timingEl.textContent = `one epoch of ${data.train.labels.shape[0]} images in ${seconds.toFixed(1)} s`;
  statusEl.textContent = 'trained: now draw something below';
  Object.assign(document.body.dataset, { state: 'trained', accuracy: String(acc), seconds: String(seconds) });
  trainBtn.disabled = loadBtn.disabled = false;
  classifyDrawing();
}

async function loadCheckpoint(): Promise<void> {
  if (!data) return;
  trainBtn.disabled = loadBtn.disabled = true;
  const res = await fetch('./fashion-cnn.pt');
  if (!res.ok) throw new Error(`fetching fashion-cnn.pt: HTTP ${res.status} (npm run web trains it in Node first)`);
  const stateDict = torch.loadFromBuffer<Record<string, torch.Tensor>>(new Uint8Array(await res.arrayBuffer()), 'fashion-cnn.pt');
  const model = makeNet();
  model.loadStateDict(stateDict);
  const acc = accuracy(model, data.test);
  net = model;
  accEl.textContent = `${(100 * acc).toFixed(1)}% (the checkpoint trained in Node)`;
  timingEl.textContent = '';
  statusEl.textContent = 'loaded fashion-cnn.pt: now draw something below';
  Object.assign(document.body.dataset, { state: 'loaded', accuracy: String(acc) });
  trainBtn.disabled = loadBtn.disabled = false;
  classifyDrawing();
}

// ---- drawing, dropping and classifying

const dctx = draw.getContext('2d', { willReadFrequently: true })!;
function clearDrawing(): void {
  dctx.fillStyle = '#000';
  dctx.fillRect(0, 0, draw.width, draw.height);
}
clearDrawing();

/** The drawing as Fashion-MNIST sees images: 28x28, gray, light object on black. */
function drawingPixels(): Uint8ClampedArray {
  const sctx = small.getContext('2d', { willReadFrequently: true })!;
  sctx.imageSmoothingEnabled = true;
  sctx.imageSmoothingQuality = 'high';
  sctx.drawImage(draw, 0, 0, 28, 28);
  const rgba = sctx.getImageData(0, 0, 28, 28).data;
  const gray = new Uint8ClampedArray(28 * 28);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
  return gray;
}

function classifyDrawing(): void {
  if (!net) {
    probsEl.innerHTML = '<tr><td class="muted">train or load a network first</td></tr>';
    return;
  }
  const probs = classify(net, imageToBatch(drawingPixels()));
  const best = probs.indexOf(Math.max(...probs));
  probsEl.innerHTML = probs
    .map((p, i) => `<tr class="${i === best ? 'top' : ''}"><td>${CLASSES[i]}</td><td>${(100 * p).toFixed(1)}%</td><td><span class="bar" style="width:${Math.round(150 * p)}px"></span></td></tr>`)
    .join('');
  document.body.dataset.prediction = CLASSES[best];
}

let drawing = false;
let last: [number, number] | null = null;
function point(e: PointerEvent): [number, number] {
  const r = draw.getBoundingClientRect();
  return [((e.clientX - r.left) * draw.width) / r.width, ((e.clientY - r.top) * draw.height) / r.height];
}
draw.addEventListener('pointerdown', (e) => {
  drawing = true;
  last = point(e);
  draw.setPointerCapture(e.pointerId);
});
draw.addEventListener('pointermove', (e) => {
  if (!drawing || !last) return;
  const p = point(e);
  dctx.strokeStyle = '#fff';
  dctx.lineWidth = 34; // Fashion-MNIST items are filled shapes, not outlines
  dctx.lineCap = dctx.lineJoin = 'round';
  dctx.beginPath();
  dctx.moveTo(...last);
  dctx.lineTo(...p);
  dctx.stroke();
  last = p;
});
draw.addEventListener('pointerup', () => {
  drawing = false;
  last = null;
  classifyDrawing();
});

/** A dropped image, fitted into the square on black; photos on a light background are inverted (Fashion-MNIST's objects are light on black). */
async function dropImage(file: File): Promise<void> {
  const bitmap = await createImageBitmap(file);
  clearDrawing();
  const scale = Math.min(draw.width / bitmap.width, draw.height / bitmap.height);
  const w = bitmap.width * scale, h = bitmap.height * scale;
  dctx.fillStyle = '#fff';
  dctx.fillRect(0, 0, draw.width, draw.height); // a transparent image's background counts as light
  dctx.drawImage(bitmap, (draw.width - w) / 2, (draw.height - h) / 2, w, h);
  const img = dctx.getImageData(0, 0, draw.width, draw.height);
  const px = img.data;
  let border = 0, count = 0;
  for (let yy = 0; yy < draw.height; yy++) {
    for (let xx = 0; xx < draw.width; xx++) {
      if (xx > 2 && yy > 2 && xx < draw.width - 3 && yy < draw.height - 3) continue;
      const i = 4 * (yy * draw.width + xx);
      border += px[i] + px[i + 1] + px[i + 2];
      count += 3;
    }
  }
  if (border / count > 127) for (let i = 0; i < px.length; i += 4) for (let c = 0; c < 3; c++) px[i + c] = 255 - px[i + c];
  dctx.putImageData(img, 0, 0);
  classifyDrawing();
}
draw.addEventListener('dragover', (e) => {
  e.preventDefault();
  draw.classList.add('drop');
});
draw.addEventListener('dragleave', () => draw.classList.remove('drop'));
draw.addEventListener('drop', (e) => {
  e.preventDefault();
  draw.classList.remove('drop');
  const file = e.dataTransfer?.files[0];
  if (file) dropImage(file).catch(showError);
});

$('clear').addEventListener('click', () => {
  clearDrawing();
  classifyDrawing();
});
trainBtn.addEventListener('click', () => trainOneEpoch().catch(showError));
loadBtn.addEventListener('click', () => loadCheckpoint().catch(showError));

// ---- start

(async () => {
  $('backend').textContent = await chooseBackend();
  const [a, b, c, d] = await Promise.all(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(fetchIdx));
  data = { train: makeSplit(a, b), test: makeSplit(c, d) };
  statusEl.textContent = `${data.train.labels.shape[0]} training and ${data.test.labels.shape[0]} test images loaded`;
  trainBtn.disabled = loadBtn.disabled = false;
  document.body.dataset.state = 'ready';
  classifyDrawing();
})().catch(showError);
