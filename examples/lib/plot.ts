// Charts for the examples (they stand in for matplotlib): line and scatter charts (training
// curves, linear regression), horizontal bar charts, and seed 004's view_classify (an image
// beside its class probabilities). Each chart is a Vega-Lite spec (chart.spec), compiled by
// vega-lite, rendered to SVG by Vega (headless, no browser) and rasterised to PNG by resvg
// with the font in assets/fonts handed to it explicitly: no system font is used, so the text
// renders alike on every machine. `await chart.save('x.png')` writes x.png and x.svg.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as torch from 'torchlette';
import { io } from 'torchlette/vision';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type RGB = readonly [number, number, number];
/** matplotlib's default colour cycle (tab10), so the charts look like the seeds'. */
export const COLORS: RGB[] = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75]];

const FONT_FILE = fileURLToPath(new URL('../../assets/fonts/DejaVuSans.ttf', import.meta.url));
const FONT = 'DejaVu Sans';
if (!existsSync(FONT_FILE)) throw new Error(`the charts' font is missing: ${FONT_FILE} (resvg would draw no text without it)`);
/** For SVG viewers without the font. */
const FONT_FAMILY = `${FONT}, Verdana, sans-serif`;
const RESVG: ResvgRenderOptions = {
  font: { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT, sansSerifFamily: FONT },
  background: 'white',
};

/** The look shared by every chart (matplotlib-like sizes; the bundled font, never bold: it has one weight). */
const CONFIG = {
  font: FONT_FAMILY,
  background: 'white',
  title: { fontSize: 16, fontWeight: 'normal', color: '#000', offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 14, titleFontWeight: 'normal', labelColor: '#333', titleColor: '#000', gridColor: '#e4e4e4', domainColor: '#444', tickColor: '#444' },
  legend: { labelFontSize: 13, labelLimit: 0, fillColor: 'white', strokeColor: '#ccc', padding: 8, cornerRadius: 3, symbolStrokeWidth: 2.5, symbolSize: 160 },
  view: { stroke: '#444' },
} as const;

function hex(c: RGB): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

// Vega lays text out (axis label widths, legend boxes) by text widths; without a canvas it
// estimates them from the number of characters. Measure them with resvg and the bundled
// font instead (vl-convert does the same with its own renderer), so the layout fits the text
// that is drawn.
const widths = new Map<string, number>();
function textWidth(text: string, fontSize: number): number {
  const key = `${fontSize} ${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${20 * fontSize * (text.length + 1)}" height="${4 * fontSize}"><text x="0" y="${2 * fontSize}" font-family="${FONT}" font-size="${fontSize}" xml:space="preserve">${escaped}</text></svg>`;
    const box = new Resvg(svg, RESVG).getBBox();
    w = box ? Math.ceil(box.x + box.width) : 0;
    widths.set(key, w);
  }
  return w;
}
(vega as unknown as { textMetrics: { width: (item: { fontSize?: number }, text?: string) => number } }).textMetrics.width = (item, text) =>
  textWidth(String(text ?? '').trim(), item.fontSize ?? 11);

/**
 * Places an SVG drawing of any size in a width x height one: centred, and scaled down if it
 * is larger (Vega sizes single views exactly, but concatenated ones by their content).
 */
function fitSvg(svg: string, width: number, height: number): string {
  const open = /^<svg[^>]*>/.exec(svg);
  const dims = open && /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(open[0]);
  if (!open || !dims) throw new Error('unexpected SVG from Vega: no viewBox on its <svg> element');
  const [w, h] = [Number(dims[1]), Number(dims[2])];
  if (w === width && h === height) return svg;
  const s = Math.min(1, width / w, height / h);
  const [vw, vh] = [width / s, height / s];
  const [x, y] = [-(vw - w) / 2, -(vh - h) / 2];
  const tag = open[0]
    .replace(/ width="[\d.]+"/, ` width="${width}"`)
    .replace(/ height="[\d.]+"/, ` height="${height}"`)
    .replace(/viewBox="[^"]*"/, `viewBox="${x} ${y} ${vw} ${vh}"`);
  return `${tag}<rect x="${x}" y="${y}" width="${vw}" height="${vh}" fill="white"/>${svg.slice(open[0].length)}`;
}

