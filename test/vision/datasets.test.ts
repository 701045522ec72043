import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as torch from '../../src/index.js';
import { DataLoader } from '../../src/utils/data/index.js';
import { Image, datasets, imageToTensor, io, transforms as T } from '../../src/vision/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { makeImageFolder } from './worker-datasets.js';

const tmp = mkdtempSync(join(tmpdir(), 'torchlette-datasets-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function idx(type: number, shape: number[], values: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 * (shape.length + 1));
  header.writeUInt32BE((type << 8) | shape.length, 0);
  shape.forEach((s, i) => header.writeUInt32BE(s, 4 * (i + 1)));
  return Buffer.concat([header, Buffer.from(Uint8Array.from(values))]);
}

/** A tiny MNIST-format split: n images of 4x3 pixels (pixel = 10 * item + position) and labels. */
function writeSplit(folder: string, prefix: 'train' | 't10k', n: number, gz: boolean): void {
  mkdirSync(folder, { recursive: true });
  const pixels = Array.from({ length: n * 12 }, (_, i) => (10 * Math.floor(i / 12) + (i % 12)) % 256);
  const labels = Array.from({ length: n }, (_, i) => (i * 3) % 10);
  const write = (name: string, data: Buffer) => writeFileSync(join(folder, gz ? `${name}.gz` : name), gz ? gzipSync(data) : data);
  write(`${prefix}-images-idx3-ubyte`, idx(0x08, [n, 4, 3], pixels));
  write(`${prefix}-labels-idx1-ubyte`, idx(0x08, [n], labels));
}

describe('MNIST / FashionMNIST from IDX files', () => {
  test('torchvision layout (root/MNIST/raw), uncompressed and gzipped', () => {
    const root = join(tmp, 'mnist');
    writeSplit(join(root, 'MNIST', 'raw'), 'train', 5, false);
    writeSplit(join(root, 'MNIST', 'raw'), 't10k', 3, true);
    const train = new datasets.MNIST(root);
    assert.equal(train.length, 5);
    const [img, label] = train.getItem(2);
    assert.ok(img instanceof Image);
    assert.deepEqual([img.width, img.height, img.mode], [3, 4, 'L']);
    assert.deepEqual(Array.from(img.data), Array.from({ length: 12 }, (_, i) => 20 + i));
    assert.equal(label, 6);
    assert.deepEqual(train.data.shape, [5, 4, 3]);
    assert.deepEqual(Array.from(train.targets.toTypedArray(), Number), [0, 3, 6, 9, 2]);
    assert.throws(() => train.getItem(5), (e: Error) => e instanceof RangeError && /index 5 is out of range for a dataset of length 5/.test(e.message));
    assert.throws(() => train.getItem(1.5), TypeError);
    const test = new datasets.MNIST(root, { train: false, transform: new T.ToTensor(), targetTransform: (y) => y + 100 });
    assert.equal(test.length, 3);
    const [x, y] = test.getItem(-1);
    assert.deepEqual([x.shape, x.dtype, y], [[1, 4, 3], 'float32', 106]);
    assert.equal(x.max().item(), Math.fround(31 / 255));
  });

  test('a flat folder holding the files; classes', () => {
    const root = join(tmp, 'flat');
    writeSplit(root, 'train', 4, true);
    const ds = new datasets.FashionMNIST(root);
    assert.equal(ds.length, 4);
    assert.equal(ds.classes[9], 'Ankle boot');
    assert.equal(ds.classToIdx.Trouser, 1);
  });

  test('batches through a DataLoader', () => {
    const root = join(tmp, 'mnist');
    const loader = new DataLoader(new datasets.MNIST(root, { transform: new T.ToTensor() }), { batchSize: 2 });
    const shapes = [...loader].map(([x, y]) => [x.shape, y.dtype]);
    assert.deepEqual(shapes, [[[2, 1, 4, 3], 'int64'], [[2, 1, 4, 3], 'int64'], [[1, 1, 4, 3], 'int64']]);
  });

  test('bad IDX files raise errors naming the file', () => {
    const root = join(tmp, 'bad');
    mkdirSync(root, { recursive: true });
    const images = join(root, 'train-images-idx3-ubyte');
    const labels = join(root, 'train-labels-idx1-ubyte');
    writeFileSync(labels, idx(0x08, [2], [1, 2]));
    writeFileSync(images, idx(0x08, [2, 4, 3], new Array(20).fill(0)));
    assert.throws(() => new datasets.MNIST(root), (e: Error) => e.message.includes(images) && /truncated/.test(e.message));
    const wrongMagic = idx(0x08, [2, 4, 3], new Array(24).fill(0));
    wrongMagic.writeUInt32BE(0x12345678, 0);
    writeFileSync(images, wrongMagic);
    assert.throws(() => new datasets.MNIST(root), (e: Error) => e.message.includes(images) && /wrong magic number 0x12345678/.test(e.message));
    writeFileSync(images, gzipSync(idx(0x08, [2, 4, 3], new Array(24).fill(0))).subarray(0, 30));
    assert.throws(() => new datasets.MNIST(root), (e: Error) => e.message.includes(images) && /gunzip/.test(e.message));
    writeFileSync(images, idx(0x08, [3, 4, 3], new Array(36).fill(0)));
    assert.throws(() => new datasets.MNIST(root), /has 3 images but .* has 2 labels/);
    assert.throws(() => new datasets.MNIST(join(tmp, 'nowhere')), /Dataset not found: put train-images-idx3-ubyte\[\.gz\].*nowhere/s);
  });

  test('download: true fails offline with a message saying where to put the files', () => {
    class Offline extends datasets.MNIST {
      static override mirrors = ['http://127.0.0.1:9/'];
    }
    const root = join(tmp, 'offline');
    assert.throws(
      () => new Offline(root, { download: true }),
      (e: Error) => /Could not download train-images-idx3-ubyte\.gz/.test(e.message) && e.message.includes('http://127.0.0.1:9/train-images-idx3-ubyte.gz') && e.message.includes(join(root, 'MNIST', 'raw')),
    );
  });

  test('download: true fetches from a mirror and checks MD5', async () => {
    const served = join(tmp, 'served');
    writeSplit(served, 'train', 3, true);
    writeSplit(served, 't10k', 2, true);
    const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
    const { readFileSync } = await import('node:fs');
    const md5 = (n: string) => createHash('md5').update(readFileSync(join(served, n))).digest('hex');
    // The download blocks this thread, so the mirror runs in another process.
    const server = spawn(process.execPath, ['-e', `require('http').createServer((q, r) => require('fs').createReadStream(require('path').join(${JSON.stringify(served)}, q.url.slice(1))).on('error', () => { r.statusCode = 404; r.end(); }).pipe(r)).listen(0, '127.0.0.1', function () { console.log(this.address().port); })`]);
    try {
      const port = await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
      class Mirrored extends datasets.MNIST {
        static override mirrors = [`http://127.0.0.1:${port}/missing/`, `http://127.0.0.1:${port}/`];
        static override resources = names.map((n) => [n, md5(n)] as [string, string]);
      }
      const root = join(tmp, 'downloaded');
      const ds = new Mirrored(root, { download: true });
      assert.equal(ds.length, 3);
      assert.ok(existsSync(join(root, 'MNIST', 'raw', 't10k-labels-idx1-ubyte.gz')));
      class BadMd5 extends Mirrored {
        static override resources = names.map((n) => [n, '0'.repeat(32)] as [string, string]);
      }
      assert.throws(() => new BadMd5(join(tmp, 'bad-md5'), { download: true }), /MD5 mismatch/);
    } finally {
      server.kill();
    }
  });
});

const FASHION = '/usr/share/datasets/fashion-mnist';
const fashionFixture = loadFixture<{ fashion_mnist?: { train_label_counts: number[]; test_label_counts: number[]; train_first: { label: number; pixel_sum: number; row_14: number[] } } }>('data-files.json').fashion_mnist;

describe('the real Fashion-MNIST (Debian dataset-fashion-mnist)', { skip: !existsSync(FASHION) && `${FASHION} is not installed` }, () => {
  test('60000 / 10000 items, [1, 28, 28] float tensors after ToTensor, labels as PyTorch reads them', () => {
    const train = new datasets.FashionMNIST(FASHION, { train: true, transform: new T.ToTensor() });
    const test = new datasets.FashionMNIST(FASHION, { train: false, transform: new T.ToTensor() });
    assert.equal(train.length, 60000);
    assert.equal(test.length, 10000);
    const [x, y] = train.getItem(0);
    assert.deepEqual([x.shape, x.dtype], [[1, 28, 28], 'float32']);
    assert.ok(fashionFixture, 'data-files.json has the Fashion-MNIST statistics');
    assert.equal(y, fashionFixture.train_first.label);
    assert.equal(Math.round(Number(x.sum().item()) * 255), fashionFixture.train_first.pixel_sum);
    assert.deepEqual(Array.from(x.index(0, 14).mul(255).round().toTypedArray(), Number), fashionFixture.train_first.row_14);
    const counts = (ds: datasets.FashionMNIST<unknown>) => Array.from(ds.targets.toTypedArray(), Number).reduce((c: number[], v) => ((c[v] += 1), c), new Array(10).fill(0));
    assert.deepEqual(counts(train), fashionFixture.train_label_counts);
    assert.deepEqual(counts(test), fashionFixture.test_label_counts);
    // The root of torchvision's layout works too, through the Debian folder as a fallback.
    assert.equal(new datasets.FashionMNIST(join(tmp, 'empty-root'), { train: false }).length, 10000);
  });
});

/** A folder of small PNG/JPEG files in two classes, with a nested folder and a non-image file. */
function makeFolder(root: string): void {
  const solid = (v: number) => new Image(5, 4, 3, new Uint8Array(60).fill(v));
  const write = (path: string, img: Image) => {
    mkdirSync(join(path, '..'), { recursive: true });
    const t = imageToTensor(img);
    if (path.endsWith('.png')) io.writePng(t, path);
    else io.writeJpeg(t, path, 95);
  };
  write(join(root, 'dog', 'b.png'), solid(10));
  write(join(root, 'dog', 'a.JPG'), solid(20));
  write(join(root, 'dog', 'z', 'c.png'), solid(30));
  write(join(root, 'cat', 'x.jpeg'), solid(40));
  write(join(root, 'cat', 'y.png'), new Image(3, 2, 1, new Uint8Array(6).fill(50)));
  writeFileSync(join(root, 'cat', 'notes.txt'), 'not an image');
}

describe('ImageFolder', () => {
  const root = join(tmp, 'folder');
  makeFolder(root);

  test('classes from sorted subfolders, samples in torchvision order, RGB images', () => {
    const ds = new datasets.ImageFolder(root);
    assert.deepEqual(ds.classes, ['cat', 'dog']);
    assert.deepEqual(ds.classToIdx, { cat: 0, dog: 1 });
    assert.deepEqual(ds.samples.map(([p, c]) => [p.slice(root.length + 1), c]), [
      ['cat/x.jpeg', 0],
      ['cat/y.png', 0],
      ['dog/a.JPG', 1],
      ['dog/b.png', 1],
      ['dog/z/c.png', 1],
    ]);
    const [img, label] = ds.getItem(1);
    assert.deepEqual([img.mode, img.width, img.height, label], ['RGB', 3, 2, 0]);
    assert.ok(Math.abs(ds.getItem(0)[0].data[0] - 40) <= 2);
  });

  test('with transforms through DataLoader worker threads: the same batches as in one thread', async () => {
    const make = (numWorkers: number) =>
      new DataLoader(makeImageFolder(root), {
        batchSize: 2,
        shuffle: true,
        generator: new torch.Generator().manualSeed(3),
        numWorkers,
        workerDataset: { module: new URL('./worker-datasets.ts', import.meta.url), exportName: 'makeImageFolder', args: [root] },
      });
    const plain = (b: [torch.Tensor, torch.Tensor]) => [b[0].shape, Array.from(b[0].toTypedArray(), Number), Array.from(b[1].toTypedArray(), Number)];
    torch.manualSeed(0);
    const serial = [...make(0)].map((b) => plain(b as [torch.Tensor, torch.Tensor]));
    const threaded: unknown[] = [];
    for await (const b of make(2)) threaded.push(plain(b as [torch.Tensor, torch.Tensor]));
    assert.equal(threaded.length, 3);
    assert.deepEqual(threaded, serial);
  });

  test('an empty class folder and an unreadable image raise errors naming the path', () => {
    const bad = join(tmp, 'bad-folder');
    makeFolder(bad);
    mkdirSync(join(bad, 'empty'));
    assert.throws(() => new datasets.ImageFolder(bad), (e: Error) => e.message.includes(join(bad, 'empty')) && /Found no valid file for the classes empty/.test(e.message));
    const broken = join(tmp, 'broken-folder');
    makeFolder(broken);
    writeFileSync(join(broken, 'cat', 'x.jpeg'), 'garbage');
    const ds = new datasets.ImageFolder(broken);
    assert.throws(() => ds.getItem(0), (e: Error) => e.message.includes(join(broken, 'cat', 'x.jpeg')));
    assert.throws(() => new datasets.ImageFolder(join(tmp, 'no-such-folder')), /no-such-folder: cannot list/);
  });
});

describe('CIFAR10 (binary version)', () => {
  test('records of label + R, G, B planes; errors name the file', () => {
    const folder = join(tmp, 'cifar', 'cifar-10-batches-bin');
    mkdirSync(folder, { recursive: true });
    const record = (label: number, seed: number) => Buffer.from([label, ...Array.from({ length: 3072 }, (_, i) => (i * seed) % 256)]);
    for (const [k, name] of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'].entries()) {
      writeFileSync(join(folder, name), Buffer.concat([record(k, k + 1), record(9 - k, k + 2)]));
    }
    writeFileSync(join(folder, 'test_batch.bin'), record(3, 7));
    const train = new datasets.CIFAR10(join(tmp, 'cifar'));
    assert.equal(train.length, 10);
    const [img, label] = train.getItem(1);
    assert.deepEqual([img.width, img.height, img.mode, label], [32, 32, 'RGB', 9]);
    // pixel (row 0, col 1): R at plane offset 1, G at 1025, B at 2049, for seed 2
    assert.deepEqual(Array.from(img.data.subarray(3, 6)), [2, (1025 * 2) % 256, (2049 * 2) % 256]);
    const test = new datasets.CIFAR10(join(tmp, 'cifar'), { train: false, transform: new T.PILToTensor() });
    assert.deepEqual(test.getItem(0)[0].shape, [3, 32, 32]);
    assert.equal(test.classes[test.getItem(0)[1]], 'cat');
    writeFileSync(join(folder, 'test_batch.bin'), record(3, 7).subarray(0, 100));
    assert.throws(() => new datasets.CIFAR10(join(tmp, 'cifar'), { train: false }), (e: Error) => e.message.includes(join(folder, 'test_batch.bin')) && /truncated/.test(e.message));
    assert.throws(() => new datasets.CIFAR10(join(tmp, 'nothing')), /Dataset not found or corrupted/);
  });
});
