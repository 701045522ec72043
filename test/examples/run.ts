// Runs an example as a user would (node + tsx, in a child process) with --quick and an
// output folder of its own, and hands back what it printed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../../src/index.js';
import { io } from '../../src/vision/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The embedded Fashion-MNIST subset: the same data on every machine. */
export const SUBSET = join(ROOT, 'assets', 'fashion-mnist');
const TSX = import.meta.resolve('tsx');

const temps: string[] = [];
process.on('exit', () => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh folder under the OS's temp folder, removed when the test process exits. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `torchlette-${name}-`));
  temps.push(dir);
  return dir;
}

/** `node --import tsx examples/<name>.ts --quick ...args`; throws with the output when it fails. */
export function runExample(name: string, args: string[], opts: { cwd?: string } = {}): string {
  const env = { ...process.env };
  delete env.TORCHLETTE_QUICK; // the --quick flag is what is tested
  const r = spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'examples', `${name}.ts`), '--quick', ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env,
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`examples/${name}.ts ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A number printed after `label` (e.g. "test accuracy: 84.32%"). */
export function numberAfter(output: string, label: RegExp): number {
  const m = new RegExp(`${label.source}\\s*(-?[0-9.]+)`).exec(output);
  if (!m) throw new Error(`no ${label} in the output:\n${output}`);
  return Number(m[1]);
}

/** Decodes a PNG the example wrote, with torchlette's own reader: a uint8 [C, H, W] tensor. */
export function readPng(path: string): Tensor {
  return io.readImage(path);
}

/**
 * A chart an example wrote (examples/lib/plot.ts): the PNG decodes to `shape` and is not
 * blank (its pixels vary, with many distinct colours: lines, anti-aliased text), and the
 * SVG beside it is a drawing with text.
 */
export function assertChart(path: string, shape: number[]): void {
  const img = readPng(path);
  assert.deepEqual(img.shape, shape, path);
  const [C, H, W] = img.shape;
  const px = Array.from(img.contiguous().toTypedArray(), Number);
  const colours = new Set<number>();
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < H * W; i++) {
    let key = 0;
    for (let c = 0; c < C; c++) {
      const v = px[c * H * W + i];
      key = key * 256 + v;
      sum += v;
      sumSq += v * v;
    }
    colours.add(key);
  }
  const n = C * H * W;
  const std = Math.sqrt(sumSq / n - (sum / n) ** 2);
  assert.ok(colours.size > 50, `${path}: only ${colours.size} distinct colours`);
  assert.ok(std > 10, `${path}: pixel standard deviation ${std.toFixed(2)}`);
  const svg = readFileSync(path.replace(/\.png$/, '.svg'), 'utf8');
  assert.match(svg, /^<svg[^>]* width="\d+" height="\d+"[^>]*>[^]*<text[^]*<\/svg>$/, `${path}: its SVG`);
}