/** A chart: its Vega-Lite spec, drawn at width x height pixels. */
export class Chart {
  constructor(
    readonly spec: TopLevelSpec,
    readonly width: number,
    readonly height: number,
  ) {}

  /** The chart as SVG text (width x height). */
  async toSvg(): Promise<string> {
    const view = new vega.View(vega.parse(compile(this.spec).spec), { renderer: 'none' });
    try {
      return fitSvg(await view.toSVG(), this.width, this.height);
    } finally {
      view.finalize();
    }
  }

  /** The chart rasterised: a uint8 [3, height, width] tensor (torchvision's image layout). */
  async toTensor(): Promise<torch.Tensor> {
    return rasterise(await this.toSvg());
  }

  /** Writes the chart as PNG at `path` and as SVG beside it (the same name ending in .svg). */
  async save(path: string): Promise<{ png: string; svg: string }> {
    const svgPath = path.replace(/(\.png)?$/i, '.svg');
    const svg = await this.toSvg();
    writeFileSync(svgPath, svg);
    io.writePng(rasterise(svg), path);
    return { png: path, svg: svgPath };
  }
}

/** SVG text rendered by resvg with the bundled font: a uint8 [3, H, W] tensor. */
function rasterise(svg: string): torch.Tensor {
  const image = new Resvg(svg, RESVG).render();
  const rgba = image.pixels; // on a white background: opaque
  const rgb = new Uint8Array(image.width * image.height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return torch.tensor(rgb, { dtype: 'uint8' }).view(image.height, image.width, 3).permute(2, 0, 1);
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

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Force the y range (e.g. [0, 1] for accuracy); default: the data's range. */
  yRange?: [number, number];
  /** The corner for the legend (default top right). */
  legend?: 'left' | 'right';
}

/** matplotlib's ax.plot / ax.scatter for a few series, with a legend when series have labels. */
export function lineChart(series: Series[], opts: ChartOptions = {}): Chart {
  const width = opts.width ?? 800;
  const height = opts.height ?? 500;
  // Each series is a colour in the legend; unlabelled ones get a name that the legend leaves out.
  const names = series.map((s, k) => s.label ?? `(series ${k + 1})`);
  const labelled = series.flatMap((s, k) => (s.label ? [names[k]] : []));
  const colors = series.map((s, k) => hex(s.color ?? COLORS[k % COLORS.length]));
  const values = series.flatMap((s, k) =>
    s.y.map((y, i) => ({ series: names[k], mode: s.mode ?? 'line', x: s.x ? s.x[i] : i + 1, y: Number.isFinite(y) ? y : null })),
  );
  const integral = values.every((v) => Number.isInteger(v.x));
  const shapes = Object.fromEntries(series.map((s, k) => [names[k], s.mode === 'points' ? 'square' : 'stroke']));
  const layer = (['line', 'points'] as const)
    .filter((mode) => series.some((s) => (s.mode ?? 'line') === mode))
    .map((mode) => ({
      transform: [{ filter: { field: 'mode', equal: mode } }],
      mark: mode === 'line' ? { type: 'line' as const, strokeWidth: 2, clip: true } : { type: 'square' as const, size: 20, opacity: 1, clip: true },
    }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 10,
    ...(opts.title ? { title: opts.title } : {}),
    data: { values },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: opts.xLabel ?? null,
        scale: { zero: false, nice: false },
        // about one tick per 80 pixels, whole numbers when x counts (batches, iterations)
        axis: { tickCount: Math.round(width / 80), labelOverlap: true, ...(integral ? { tickMinStep: 1, format: 'd' } : {}) },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: opts.yLabel ?? null,
        scale: opts.yRange ? { domain: opts.yRange, nice: false } : { zero: false, nice: true },
      },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: names, range: colors },
        legend:
          labelled.length === 0
            ? null
            : {
                values: labelled,
                title: null,
                orient: opts.legend === 'left' ? 'top-left' : 'top-right',
                // a line for line series, a square for scatter series (matplotlib's legend handles)
                encode: {
                  symbols: {
                    update: {
                      shape: { signal: `${JSON.stringify(shapes)}[datum.value]` },
                      fill: { signal: `${JSON.stringify(shapes)}[datum.value] === 'square' ? scale('color', datum.value) : 'transparent'` },
                      stroke: { signal: "scale('color', datum.value)" },
                      size: { signal: `${JSON.stringify(shapes)}[datum.value] === 'square' ? 80 : 160` },
                    },
                  },
                },
              },
      },
    },
    layer,
    config: CONFIG,
  } as TopLevelSpec;
  return new Chart(spec, width, height);
}

