// The built-in JPEG decoder against PIL 9.4 / torchvision 0.14 (libjpeg-turbo 2.1): every
// file in test/fixtures/jpeg/ (scripts/fixtures/vision_jpeg.py) must decode to PIL's mode,
// size and exactly PIL's bytes (compared by SHA-256), damaged files included; files PIL
// refuses must be refused; ImageFolder's loader and torchvision.io's modes are checked
// on a subset.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { datasets, io, transforms } from '../../../src/vision/index.js';
import { decodeJpegPixels } from '../../../src/vision/io/jpeg-decoder.js';
import { loadFixture } from '../../helpers/fixtures.js';

interface JpegCase {
  file: string;
  how: string;
  mode?: 'L' | 'RGB' | 'CMYK';
  size?: [number, number];
  sha256?: string;
  unsupported?: string;
  /** torchvision's pil_loader (convert('RGB')), ToTensor on the image as opened, and ToTensor after pil_loader. */
  rgb_sha256?: string;
  to_tensor_sha256?: string;
  loader_to_tensor_sha256?: string;
  /** torchvision.io.decode_jpeg per ImageReadMode: the uint8 CHW tensor's shape and SHA-256, or libjpeg's error. */
  torchvision?: Record<'UNCHANGED' | 'GRAY' | 'RGB', { shape?: number[]; sha256?: string; error?: string }>;
}

const fx = loadFixture<{ files: JpegCase[] }>('vision_jpeg.json');
const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'jpeg');
const bytesOf = (c: JpegCase): Uint8Array => readFileSync(join(dir, c.file));
const sha256 = (data: ArrayBufferView): string => createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');

