// Where the examples get Fashion-MNIST, in order: a --data path, ./data, Debian's
// dataset-fashion-mnist, a download into ./data, and last the subset embedded in this
// repository (assets/fashion-mnist), so that every example runs on a fresh machine
// with no network. The source is printed, since accuracy depends on it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from 'torchlette';
import { datasets, type Image } from 'torchlette/vision';

export const CLASSES = datasets.FashionMNIST.classes;
/** The training set's mean and standard deviation of x/255 (BENCHMARKS.md's B2). */
export const MEAN = 0.286;
export const STD = 0.353;

export const EMBEDDED = fileURLToPath(new URL('../../assets/fashion-mnist', import.meta.url));
const DEBIAN = '/usr/share/datasets/fashion-mnist';
const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/** The folder holding the four IDX files (gzipped or not) under `root`, in either layout FashionMNIST reads. */
function filesIn(root: string): string | null {
  for (const dir of [root, join(root, 'FashionMNIST', 'raw')]) {
    if (FILES.every((f) => existsSync(join(dir, f)) || existsSync(join(dir, `${f}.gz`)))) return dir;
  }
  return null;
}

export interface DataSource {
  /** The folder with the four files. */
  root: string;
  /** What to print: where the data came from. */
  description: string;
  embedded: boolean;
}

export interface FindOptions {
  /** The --data option, if given: it must hold the files. */
  data?: string;
  /** Try `download: true` into ./data before the embedded subset (default true). */
  download?: boolean;
}

export function findFashionMnist(opts: FindOptions = {}): DataSource {
  if (opts.data !== undefined) {
    const dir = filesIn(opts.data);
    if (!dir) throw new Error(`--data ${opts.data}: no Fashion-MNIST files there (expected ${FILES.join(', ')}, optionally .gz, in it or in its FashionMNIST/raw)`);
    return { root: dir, description: `${dir} (--data)`, embedded: false };
  }
  const local = filesIn('data');
  if (local) return { root: local, description: `${local} (./data)`, embedded: false };
  if (filesIn(DEBIAN)) return { root: DEBIAN, description: `${DEBIAN} (Debian's dataset-fashion-mnist)`, embedded: false };
  if (opts.download ?? true) {
    console.log('Fashion-MNIST not found locally; downloading it into ./data ...');
    try {
      // The dataset class downloads the four files (checking their MD5) into data/FashionMNIST/raw.
      new datasets.FashionMNIST('data', { download: true });
      return { root: filesIn('data')!, description: 'data/FashionMNIST/raw (downloaded)', embedded: false };
    } catch (e) {
      console.log(`download failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { root: EMBEDDED, description: `the embedded subset in ${EMBEDDED} (6,000 training / 1,000 test images of the real data; expect a few points less accuracy than with the full set)`, embedded: true };
}

/** The training and test sets from `source`, each item transformed by `transform`. */
export function fashionMnist<I = Tensor>(source: DataSource, transform: (img: Image) => I) {
  const train = new datasets.FashionMNIST<I, number>(source.root, { train: true, transform });
  const test = new datasets.FashionMNIST<I, number>(source.root, { train: false, transform });
  return { train, test };
}
