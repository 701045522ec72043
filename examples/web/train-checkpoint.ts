// Trains the demo's CNN (model.ts) in Node for one epoch on the embedded Fashion-MNIST
// subset (assets/fashion-mnist) and saves its state dict with torch.save, the checkpoint
// the demo page loads with torch.loadFromBuffer ("Load the checkpoint trained in Node").
// `npm run web` runs it when the file is missing.
//
//   npx tsx examples/web/train-checkpoint.ts [out/web/fashion-cnn.pt] [--epochs 2]
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as torch from 'torchlette';
import { optim } from 'torchlette';
import { accuracy, makeNet, makeSplit, trainEpoch } from './model.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { epochs: { type: 'string', default: '2' } } });
const out = positionals[0] ?? join(ROOT, 'out', 'web', 'fashion-cnn.pt');
const epochs = Number(values.epochs);
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a positive integer, got ${values.epochs}`);
const data = join(ROOT, 'assets', 'fashion-mnist');
const read = (name: string) => new Uint8Array(gunzipSync(readFileSync(join(data, `${name}.gz`))));

torch.manualSeed(1);
const train = makeSplit(read('train-images-idx3-ubyte'), read('train-labels-idx1-ubyte'));
const test = makeSplit(read('t10k-images-idx3-ubyte'), read('t10k-labels-idx1-ubyte'));
const net = makeNet();
const opt = new optim.Adam(net.parameters(), { lr: 0.003 }); // as the page
const t0 = Date.now();
for (let e = 0; e < epochs; e++) await trainEpoch(net, opt, train);
const acc = accuracy(net, test);
mkdirSync(dirname(out), { recursive: true });
torch.save(net.stateDict(), out);
console.log(`trained ${epochs} epoch${epochs > 1 ? 's' : ''} on ${train.labels.shape[0]} images in ${((Date.now() - t0) / 1000).toFixed(1)} s on the ${torch.backends.info().active} backend: test accuracy ${(100 * acc).toFixed(1)}% on ${test.labels.shape[0]}; wrote ${out}`);