describe('JPEG decoding equals PIL byte for byte', () => {
  const supported = fx.files.filter((c) => c.sha256 !== undefined);

  test(`${supported.length} files: PIL's mode, size and pixels`, () => {
    const failures: string[] = [];
    for (const c of supported) {
      const img = decodeJpegPixels(bytesOf(c));
      const got = `${img.mode} ${img.width}x${img.height} ${sha256(img.data)}`;
      const want = `${c.mode} ${c.size![0]}x${c.size![1]} ${c.sha256}`;
      if (got !== want) failures.push(`${c.file} (${c.how}): got ${got}, PIL ${want}`);
    }
    assert.deepEqual(failures, []);
  });

  test('the fixtures cover the cases that matter', () => {
    const hows = supported.map((c) => c.how).join('\n');
    for (const needle of ['progressive', '-restart', 'sample 1x2', 'sample 4x1', 'PIL L', ' 1x1 ', ' 17x9 ', 'sequential_per_component', '-rgb', 'smoothing scans=dc_only', 'smoothing scans=ac_unrefined', 'PIL CMYK', 'YCCK', 'cut in half', 'restart marker renumbered', 'motion JPEG']) {
      assert.ok(hows.includes(needle), `no fixture with ${needle}`);
    }
  });

  test("decodeImageData gives the same Image as PIL's Image.open (CMYK files in mode CMYK)", () => {
    for (const c of supported) {
      const img = io.decodeImageData(bytesOf(c), c.file);
      assert.equal(`${img.mode} ${sha256(img.data)}`, `${c.mode} ${c.sha256}`, c.file);
      if (c.rgb_sha256) assert.equal(sha256(img.convert('RGB').data), c.rgb_sha256, `${c.file}: Image.open(f).convert('RGB')`);
    }
  });

  test('grayscale JPEG gives one channel, as PIL mode L; readImage gives a 1xHxW tensor', () => {
    const gray = supported.find((c) => c.mode === 'L')!;
    const img = io.decodeImageData(bytesOf(gray), gray.file);
    assert.equal(img.channels, 1);
    assert.equal(img.mode, 'L');
    const t = io.decodeImage(bytesOf(gray));
    assert.deepEqual(t.shape, [1, gray.size![1], gray.size![0]]);
    assert.deepEqual(io.decodeImage(bytesOf(gray), 'RGB').shape, [3, gray.size![1], gray.size![0]]);
  });

  test("ImageFolder's default loader and ToTensor give torchvision's tensors (L and CMYK converted to RGB)", () => {
    const cases = supported.filter((c) => c.loader_to_tensor_sha256 !== undefined);
    assert.ok(cases.some((c) => c.mode === 'L') && cases.some((c) => c.mode === 'RGB') && cases.some((c) => c.mode === 'CMYK'));
    const root = mkdtempSync(join(tmpdir(), 'torchlette-jpeg-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    for (const c of cases) {
      mkdirSync(join(root, c.mode!), { recursive: true });
      copyFileSync(join(dir, c.file), join(root, c.mode!, c.file));
    }
    const ds = new datasets.ImageFolder(root, { transform: new transforms.ToTensor() });
    const plain = new datasets.ImageFolder(root);
    const toTensor = new transforms.ToTensor();
    for (let i = 0; i < ds.length; i++) {
      const c = cases.find((f) => ds.samples[i][0].endsWith(f.file))!;
      const [t] = ds.getItem(i);
      assert.deepEqual(t.shape, [3, c.size![1], c.size![0]], c.file);
      assert.equal(sha256(t.toTypedArray()), c.loader_to_tensor_sha256, `${c.file}: ToTensor(pil_loader(file))`);
      assert.equal(sha256(plain.getItem(i)[0].data), c.rgb_sha256, `${c.file}: pil_loader(file)`);
      const opened = io.loadImage(join(dir, c.file));
      const own = toTensor.forward(opened);
      assert.deepEqual(own.shape, [{ L: 1, RGB: 3, CMYK: 4 }[c.mode!], c.size![1], c.size![0]]);
      assert.equal(sha256(own.toTypedArray()), c.to_tensor_sha256, `${c.file}: ToTensor(Image.open(file))`);
    }
  });

  test('torchvision.io.decodeImage / readImage per ImageReadMode, as decode_jpeg (GRAY is the decoded luma)', () => {
    const cases = supported.filter((c) => c.torchvision !== undefined);
    assert.ok(cases.length > 100);
    let grayDiffersFromPil = 0;
    for (const c of cases) {
      const bytes = bytesOf(c);
      for (const [mode, want] of Object.entries(c.torchvision!)) {
        const label = `${c.file} (${c.how}) ${mode}`;
        if (want.error !== undefined) {
          assert.throws(() => io.decodeImage(bytes, mode as io.ImageReadMode), new RegExp(want.error), label);
          continue;
        }
        const t = io.decodeImage(bytes, mode as io.ImageReadMode);
        assert.deepEqual(t.shape, want.shape, label);
        assert.equal(sha256(t.toTypedArray()), want.sha256, label);
      }
      if (c.mode === 'RGB' && c.torchvision!.GRAY.sha256 !== sha256(io.decodeImageData(bytes).convert('L').data)) grayDiffersFromPil++;
    }
    assert.ok(grayDiffersFromPil > 0, 'no case where torchvision GRAY differs from PIL convert("L")');
    const c = cases.find((f) => f.mode === 'RGB')!;
    assert.throws(() => io.decodeImage(bytesOf(c), 'RGB_ALPHA'), /mode \(RGB_ALPHA\) is not supported for JPEG files/);
    assert.deepEqual(io.readImage(join(dir, c.file), 'GRAY').shape, [1, c.size![1], c.size![0]]);
  });

  test('EXIF orientation is not applied (as PIL.Image.open)', () => {
    const c = supported.find((f) => f.file === 'exif_rotate.jpg')!;
    const img = io.decodeImageData(bytesOf(c), c.file);
    assert.deepEqual(img.size, c.size);
  });

  test('damaged files that PIL refuses are refused', () => {
    const refused = fx.files.filter((f) => f.unsupported?.startsWith('refused by PIL'));
    assert.ok(refused.length >= 10);
    for (const c of refused) assert.throws(() => io.decodeImageData(bytesOf(c), c.file), new RegExp(`${c.file}: cannot decode JPEG`), `${c.file} (${c.how}; ${c.unsupported})`);
  });

  test('truncated and malformed data throw', () => {
    const c = supported.find((f) => f.file === 'photo_224.jpg')!;
    const bytes = bytesOf(c);
    assert.throws(() => decodeJpegPixels(bytes.subarray(0, bytes.length >> 1)), /truncated/);
    assert.throws(() => decodeJpegPixels(bytes.subarray(0, 200)), /truncated/);
    for (const cut of [1, 2, 3, 10]) assert.throws(() => decodeJpegPixels(bytes.subarray(0, bytes.length - cut)), /truncated/, `${cut} bytes cut`);
    assert.throws(() => decodeJpegPixels(Uint8Array.of(0xff, 0xd8, 0xff, 0xd9)), /no image data/);
    assert.throws(() => decodeJpegPixels(Uint8Array.of(1, 2, 3)), /not a JPEG file/);
  });
});
