// Makes the embedded Fashion-MNIST subset under assets/fashion-mnist/: the first
// TRAIN training items and the first TEST test items of the real files, written in
// the same gzipped IDX format (only the item count in the header changes), so the
// FashionMNIST dataset reads them like the full files. `npm start` falls back to it
// on a machine with no data and no network.
//
//   node scripts/make-fashion-subset.mjs [sourceDir] [--train 6000] [--test 1000]
//
// sourceDir defaults to Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { train: { type: 'string', default: '6000' }, test: { type: 'string', default: '1000' } },
});
const source = positionals[0] ?? '/usr/share/datasets/fashion-mnist';
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'fashion-mnist');
mkdirSync(outDir, { recursive: true });

/** The first `count` items of an IDX file (magic, dims, then the data, big-endian). */
function subset(name, count) {
  const bytes = gunzipSync(readFileSync(join(source, `${name}.gz`)));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ndim = bytes[3];
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  if (bytes[2] !== 0x08) throw new Error(`${name}: expected uint8 data (type 0x08), got 0x${bytes[2].toString(16)}`);
  if (count > dims[0]) throw new Error(`${name} has only ${dims[0]} items, asked for ${count}`);
  const header = 4 + 4 * ndim;
  const itemSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const out = Buffer.from(bytes.subarray(0, header + count * itemSize));
  out.writeUInt32BE(count, 4); // the new item count
  // level 9 and Node's gzip header (mtime 0) make the output byte-for-byte reproducible
  const gz = gzipSync(out, { level: 9 });
  writeFileSync(join(outDir, `${name}.gz`), gz);
  return { out, header, gz };
}

for (const [split, count] of [['train', Number(values.train)], ['t10k', Number(values.test)]]) {
  const images = subset(`${split}-images-idx3-ubyte`, count);
  const labels = subset(`${split}-labels-idx1-ubyte`, count);
  const perClass = new Array(10).fill(0);
  for (const l of labels.out.subarray(labels.header)) perClass[l]++;
  console.log(`${split}: ${count} items, ${((images.gz.length + labels.gz.length) / 1e6).toFixed(2)} MB gzipped, per class ${perClass.join(' ')}`);
}
console.log(`wrote ${outDir}`);
