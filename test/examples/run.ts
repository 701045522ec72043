// Runs an example as a user would (node + tsx, in a child process) with --quick and an
// output folder of its own, and hands back what it printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
