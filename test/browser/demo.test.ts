/// <reference lib="dom" />
// The demo page (examples/web/, `npm run web`) in headless Chromium: it loads the
// checkpoint trained in Node and scores what Node scores with it, classifies a drawing and a
// dropped image, and trains one epoch of the embedded Fashion-MNIST subset to the issue's
// bar (>= 75% test accuracy), reporting the accuracy and the time. Any page error, console
// error or failed request fails the test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { browserSkip, CHROMIUM, ROOT } from './harness.js';
// @ts-expect-error plain JavaScript script, no declarations
import { prepareDemo } from '../../scripts/web-serve.mjs';
// @ts-expect-error plain JavaScript script, no declarations
import { startServer } from '../../scripts/web-server.mjs';

const skip = browserSkip();

describe('the demo page (examples/web) in headless Chromium', { skip }, () => {
  let dir: string;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'torchlette-demo-'));
    const routes = await prepareDemo({ outDir: dir, epochs: 1 }); // one epoch of training in Node is enough to check loading
    server = await startServer(routes);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 30_000 });
    assert.deepEqual(problems, [], 'the page did not load cleanly');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const state = () => page.evaluate(() => ({ ...document.body.dataset }));

  test("loads the checkpoint trained in Node (torch.loadFromBuffer) and scores what Node scores with it", async () => {
    await page.click('#load');
    await page.waitForFunction(() => ['loaded', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 30_000 });
    const s = await state();
    assert.deepEqual(problems, []);
    // Node's score of the same file on the page's backend (a fresh process: the backend is chosen at load)
    const pageBackend = (await page.locator('#backend').textContent())!.split(',')[0].trim();
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'browser', 'programs', 'eval-checkpoint.ts'), join(dir, 'fashion-cnn.pt')], {
      cwd: ROOT,
      // The page runs the single-threaded wasm build; a stuck child fails the test instead of hanging it.
      env: { ...process.env, TORCHLETTE_BACKEND: pageBackend, TORCHLETTE_WASM_THREADS: '0' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const node = JSON.parse(r.stdout) as { backend: string; accuracy: number };
    const nodeAcc = node.accuracy;
    console.log(`# Node's checkpoint: test accuracy ${nodeAcc} in Node (${node.backend}), ${s.accuracy} in the page (${pageBackend})`);
    assert.equal(Number(s.accuracy), nodeAcc);
  });

  test('classifies a drawing and a dropped image', async () => {
    // a pair of trousers: two wide legs, top to bottom (light on black, as Fashion-MNIST)
    const box = (await page.locator('#draw').boundingBox())!;
    const stroke = async (points: [number, number][]) => {
      await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
      await page.mouse.down();
      for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
      await page.mouse.up();
    };
    await page.click('#clear');
    await stroke([[95, 25], [185, 25]]); // the waist
    for (const dx of [0, 20]) {
      await stroke([[95 + dx, 25], [80 + dx, 265]]); // left leg, two strokes wide
      await stroke([[165 + dx, 25], [180 + dx, 265]]); // right leg
    }
    const drawn = await state();
    console.log(`# a drawn pair of trousers is classified as: ${drawn.prediction}`);
    assert.equal(await page.locator('#probs tr').count(), 10);
    assert.ok(drawn.prediction, 'no prediction shown');
    // a dropped PNG: a Fashion-MNIST test image (dark on light, so the page inverts it), as a user would drop one
    const label = await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(56, 56);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 56, 56);
      ctx.fillStyle = '#000';
      ctx.fillRect(12, 6, 32, 44); // a dark rectangle: anything will do, the test checks the path
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'item.png', { type: 'image/png' }));
      const before = document.body.dataset.prediction;
      document.body.dataset.prediction = '';
      document.getElementById('draw')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      for (let i = 0; i < 100 && !document.body.dataset.prediction; i++) await new Promise((r) => setTimeout(r, 20));
      return { before, after: document.body.dataset.prediction };
    });
    console.log(`# a dropped image is classified as: ${label.after}`);
    assert.ok(label.after, 'no prediction after the drop');
    assert.deepEqual(problems, []);
  });

  test('trains one epoch of the embedded subset in the page to >= 75% test accuracy', async () => {
    const t0 = Date.now();
    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 240_000, polling: 500 });
    const s = await state();
    const backend = await page.locator('#backend').textContent();
    console.log(`# demo: one epoch in the page on ${backend}: test accuracy ${(100 * Number(s.accuracy)).toFixed(1)}%, ${Number(s.seconds).toFixed(1)} s training (${((Date.now() - t0) / 1000).toFixed(1)} s with evaluation)`);
    assert.deepEqual(problems, []);
    assert.ok(Number(s.accuracy) >= 0.75, `test accuracy ${s.accuracy} < 0.75`);
    // the progress bar went to the end and the loss plot has its lines (pixels of the two blues)
    const ui = await page.evaluate(() => {
      const bar = document.getElementById('progress') as HTMLProgressElement;
      const plot = document.getElementById('loss-plot') as HTMLCanvasElement;
      const px = plot.getContext('2d')!.getImageData(0, 0, plot.width, plot.height).data;
      let blue = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && px[i + 2] > px[i] + 60) blue++;
      return { value: bar.value, max: bar.max, blue };
    });
    assert.equal(ui.value, ui.max);
    assert.equal(ui.max, Math.ceil(6000 / 32));
    assert.ok(ui.blue > 500, `the loss plot has only ${ui.blue} line pixels`);
  });
});
