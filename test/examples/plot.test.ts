// examples/lib/plot.ts: Vega-Lite charts rasterised by resvg with the bundled font only
// (system fonts are never loaded), so their text renders on a machine without fonts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barChart, lineChart } from '../../examples/lib/plot.js';

/** How many of the pixels in rows [y0, y1) are dark (text, lines), in a uint8 [3, H, W] image. */
function darkPixels(img: { shape: number[]; contiguous(): { toTypedArray(): ArrayLike<number> | BigInt64Array } }, y0: number, y1: number): number {
  const [, H, W] = img.shape;
  const px = Array.from(img.contiguous().toTypedArray(), Number);
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = 0; x < W; x++) if (px[y * W + x] + px[H * W + y * W + x] + px[2 * H * W + y * W + x] < 300) n++;
  return n;
}

test('charts draw their text with the bundled font: a title appears, and only when there is one', async () => {
  const values = [0.25, 0.75];
  const titled = await barChart(['first', 'second'], values, { title: 'Some title', xMax: 1 }).toTensor();
  const untitled = await barChart(['first', 'second'], values, { xMax: 1 }).toTensor();
  assert.deepEqual(titled.shape, [3, 160, 600]); // 80 + 40 pixels per bar
  // The title's glyphs sit in the top rows of the titled chart; the untitled one has its frame there.
  assert.ok(darkPixels(titled, 8, 28) > 100, `title pixels: ${darkPixels(titled, 8, 28)}`);
  assert.ok(darkPixels(untitled, 0, 8) < darkPixels(titled, 8, 28));
});

test('line charts: the requested size, and the SVG is the same drawing', async () => {
  const chart = lineChart([{ label: 'loss', y: [3, 2, 1.5, 1.2, 1.1] }], { title: 'Loss', xLabel: 'step', width: 400, height: 300 });
  const img = await chart.toTensor();
  assert.deepEqual(img.shape, [3, 300, 400]);
  const svg = await chart.toSvg();
  assert.match(svg, /^<svg[^>]* width="400" height="300"/);
  for (const text of ['Loss', 'step', 'loss']) assert.ok(svg.includes(`>${text}</text>`), text);
});
