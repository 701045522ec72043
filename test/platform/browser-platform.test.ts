// The browser half of the platform seam, run in Node: the browser's POSIX paths and fflate
// zlib agree with node:path and node:zlib, and — in a child process started with
// `--conditions=browser`, so that every `#platform/*` import resolves as in a bundle for a
// page — tensors, autograd, save/load on bytes, safetensors, PNG decoding and the
// WebAssembly backend work, while file paths and worker threads fail with errors that say
// what to use instead.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { dirname, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import * as browserPath from '../../src/platform/browser/path.js';
import * as browserZlib from '../../src/platform/browser/zlib.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('browser platform parts', () => {
  test('paths follow node:path (POSIX)', () => {
    const p = nodePath.posix;
    for (const args of [['a', 'b'], ['/a/', '../b', 'c/'], ['', ''], ['a/./b', '..', '..', '..'], ['/', '..']]) assert.equal(browserPath.join(...args), p.join(...args), args.join(' '));
    for (const x of ['/a/b/c.txt', 'a/b/', 'c', '/', '.', 'a.tar.gz', '.bashrc']) {
      assert.equal(browserPath.dirname(x), p.dirname(x), x);
      assert.equal(browserPath.basename(x), p.basename(x), x);
      assert.equal(browserPath.extname(x), p.extname(x), x);
    }
    assert.equal(browserPath.resolve('/a/b', '../c'), p.resolve('/a/b', '../c'));
    assert.equal(browserPath.relative('/a/b/c', '/a/d'), p.relative('/a/b/c', '/a/d'));
    assert.deepEqual(browserPath.parse('/x/model.pt'), p.parse('/x/model.pt'));
  });

  test('zlib: fflate reads what node:zlib writes, and the reverse; caps and prefixes', () => {
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251 & (i % 3 ? 0xff : 0x0f));
    assert.deepEqual(browserZlib.inflateZlib(zlib.deflateSync(data)), data);
    assert.deepEqual(browserZlib.gunzip(zlib.gzipSync(data)), data);
    assert.deepEqual(browserZlib.inflateRaw(zlib.deflateRawSync(data)), data);
    assert.deepEqual(new Uint8Array(zlib.inflateSync(browserZlib.deflateZlib(data, 6))), data);
    assert.throws(() => browserZlib.inflateZlib(zlib.deflateSync(data), 1000), (e) => browserZlib.isOutputTooLarge(e));
    assert.deepEqual(browserZlib.inflateAtMost(zlib.deflateSync(data), 1234, 'zlib'), data.subarray(0, 1234));
    assert.equal(browserZlib.crc32(data), zlib.crc32 ? zlib.crc32(data) : browserZlib.crc32(data));
  });
});

const PAGE = `
import * as torch from './src/index.ts';
import * as vision from './src/vision/index.ts';
import { readFileSync, existsSync } from 'node:fs';
const out = {};
const x = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true });
const y = x.matmul(x).sum();
y.backward();
out.grad = x.grad.tolist();
out.info = torch.backends.info();
const fc = new torch.nn.Linear(2, 1);
const bytes = torch.saveToBuffer(fc.stateDict());
const back = torch.loadFromBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
out.roundtrip = torch.equal(back.weight, fc.weight);
out.loadAsyncBlob = torch.equal((await torch.loadAsync(new Blob([bytes]))).weight, fc.weight);
const st = torch.safetensors.save({ w: fc.weight.detach() });
out.safetensors = torch.equal(torch.safetensors.load(st).w, fc.weight);
const errors = {};
for (const [name, fn] of Object.entries({
  load: () => torch.load('model.pt'),
  save: () => torch.save({}, 'model.pt'),
  dataLoader: () => new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(torch.zeros(4)), { numWorkers: 2 }),
  mnist: () => new vision.datasets.MNIST('data'),
})) {
  try { fn(); errors[name] = null; } catch (e) { errors[name] = e.message; }
}
out.errors = errors;
const png = vision.io.encodePng(torch.arange(12, { dtype: torch.uint8 }).reshape(1, 3, 4));
out.png = vision.io.decodeImage(png).flatten().tolist();
try { vision.io.readImage('cat.png'); out.readImage = null; } catch (e) { out.readImage = e.message; }
const wasmFile = 'prebuilds/wasm/torchlette.wasm';
if (existsSync(wasmFile)) {
  const info = await torch.backends.loadWasm(readFileSync(wasmFile));
  out.afterWasm = info.active;
  out.wasmSum = torch.ones(1000).sum().item();
}
console.log(JSON.stringify(out));
`;

test('with --conditions=browser: the core works on bytes; files and threads fail with advice', () => {
  const r = spawnSync(process.execPath, ['--conditions=browser', '--import', 'tsx', '--input-type=module', '-e', PAGE], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TORCHLETTE_BACKEND: '' } });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string);
  assert.deepEqual(out.grad, [[7, 11], [9, 13]]);
  assert.equal(out.info.active, 'js');
  assert.equal(out.info.nativeAvailable, false);
  assert.match(out.info.reason, /web page cannot load a native \(N-API\) addon/);
  assert.match(out.info.wasmReason, /loadWasm/);
  assert.equal(out.roundtrip, true);
  assert.equal(out.loadAsyncBlob, true);
  assert.equal(out.safetensors, true);
  assert.match(out.errors.load, /^torch\.load\(path\) reads files, which a web page cannot: pass the bytes/);
  assert.match(out.errors.save, /^torch\.save\(path\) writes a file, which a web page cannot: torch\.saveToBuffer\(obj\)/);
  assert.match(out.errors.dataLoader, /numWorkers=2 loads on worker threads, which torchlette runs in Node only; in a web page use numWorkers: 0/);
  assert.match(out.errors.mnist, /not available in a web page: a web page has no file system; pass the bytes/);
  assert.deepEqual(out.png, Array.from({ length: 12 }, (_, i) => i));
  assert.match(out.readImage, /not available in a web page/);
  if (existsSync(resolve(ROOT, 'prebuilds/wasm/torchlette.wasm'))) {
    assert.equal(out.afterWasm, 'wasm');
    assert.equal(out.wasmSum, 1000);
  }
  void readFileSync;
});
