// Fashion-MNIST for the benchmarks, read from the Debian package's gzipped IDX files
// (/usr/share/datasets/fashion-mnist) the same way by every JS framework's runner:
// images as x/255 normalised with mean 0.2860 / std 0.3530, labels as integers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Generator, randperm } from '../src/index.js';

export const FASHION_DIR = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

export interface Split {
  images: Float32Array; // [n, 784], normalised
  labels: Int32Array; // [n]
  n: number;
}

function readIdx(file: string): Buffer {
  const buf = gunzipSync(readFileSync(join(FASHION_DIR, file)));
  return buf;
}

export function fashionAvailable(): boolean {
  return existsSync(join(FASHION_DIR, 'train-images-idx3-ubyte.gz'));
}

export function loadFashion(train: boolean): Split {
  const prefix = train ? 'train' : 't10k';
  const img = readIdx(`${prefix}-images-idx3-ubyte.gz`);
  const lab = readIdx(`${prefix}-labels-idx1-ubyte.gz`);
  if (img.readUInt32BE(0) !== 0x803 || lab.readUInt32BE(0) !== 0x801) throw new Error('not IDX files');
  const n = img.readUInt32BE(4);
  const images = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) images[i] = (img[16 + i] / 255 - 0.286) / 0.353;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = lab[8 + i];
  return { images, labels, n };
}

/**
 * The epoch's order: torch.randperm(n, generator=torch.Generator().manual_seed(seed)), drawn
 * with torchlette's generator (PyTorch's numbers), so every runner sees PyTorch's batches.
 */
export function permutation(n: number, seed = 1): Int32Array {
  const g = new Generator().manualSeed(seed);
  // int64 tensors hold a BigInt64Array: Number() per element.
  return Int32Array.from(randperm(n, { generator: g }).toTypedArray() as BigInt64Array, Number);
}

/** Batch b (of `size`) gathered in permutation order: images [size, 784] and labels. */
export function batch(split: Split, perm: Int32Array, b: number, size: number): { x: Float32Array; y: Int32Array; n: number } {
  const start = b * size;
  const n = Math.min(size, split.n - start);
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = perm[start + i];
    x.set(split.images.subarray(k * 784, (k + 1) * 784), i * 784);
    y[i] = split.labels[k];
  }
  return { x, y, n };
}
