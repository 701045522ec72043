// torchvision's other dataset readers on tiny files in each format
// (scripts/fixtures/vision_datasets_extra.py wrote them and what torchvision returns).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as torch from '../../src/index.js';
import { UnsafePickleError } from '../../src/serialization/errors.js';
import { writeZip } from '../../src/serialization/zip-writer.js';
import { loadDatasetPickle } from '../../src/vision/datasets/numpy-pickle.js';
import { Image, datasets, imageToTensor, transforms as T } from '../../src/vision/index.js';
import { loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Described {
  length: number;
  repr: string;
  classes?: string[];
  items: Record<string, { image: TensorJson; mode: string; size: [number, number]; every: number; target: unknown }>;
}
const fx = loadFixture<Record<string, Record<string, Described>>>('vision_datasets_extra.json');
const FILES = join(import.meta.dirname, '..', 'fixtures', 'datasets');
const tmp = mkdtempSync(join(tmpdir(), 'torchlette-datasets-extra-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface AnyDataset {
  length: number;
  getItem(i: number): [Image, unknown];
  toString(): string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A target as the fixture encodes it: a tensor, an image, a tuple of them, or plain data. */
function checkTarget(actual: unknown, expected: unknown, label: string): void {
  if (isRecord(expected) && 'dtype' in expected && 'data' in expected) {
    const e = expected as unknown as TensorJson;
    assert.ok(actual instanceof torch.Tensor, `${label}: a tensor`);
    assert.deepEqual([actual.dtype, actual.shape, Array.from(actual.toTypedArray(), Number)], [e.dtype, e.shape, e.data], label);
  } else if (isRecord(expected) && 'image' in expected && 'mode' in expected) {
    assert.ok(actual instanceof Image, `${label}: an image`);
    assert.equal(actual.mode, expected.mode, `${label}: mode`);
    const e = expected.image as TensorJson;
    const t = imageToTensor(actual);
    assert.deepEqual([t.shape, Array.from(t.toTypedArray(), Number)], [e.shape, e.data], label);
  } else if (Array.isArray(expected) && expected.some((v) => isRecord(v) && 'dtype' in v)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${label}: a tuple of ${expected.length}`);
    expected.forEach((e, k) => checkTarget((actual as unknown[])[k], e, `${label}[${k}]`));
  } else assert.deepEqual(actual, expected, label);
}

/** len, repr, classes and the described items equal torchvision's. */
function check(ds: AnyDataset, expected: Described, root: string, label: string, reprName?: string): void {
  const classes = (ds as { classes?: string[] }).classes;
  assert.equal(ds.length, expected.length, `${label}: length`);
  // a subclass made here prints its own name where the fixture's has another
  const repr = reprName === undefined ? ds.toString() : ds.toString().replace(/^Dataset \w+/, `Dataset ${reprName}`);
  assert.equal(repr.replaceAll(root, '<root>'), expected.repr, `${label}: repr`);
  if (expected.classes) assert.deepEqual(classes, expected.classes, `${label}: classes`);
  for (const [i, item] of Object.entries(expected.items)) {
    const [img, target] = ds.getItem(Number(i));
    assert.ok(img instanceof Image, `${label}[${i}]: an Image`);
    assert.equal(img.mode, item.mode, `${label}[${i}]: mode`);
    assert.deepEqual([img.width, img.height], item.size, `${label}[${i}]: size`);
    // large images are recorded every `every`-th row and column
    const every = item.every;
    const t = imageToTensor(img);
    const sampled = every === 1 ? t : t.index(':', `::${every}`, `::${every}`);
    assert.deepEqual(sampled.shape, item.image.shape, `${label}[${i}]: shape`);
    assert.deepEqual(Array.from(sampled.toTypedArray(), Number), item.image.data, `${label}[${i}]: pixels`);
    checkTarget(target, item.target, `${label}[${i}]: target`);
  }
}

// The fixture files are not the real ones: switch the MD5 checks off, as the fixture script does.
class TinyCIFAR10 extends datasets.CIFAR10 {
  static override trainList = datasets.CIFAR10.trainList.map(([f]): [string, null] => [f, null]);
  static override testList = datasets.CIFAR10.testList.map(([f]): [string, null] => [f, null]);
  static override meta = { ...datasets.CIFAR10.meta, md5: null };
}
class TinyCIFAR100 extends datasets.CIFAR100 {
  static override trainList = datasets.CIFAR100.trainList.map(([f]): [string, null] => [f, null]);
  static override testList = datasets.CIFAR100.testList.map(([f]): [string, null] => [f, null]);
  static override meta = { ...datasets.CIFAR100.meta, md5: null };
}

describe('CIFAR10 / CIFAR100 from torchvision’s Python release', () => {
  test('CIFAR10: Python 2 pickles (numpy arrays in str), train and test', () => {
    const root = join(FILES, 'cifar10');
    const train = new TinyCIFAR10(root);
    check(train, fx.cifar10.train, root, 'train');
    assert.equal(train.constructor.name, 'TinyCIFAR10');
    const test = new TinyCIFAR10(root, false);
    check(test, fx.cifar10.test, root, 'test');
    assert.deepEqual(test.data.shape, [2, 32, 32, 3]);
    assert.equal(test.classToIdx.truck, 9);
  });

  test('CIFAR100: Python 3 protocol-2 pickles, fine labels', () => {
    const root = join(FILES, 'cifar100');
    const train = new TinyCIFAR100(root, { train: true });
    check(train, fx.cifar100.train, root, 'train');
    check(new TinyCIFAR100({ root, train: false }), fx.cifar100.test, root, 'test');
    assert.equal(train.classes.length, 100);
  });

  test('MD5 checks as torchvision: the fixture files are not the real ones', () => {
    assert.throws(() => new datasets.CIFAR10(join(FILES, 'cifar10')), (e: Error) => e.message.startsWith('Dataset not found or corrupted. You can use download=True to download it') && e.message.includes('data_batch_1'));
    assert.throws(() => new datasets.CIFAR100(join(tmp, 'none')), /^Error: Dataset not found or corrupted/);
    const root = join(tmp, 'no-meta');
    cpSync(join(FILES, 'cifar10'), root, { recursive: true });
    rmSync(join(root, 'cifar-10-batches-py', 'batches.meta'));
    assert.throws(() => new TinyCIFAR10(root), /^Error: Dataset metadata file not found or corrupted/);
  });

  test('the pickle reader refuses globals outside numpy’s array reconstruction', () => {
    // protocol 2: GLOBAL os.system, ('echo',), REDUCE, STOP
    const evil = Uint8Array.from([0x80, 0x02, ...Buffer.from('cos\nsystem\nX\x04\x00\x00\x00echo\x85R.', 'latin1')]);
    assert.throws(() => loadDatasetPickle(evil, 'evil.pkl'), (e: Error) => e instanceof UnsafePickleError && /refusing to load global 'os.system'/.test(e.message) && e.message.startsWith('evil.pkl'));
  });
});

describe('KMNIST, EMNIST, QMNIST', () => {
  test('KMNIST: MNIST’s layout under KMNIST/raw', () => {
    const root = join(FILES, 'kmnist');
    const train = new datasets.KMNIST(root);
    check(train, fx.kmnist.train, root, 'train');
    check(new datasets.KMNIST(root, false), fx.kmnist.test, root, 'test');
    assert.ok(train instanceof datasets.MNIST);
  });

  test('EMNIST: splits and their classes', () => {
    const root = join(FILES, 'emnist');
    const letters = new datasets.EMNIST(root, 'letters');
    check(letters, fx.emnist.letters, root, 'letters');
    const balanced = new datasets.EMNIST(root, 'balanced', { train: false });
    check(balanced, fx.emnist.balanced_test, root, 'balanced');
    assert.throws(() => new datasets.EMNIST(root, 'bogus'), /^Error: Unknown value 'bogus' for argument split\. Valid values are \{'byclass', 'bymerge', 'balanced', 'letters', 'digits', 'mnist'\}\.$/);
    assert.throws(() => new datasets.EMNIST(root, 'digits'), /^Error: Dataset not found\. You can use download=True to download it/);
  });

  test('QMNIST: what, compat targets, test10k', () => {
    const root = join(FILES, 'qmnist');
    const train = new datasets.QMNIST(root);
    check(train, fx.qmnist.train, root, 'train');
    check(new datasets.QMNIST(root, 'test', false), fx.qmnist.test_nocompat, root, 'test, compat=False');
    check(new datasets.QMNIST(root, { what: 'test10k' }), fx.qmnist.test10k, root, 'test10k');
    assert.deepEqual(train.targets.shape, [3, 8]);
    assert.throws(() => new datasets.QMNIST(root, 'nist'), /^Error: Dataset not found/);
  });
});

describe('FakeData', () => {
  test('items seeded as torchvision’s; the global generator is left as it was', () => {
    for (const [name, make] of [
      ['rgb', () => new datasets.FakeData(5, [3, 4, 6], 7, null, null, 3)],
      ['gray', () => new datasets.FakeData({ size: 3, imageSize: [1, 5, 3] })],
    ] as const) {
      const ds = make();
      torch.manualSeed(123);
      check(ds, fx.fakedata[name], '\0', name);
      const after = (fx.fakedata[name] as unknown as { after: TensorJson }).after;
      assert.deepEqual(Array.from(torch.rand(3).toTypedArray(), Number), (after.data as number[]).map(Math.fround), `${name}: generator state`);
    }
    const ds = new datasets.FakeData(2, { transform: new T.PILToTensor() });
    assert.deepEqual(ds.getItem(1)[0].shape, [3, 224, 224]);
    assert.throws(() => ds.getItem(2), (e: Error) => e instanceof RangeError && e.message === 'FakeData index out of range');
    assert.equal(ds.toString(), (fx.fakedata as unknown as { repr_with_transform: string }).repr_with_transform);
  });
});

// The fixture files fail the real MD5s: the tests' subclasses skip the checks.
class TinySVHN extends datasets.SVHN {
  static override splitList = Object.fromEntries(Object.entries(datasets.SVHN.splitList).map(([k, [url, f]]) => [k, [url, f, null]])) as Record<string, [string, string, null]>;
}
class TinySTL10 extends datasets.STL10 {
  static override trainList = datasets.STL10.trainList.map(([f]): [string, null] => [f, null]);
  static override testList = datasets.STL10.testList.map(([f]): [string, null] => [f, null]);
}

describe('SVHN (MATLAB 5 files), STL10 (binaries)', () => {
  test('SVHN: compressed and plain .mat files, uint8 and double labels, 10 read as 0', () => {
    const root = join(FILES, 'svhn');
    check(new TinySVHN(root), fx.svhn.train, root, 'train');
    const test = new TinySVHN(root, 'test', { transform: null });
    check(test, fx.svhn.test, root, 'test');
    assert.deepEqual(test.data.shape, [2, 3, 32, 32]);
    assert.throws(() => new datasets.SVHN(root), /^Error: Dataset not found or corrupted\. You can use download=True to download it/);
    assert.throws(() => new TinySVHN(root, 'validation'), /Unknown value 'validation' for argument split\. Valid values are \{'train', 'test', 'extra'\}\./);
  });

  test('STL10: splits, folds, class names', () => {
    const root = join(FILES, 'stl10');
    const train = new TinySTL10(root);
    check(train, fx.stl10.train, root, 'train');
    check(new TinySTL10(root, { folds: 3 }), fx.stl10.train_fold3, root, 'folds=3');
    check(new TinySTL10(root, 'train+unlabeled', 1), fx.stl10.train_unlabeled_fold1, root, 'train+unlabeled');
    check(new TinySTL10(root, 'unlabeled'), fx.stl10.unlabeled, root, 'unlabeled');
    check(new TinySTL10(root, 'test'), fx.stl10.test, root, 'test');
    assert.deepEqual(train.data.shape, [2, 3, 96, 96]);
    assert.throws(() => new TinySTL10(root, 'train', 10), /^Error: Value for argument folds should be in the range \[0, 10\), but got 10\.$/);
    assert.throws(() => new datasets.STL10(root), /^Error: Dataset not found or corrupted/);
  });
});

describe('ImageNet, CelebA, VOC', () => {
  interface ImageNetFx extends Described {
    wnids: string[];
    wnid_to_idx: Record<string, number>;
    class_to_idx: Record<string, number>;
    samples: [string, number][];
  }
  const inet = fx.imagenet as unknown as Record<'train' | 'val', ImageNetFx> & { devkit_md5: string; meta: { wnid_to_classes: Record<string, string[]>; val_wnids: string[] } };

  test('ImageNet: meta.bin written by torchvision, train and val folders', () => {
    const root = join(FILES, 'imagenet');
    for (const split of ['train', 'val'] as const) {
      const ds = split === 'train' ? new datasets.ImageNet(root) : new datasets.ImageNet(root, 'val');
      check(ds, inet[split], root, split);
      assert.deepEqual(ds.wnids, inet[split].wnids);
      assert.deepEqual(ds.wnidToIdx, inet[split].wnid_to_idx);
      assert.deepEqual(ds.classToIdx, inet[split].class_to_idx);
      assert.deepEqual(ds.samples.map(([p, t]) => [p.slice(root.length + 1), t]), inet[split].samples);
    }
    assert.deepEqual(datasets.loadMetaFile(root), [inet.meta.wnid_to_classes, inet.meta.val_wnids]);
    assert.throws(() => new datasets.ImageNet(root, 'test'), /Unknown value 'test' for argument split/);
  });

  test('ImageNet: meta.bin from the devkit archive (MAT 5 struct array), the folders from the image archives', () => {
    const root = join(tmp, 'imagenet');
    cpSync(join(FILES, 'imagenet'), root, { recursive: true });
    rmSync(join(root, 'meta.bin'));
    assert.throws(() => new datasets.ImageNet(root), (e: Error) => e.message === `The archive ILSVRC2012_devkit_t12.tar.gz is not present in the root directory or is corrupted. You need to download it externally and place it in ${root}.`);
    // the archives as ImageNet ships them: the train tar holds one tar per class, the val tar the images
    const staging = join(tmp, 'imagenet-staging');
    mkdirSync(join(staging, 'train'), { recursive: true });
    for (const wnid of readdirSync(join(root, 'train'))) writeFileSync(join(staging, 'train', `${wnid}.tar`), tarOf(join(root, 'train', wnid), join(root, 'train', wnid)));
    writeFileSync(join(root, 'ILSVRC2012_img_train.tar'), tarOf(join(staging, 'train'), join(staging, 'train')));
    mkdirSync(join(staging, 'val'));
    for (const wnid of readdirSync(join(root, 'val'))) for (const f of readdirSync(join(root, 'val', wnid))) cpSync(join(root, 'val', wnid, f), join(staging, 'val', f));
    writeFileSync(join(root, 'ILSVRC2012_img_val.tar'), tarOf(join(staging, 'val'), join(staging, 'val')));
    rmSync(join(root, 'train'), { recursive: true });
    rmSync(join(root, 'val'), { recursive: true });
    const md5 = (f: string) => createHash('md5').update(readFileSync(join(root, f))).digest('hex');
    class TinyImageNet extends datasets.ImageNet {
      static override archiveMeta: Record<'train' | 'val' | 'devkit', [string, string]> = {
        train: ['ILSVRC2012_img_train.tar', md5('ILSVRC2012_img_train.tar')],
        val: ['ILSVRC2012_img_val.tar', md5('ILSVRC2012_img_val.tar')],
        devkit: ['ILSVRC2012_devkit_t12.tar.gz', inet.devkit_md5],
      };
    }
    const val = new TinyImageNet(root, 'val');
    assert.deepEqual(datasets.loadMetaFile(root), [inet.meta.wnid_to_classes, inet.meta.val_wnids]);
    check(val, inet.val, root, 'val', 'ImageNet');
    assert.deepEqual(val.samples.map(([p, t]) => [p.slice(root.length + 1), t]), inet.val.samples);
    const train = new TinyImageNet(root, 'train');
    check(train, inet.train, root, 'train', 'ImageNet');
    assert.deepEqual(readdirSync(join(root, 'train')).sort(), inet.train.wnids, 'the class tars are removed');
    class MissingArchive extends TinyImageNet {
      static override archiveMeta = { ...TinyImageNet.archiveMeta, train: ['ILSVRC2012_img_train.tar', '0'.repeat(32)] as [string, string] };
    }
    rmSync(join(root, 'train'), { recursive: true });
    assert.throws(() => new MissingArchive(root), /^Error: The archive ILSVRC2012_img_train\.tar is not present in the root directory or is corrupted/);
  });

  class TinyCelebA extends datasets.CelebA {
    static override fileList = datasets.CelebA.fileList.map(([id, , f]): [string, null, string] => [id, null, f]);
  }

  test('CelebA: splits, target types, attributes as 0/1', () => {
    const root = join(FILES, 'celeba');
    const cases = fx.celeba as unknown as Record<string, Described & { filename: string[]; attr_names: string[] }>;
    for (const [name, make] of [
      ['train_attr', () => new TinyCelebA(root)],
      ['valid_many', () => new TinyCelebA(root, 'valid', ['identity', 'bbox', 'landmarks'])],
      ['all_none', () => new TinyCelebA(root, { split: 'all', targetType: [] })],
      ['Test_landmarks', () => new TinyCelebA(root, 'Test', 'landmarks')],
    ] as const) {
      const ds = make();
      check(ds, cases[name], root, name);
      assert.deepEqual(ds.filename, cases[name].filename, `${name}: filename`);
      assert.deepEqual(ds.attrNames, cases[name].attr_names, `${name}: attr_names`);
    }
    assert.throws(() => new TinyCelebA(root, 'all', [], { targetTransform: (t) => t }), /^Error: target_transform is specified but target_type is empty$/);
    assert.throws(() => new TinyCelebA(root, 'everything'), /Unknown value 'everything' for argument split/);
    assert.throws(() => new datasets.CelebA(root), /^Error: Dataset not found or corrupted\. You can use download=True to download it/);
    assert.throws(() => new datasets.CelebA(join(tmp, 'no-celeba'), { download: true }), /Google Drive/);
  });

  test('VOCSegmentation: RGB images and the masks’ class indices; VOCDetection: the XML as torchvision’s dict', () => {
    const root = join(FILES, 'voc');
    check(new datasets.VOCSegmentation(root), fx.voc.segmentation, root, 'segmentation');
    const det = new datasets.VOCDetection(root, '2012', 'train');
    check(det, fx.voc.detection, root, 'detection');
    assert.equal(det.annotations.length, 2);
    assert.throws(() => new datasets.VOCDetection(root, '2013'), /^Error: Unknown value '2013' for argument year\. Valid values are \{'2007', '2008', '2009', '2010', '2011', '2012'\}\.$/);
    assert.throws(() => new datasets.VOCDetection(root, '2012', 'test'), /Unknown value 'test' for argument image_set/);
    assert.throws(() => new datasets.VOCSegmentation(root, '2007'), /^Error: Dataset not found or corrupted\. You can use download=True to download it/);
  });
});

describe('CocoDetection / CocoCaptions', () => {
  test('sorted image ids; targets are the annotation objects (captions) in file order', () => {
    const root = join(FILES, 'coco');
    const det = new datasets.CocoDetection(root, join(root, 'instances.json'));
    check(det, fx.coco.detection, root, 'detection');
    assert.deepEqual(det.ids, [7, 42, 100]);
    const caps = new datasets.CocoCaptions(root, join(root, 'captions.json'), { targetTransform: (c: string[]) => c.length });
    assert.deepEqual([0, 1, 2].map((i) => caps.getItem(i)[1]), [2, 1, 0]);
    check(new datasets.CocoCaptions({ root, annFile: join(root, 'captions.json') }), fx.coco.captions, root, 'captions');
    assert.throws(() => new datasets.CocoDetection(root, join(root, 'missing.json')), /missing\.json: cannot read the annotation file/);
  });
});

/** A ustar archive of the files under `dir`, named relative to `base`. */
function tarOf(base: string, dir: string): Buffer {
  const blocks: Buffer[] = [];
  for (const name of readdirSync(dir).sort()) {
    const data = readFileSync(join(dir, name));
    const header = Buffer.alloc(512);
    header.write(join(dir, name).slice(base.length + 1), 0, 'latin1');
    header.write('0000644\0', 100, 'latin1');
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write('0', 156, 'latin1');
    header.write('ustar\0', 257, 'latin1');
    header.fill(' ', 148, 156);
    header.write(`${header.reduce((a, b) => a + b, 0).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

describe('download: true from a local server', () => {
  test('CIFAR10 (archive, extracted), SVHN (a .mat file), QMNIST (gunzipped), EMNIST (a zip of .gz files), each checked by MD5', async () => {
    const served = join(tmp, 'served');
    mkdirSync(served, { recursive: true });
    writeFileSync(join(served, 'cifar-10-python.tar.gz'), gzipSync(tarOf(join(FILES, 'cifar10'), join(FILES, 'cifar10', 'cifar-10-batches-py'))));
    cpSync(join(FILES, 'svhn', 'test_32x32.mat'), join(served, 'test_32x32.mat'));
    for (const f of ['qmnist-train-images-idx3-ubyte', 'qmnist-train-labels-idx2-int']) writeFileSync(join(served, `${f}.gz`), gzipSync(readFileSync(join(FILES, 'qmnist', 'QMNIST', 'raw', f))));
    const emnistRaw = join(FILES, 'emnist', 'EMNIST', 'raw');
    const zipped = writeZip(readdirSync(emnistRaw).map((f) => ({ name: `gzip/${f}.gz`, data: gzipSync(readFileSync(join(emnistRaw, f))) })));
    writeFileSync(join(served, 'gzip.zip'), Buffer.concat(zipped));
    const md5 = (n: string) => createHash('md5').update(readFileSync(join(served, n))).digest('hex');
    // The download blocks this thread, so the server runs in another process.
    const server = spawn(process.execPath, ['-e', `require('http').createServer((q, r) => require('fs').createReadStream(require('path').join(${JSON.stringify(served)}, q.url.slice(1))).on('error', () => { r.statusCode = 404; r.end(); }).pipe(r)).listen(0, '127.0.0.1', function () { console.log(this.address().port); })`]);
    try {
      const port = await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
      const at = `http://127.0.0.1:${port}/`;
      class ServedCIFAR10 extends TinyCIFAR10 {
        static override url = `${at}cifar-10-python.tar.gz`;
        static override tgzMd5 = md5('cifar-10-python.tar.gz');
      }
      const cifarRoot = join(tmp, 'cifar-download');
      check(new ServedCIFAR10(cifarRoot, false, { download: true }), fx.cifar10.test, cifarRoot, 'CIFAR10 downloaded', 'TinyCIFAR10');
      // Once the files verify, download: true says so as torchvision does (and fetches nothing).
      const printed: unknown[] = [];
      const log = console.log;
      console.log = (...a: unknown[]) => void printed.push(a.join(' '));
      try {
        new ServedCIFAR10(cifarRoot, true, { download: true });
      } finally {
        console.log = log;
      }
      assert.deepEqual(printed, ['Files already downloaded and verified']);
      class BadCIFAR10 extends ServedCIFAR10 {
        static override tgzMd5 = '0'.repeat(32);
      }
      assert.throws(() => new BadCIFAR10(join(tmp, 'cifar-bad'), { download: true }), /MD5 mismatch/);

      class ServedSVHN extends datasets.SVHN {
        static override splitList: Record<string, [string, string, string | null]> = { test: [`${at}test_32x32.mat`, 'test_32x32.mat', md5('test_32x32.mat')] };
      }
      const svhnRoot = join(tmp, 'svhn-download');
      check(new ServedSVHN(svhnRoot, 'test', null, null, true), fx.svhn.test, svhnRoot, 'SVHN downloaded', 'TinySVHN');

      class ServedQMNIST extends datasets.QMNIST {
        static override resources = {
          ...datasets.QMNIST.resources,
          train: ['qmnist-train-images-idx3-ubyte.gz', 'qmnist-train-labels-idx2-int.gz'].map((n): [string, string] => [`${at}${n}`, md5(n)]),
        };
      }
      const qRoot = join(tmp, 'qmnist-download');
      check(new ServedQMNIST(qRoot, { download: true }), fx.qmnist.train, qRoot, 'QMNIST downloaded', 'QMNIST');
      assert.ok(existsSync(join(qRoot, 'QMNIST', 'raw', 'qmnist-train-labels-idx2-int')));
      assert.throws(() => new ServedQMNIST(qRoot, 'nist', { download: true }), /xz-compressed/);

      class ServedEMNIST extends datasets.EMNIST {
        static override url = `${at}gzip.zip`;
        static override md5 = md5('gzip.zip');
      }
      const eRoot = join(tmp, 'emnist-download');
      check(new ServedEMNIST(eRoot, 'letters', { download: true }), fx.emnist.letters, eRoot, 'EMNIST downloaded', 'EMNIST');
      assert.deepEqual(readdirSync(join(eRoot, 'EMNIST', 'raw')).filter((f) => f.startsWith('emnist-')).sort(), readdirSync(emnistRaw).sort());
    } finally {
      server.kill();
    }
  });
});
