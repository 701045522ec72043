// A tiny plotting module for the examples (they stand in for matplotlib): line and
// scatter charts (training curves, linear regression) and horizontal bar charts (seed
// 004's view_classify), drawn into an RGB buffer with the 5x7 font of font.ts and
// written as PNG with torchlette's vision io.
import * as torch from 'torchlette';
import { io } from 'torchlette/vision';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixels } from './font.js';

export type RGB = readonly [number, number, number];
export const BLACK: RGB = [0, 0, 0];
export const WHITE: RGB = [255, 255, 255];
const GRID: RGB = [225, 225, 225];
const TEXT: RGB = [40, 40, 40];
/** matplotlib's default colour cycle (tab10), so the charts look like the seeds'. */
export const COLORS: RGB[] = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75]];

/** Text is drawn at this scale (2: 10x14-pixel glyphs, 12 pixels per character). */
const S = 2;

export interface TextOptions {
  color?: RGB;
  scale?: number;
  /** Where x is: the text's left end (default), centre or right end. */
  align?: 'left' | 'center' | 'right';
  /** Rotated 90 degrees counter-clockwise (read bottom to top), as a y-axis label. */
  vertical?: boolean;
}

export function textWidth(s: string, scale = S): number {
  return Math.max(0, s.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

export class Canvas {
  /** RGB, row-major (height x width x 3). */
  readonly pixels: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: RGB = WHITE) {
    this.pixels = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  set(x: number, y: number, c: RGB): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.pixels[i] = c[0];
    this.pixels[i + 1] = c[1];
    this.pixels[i + 2] = c[2];
  }

  fillRect(x: number, y: number, w: number, h: number, c: RGB): void {
    for (let j = Math.round(y); j < Math.round(y + h); j++) for (let i = Math.round(x); i < Math.round(x + w); i++) this.set(i, j, c);
  }

  /** A straight line (Bresenham), `thickness` pixels wide. */
  line(x0: number, y0: number, x1: number, y1: number, c: RGB, thickness = 1): void {
    [x0, y0, x1, y1] = [x0, y0, x1, y1].map(Math.round);
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    const half = Math.floor((thickness - 1) / 2);
    let err = dx + dy;
    for (;;) {
      this.fillRect(x0 - half, y0 - half, thickness, thickness, c);
      if (x0 === x1 && y0 === y1) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  /** Text whose top is at y (whose left end is at x, unless aligned otherwise). */
  text(s: string, x: number, y: number, opts: TextOptions = {}): void {
    const { color = TEXT, scale = S, align = 'left', vertical = false } = opts;
    const shift = align === 'left' ? 0 : align === 'center' ? textWidth(s, scale) / 2 : textWidth(s, scale);
    // Along the text direction: +x normally, -y (upwards) when vertical.
    let pen = -shift;
    for (const ch of s) {
      for (const [gx, gy] of glyphPixels(ch)) {
        const along = pen + gx * scale;
        const across = gy * scale;
        if (vertical) this.fillRect(x + across, y - along - scale, scale, scale, color);
        else this.fillRect(x + along, y + across, scale, scale, color);
      }
      pen += (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** Draws an image tensor ([C, H, W] or [H, W]; float in [0, 1] or uint8) into a w x h box, nearest neighbour. */
  image(img: torch.Tensor, x: number, y: number, w: number, h: number): void {
    let t = img.dim() === 2 ? img.unsqueeze(0) : img;
    t = t.dtype === 'uint8' ? t.float().div(255) : t.float();
    const [C, H, W] = t.shape;
    const data = t.clamp(0, 1).contiguous().toTypedArray();
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const p = Math.floor((j * H) / h) * W + Math.floor((i * W) / w);
        const v = (c: number) => Math.round(255 * data[(C === 1 ? 0 : c) * H * W + p]);
        this.set(x + i, y + j, [v(0), v(1), v(2)]);
      }
    }
  }

  /** The canvas as a uint8 [3, H, W] tensor (torchvision's image layout). */
  toTensor(): torch.Tensor {
    return torch.tensor(this.pixels, { dtype: 'uint8' }).view(this.height, this.width, 3).permute(2, 0, 1);
  }

  save(path: string): void {
    io.writePng(this.toTensor(), path);
  }
}

/** About n "nice" tick values (1, 2 or 5 times a power of ten) covering [lo, hi]. */
export function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const pow = 10 ** Math.floor(Math.log10(raw));
  // the step whose tick count is nearest n
  const steps = [1, 2, 5, 10].map((m) => m * pow);
  const step = steps.reduce((a, b) => (Math.abs((hi - lo) / b - n) < Math.abs((hi - lo) / a - n) ? b : a));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function formatTick(v: number, all: number[]): string {
  const step = all.length > 1 ? Math.abs(all[1] - all[0]) : Math.abs(v) || 1;
  const big = Math.max(...all.map(Math.abs));
  if (big >= 1e5 || (big > 0 && big < 1e-3)) return v.toExponential(1);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(decimals);
}

/** A plotting area inside a canvas: maps data coordinates to pixels. */
interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
  px(x: number): number;
  py(y: number): number;
}

interface AxesOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

/** Bar charts label their rows themselves: no y ticks, and this much room on the left. */
interface RowLabels {
  width: number;
}

/** Draws the title, grid, ticks, tick labels and axis labels of a chart in the box; returns its frame. */
function axes(c: Canvas, box: { x: number; y: number; w: number; h: number }, xr: [number, number], yr: [number, number], opts: AxesOptions, rows?: RowLabels): Frame {
  const xt = ticks(xr[0], xr[1], 6);
  const yt = rows ? [] : ticks(yr[0], yr[1], 5);
  const yLabels = yt.map((v) => formatTick(v, yt));
  const lineH = (GLYPH_HEIGHT + 4) * S;
  const left = box.x + (opts.yLabel ? lineH + 8 : 0) + (rows ? rows.width : Math.max(...yLabels.map((s) => textWidth(s)))) + 10;
  const top = box.y + (opts.title ? lineH + 6 : 10);
  const right = box.x + box.w - 20;
  const bottom = box.y + box.h - lineH - (opts.xLabel ? lineH : 0) - 4;
  const px = (x: number) => left + ((x - xr[0]) / (xr[1] - xr[0] || 1)) * (right - left);
  const py = (y: number) => bottom - ((y - yr[0]) / (yr[1] - yr[0] || 1)) * (bottom - top);
  if (opts.title) c.text(opts.title, (left + right) / 2, box.y + 4, { align: 'center', color: BLACK });
  xt.forEach((v) => {
    c.line(px(v), top, px(v), bottom, GRID);
    c.line(px(v), bottom, px(v), bottom + 5, TEXT);
    c.text(formatTick(v, xt), px(v), bottom + 9, { align: 'center' });
  });
  yt.forEach((v, i) => {
    c.line(left, py(v), right, py(v), GRID);
    c.line(left - 5, py(v), left, py(v), TEXT);
    c.text(yLabels[i], left - 9, py(v) - (GLYPH_HEIGHT * S) / 2, { align: 'right' });
  });
  c.line(left, top, left, bottom, TEXT);
  c.line(left, bottom, right, bottom, TEXT);
  if (opts.xLabel) c.text(opts.xLabel, (left + right) / 2, bottom + 9 + lineH, { align: 'center' });
  if (opts.yLabel) c.text(opts.yLabel, box.x + 4, (top + bottom) / 2, { align: 'center', vertical: true });
  return { left, top, right, bottom, px, py };
}

export interface Series {
  label?: string;
  y: readonly number[];
  /** Default: 1, 2, 3, ... */
  x?: readonly number[];
  color?: RGB;
  /** 'line' (default) joins the points; 'points' draws each as a small square (a scatter plot). */
  mode?: 'line' | 'points';
}

export interface ChartOptions extends AxesOptions {
  width?: number;
  height?: number;
  /** Force the y range (e.g. [0, 1] for accuracy); default: the data's range. */
  yRange?: [number, number];
  /** The corner for the legend (default top right). */
  legend?: 'left' | 'right';
}

function extent(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** matplotlib's ax.plot / ax.scatter for a few series, with a legend when series have labels. */
export function lineChart(series: Series[], opts: ChartOptions = {}): Canvas {
  const c = new Canvas(opts.width ?? 800, opts.height ?? 500);
  const xs = series.map((s) => s.x ?? s.y.map((_, i) => i + 1));
  const xr = extent(xs.flat());
  const [ylo, yhi] = opts.yRange ?? extent(series.flatMap((s) => [...s.y]));
  const pad = opts.yRange ? 0 : (yhi - ylo) * 0.05; // matplotlib's 5% margins
  const f = axes(c, { x: 0, y: 0, w: c.width, h: c.height }, xr, [ylo - pad, yhi + pad], opts);
  series.forEach((s, k) => {
    const color = s.color ?? COLORS[k % COLORS.length];
    const x = xs[k];
    for (let i = 0; i < s.y.length; i++) {
      if (!Number.isFinite(s.y[i])) continue;
      if (s.mode === 'points') c.fillRect(f.px(x[i]) - 2, f.py(s.y[i]) - 2, 4, 4, color);
      else if (i > 0 && Number.isFinite(s.y[i - 1])) c.line(f.px(x[i - 1]), f.py(s.y[i - 1]), f.px(x[i]), f.py(s.y[i]), color, 2);
    }
  });
  // Legend, top right, one line per labelled series.
  const labelled = series.map((s, k) => ({ s, k })).filter(({ s }) => s.label);
  const widest = Math.max(0, ...labelled.map(({ s }) => textWidth(s.label!)));
  labelled.forEach(({ s, k }, row) => {
    const y = f.top + 10 + row * (GLYPH_HEIGHT + 5) * S;
    const x = opts.legend === 'left' ? f.left + 16 : f.right - widest - 40;
    c.fillRect(x - 6, y - 4, widest + 42, (GLYPH_HEIGHT + 5) * S, WHITE);
    c.line(x, y + GLYPH_HEIGHT, x + 24, y + GLYPH_HEIGHT, s.color ?? COLORS[k % COLORS.length], s.mode === 'points' ? 4 : 2);
    c.text(s.label!, x + 30, y);
  });
  return c;
}

/** Horizontal bars (matplotlib's ax.barh) with a label per bar, drawn into a box of a canvas. */
function bars(
  c: Canvas,
  box: { x: number; y: number; w: number; h: number },
  labels: readonly string[],
  values: readonly number[],
  title: string | undefined,
  xMax: number,
  format?: (v: number) => string,
): void {
  const labelW = Math.max(...labels.map((s) => textWidth(s)));
  const f = axes(c, box, [0, xMax], [0, labels.length], { title }, { width: labelW });
  const rowH = (f.bottom - f.top) / labels.length;
  labels.forEach((label, k) => {
    const y = f.top + k * rowH;
    c.fillRect(f.left + 1, y + rowH * 0.15, Math.max(0, f.px(values[k]) - f.left), rowH * 0.7, COLORS[0]);
    c.text(label, f.left - 8, y + rowH / 2 - (GLYPH_HEIGHT * S) / 2, { align: 'right' });
    if (format) c.text(format(values[k]), f.px(values[k]) + 8, y + rowH / 2 - (GLYPH_HEIGHT * S) / 2);
  });
}

export interface BarChartOptions {
  title?: string;
  xMax?: number;
  width?: number;
  height?: number;
  /** Writes each value after its bar (e.g. v => `${(100 * v).toFixed(1)}%`). */
  format?: (v: number) => string;
}

export function barChart(labels: readonly string[], values: readonly number[], opts: BarChartOptions = {}): Canvas {
  const c = new Canvas(opts.width ?? 600, opts.height ?? 80 + 40 * labels.length);
  bars(c, { x: 10, y: 0, w: c.width - 10, h: c.height }, labels, values, opts.title, opts.xMax ?? Math.max(...values), opts.format);
  return c;
}

/**
 * Seed 004's helper.view_classify: the image on the left, its class probabilities as
 * horizontal bars on the right (x from 0 to 1.1, as the seed's ax2.set_xlim).
 */
export function viewClassify(image: torch.Tensor, probs: readonly number[], classes: readonly string[], title = 'Class Probability'): Canvas {
  const c = new Canvas(900, 420);
  // matplotlib would colour a 1-channel image with its viridis colormap; gray is truer here.
  c.image(image, 20, 60, 300, 300);
  bars(c, { x: 350, y: 20, w: 540, h: 390 }, classes, probs, title, 1.1);
  return c;
}