export interface BarChartOptions {
  title?: string;
  xMax?: number;
  width?: number;
  height?: number;
  /** Writes each value after its bar (e.g. v => `${(100 * v).toFixed(1)}%`). */
  format?: (v: number) => string;
}

/** The Vega-Lite view of matplotlib's ax.barh with a label per bar (top to bottom in the given order). */
function barsView(labels: readonly string[], values: readonly number[], xMax: number, title?: string, format?: (v: number) => string) {
  return {
    ...(title ? { title } : {}),
    data: { values: labels.map((label, k) => ({ label, value: values[k], text: format ? format(values[k]) : '' })) },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, scale: { paddingInner: 0.25 }, axis: { title: null, labelFontSize: 13, labelLimit: 0, ticks: false, labelPadding: 6 } },
      x: { field: 'value', type: 'quantitative', title: null, scale: { domain: [0, xMax], nice: false }, axis: { tickCount: 6 } },
    },
    layer: [
      { mark: { type: 'bar', color: hex(COLORS[0]), clip: true } },
      ...(format ? [{ mark: { type: 'text', align: 'left', baseline: 'middle', dx: 6, fontSize: 13, color: '#000' }, encoding: { text: { field: 'text' } } }] : []),
    ],
  };
}

export function barChart(labels: readonly string[], values: readonly number[], opts: BarChartOptions = {}): Chart {
  const width = opts.width ?? 600;
  const height = opts.height ?? 80 + 40 * labels.length;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: { left: 10, top: 10, bottom: 10, right: opts.format ? 70 : 20 },
    ...barsView(labels, values, opts.xMax ?? Math.max(...values), opts.title, opts.format),
    config: CONFIG,
  } as TopLevelSpec;
  return new Chart(spec, width, height);
}

/**
 * An image tensor ([C, H, W] or [H, W]; float in [0, 1] or uint8) as a PNG data URL, scaled
 * up by a whole factor (nearest neighbour) to be at most `box` pixels on its longer side.
 */
function imageUrl(img: torch.Tensor, box: number): { url: string; width: number; height: number; scaled: boolean } {
  let t = img.dim() === 2 ? img.unsqueeze(0) : img;
  t = t.dtype === 'uint8' ? t : t.float().clamp(0, 1).mul(255).round().to('uint8');
  if (t.shape[0] === 1) t = t.expand(3, -1, -1);
  const [, H, W] = t.shape;
  const k = Math.max(1, Math.floor(box / Math.max(H, W)));
  if (k > 1) t = t.repeatInterleave(k, 1).repeatInterleave(k, 2);
  const png = io.encodePng(t.contiguous());
  return { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, width: W * k, height: H * k, scaled: k > 1 };
}

/**
 * Seed 004's helper.view_classify: the image on the left, its class probabilities as
 * horizontal bars on the right (x from 0 to 1.1, as the seed's ax2.set_xlim). 900 x 420.
 */
export function viewClassify(image: torch.Tensor, probs: readonly number[], classes: readonly string[], title = 'Class Probability'): Chart {
  const [width, height, box] = [900, 420, 300];
  // matplotlib would colour a 1-channel image with its viridis colormap; gray is truer here.
  const shown = imageUrl(image, box);
  // A small image enlarged by whole factors is shown pixel for pixel; a larger one fills the box.
  const fit = shown.scaled ? 1 : box / Math.max(shown.width, shown.height);
  const labelWidth = Math.max(...classes.map((c) => textWidth(c, 13)));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    padding: 10,
    spacing: 30,
    hconcat: [
      {
        width: box,
        height: box,
        title: ' ',
        view: { stroke: null },
        data: { values: [{ url: shown.url }] },
        mark: { type: 'image', width: shown.width * fit, height: shown.height * fit, align: 'center', baseline: 'middle' },
        encoding: { url: { field: 'url', type: 'nominal' }, x: { value: box / 2 }, y: { value: box / 2 } },
      },
      { width: Math.max(100, width - box - labelWidth - 70), height: box, ...barsView(classes, probs, 1.1, title) },
    ],
    config: CONFIG,
  } as TopLevelSpec;
  return new Chart(spec, width, height);
}
