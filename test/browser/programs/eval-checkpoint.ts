// Node's side of the demo test: the test accuracy of the demo checkpoint given as argv[2],
// on the backend TORCHLETTE_BACKEND names (the page's), printed as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as torch from '../../../src/index.js';
import { accuracy, makeNet, makeSplit } from '../../../examples/web/model.js';

const data = join(import.meta.dirname, '..', '..', '..', 'assets', 'fashion-mnist');
const read = (name: string) => new Uint8Array(gunzipSync(readFileSync(join(data, `${name}.gz`))));
const net = makeNet();
net.loadStateDict(torch.load(process.argv[2]));
const acc = accuracy(net, makeSplit(read('t10k-images-idx3-ubyte'), read('t10k-labels-idx1-ubyte')));
process.stdout.write(JSON.stringify({ backend: torch.backends.info().active, accuracy: acc }) + '\n');
