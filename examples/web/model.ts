// The demo's network, data and training loop, shared by the page (app.ts) and Node
// (train-checkpoint.ts, which writes the checkpoint the page loads). Nothing here touches
// the DOM or Node: bytes in, tensors out.
import * as torch from 'torchlette';
import { nn, optim, type Tensor } from 'torchlette';

export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
/** Fashion-MNIST's training mean and standard deviation of x/255 (as examples/lib/fashion.ts). */
export const MEAN = 0.286;
export const STD = 0.353;
export const BATCH_SIZE = 32;

/** A small CNN for 1x28x28 images: two 5x5 convolutions with max pooling, then two linear layers (~22k parameters). */
export function makeNet(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5), // 8x24x24
    new nn.ReLU(),
    new nn.MaxPool2d(2), // 8x12x12
    new nn.Conv2d(8, 16, 5), // 16x8x8
    new nn.ReLU(),
    new nn.MaxPool2d(2), // 16x4x4
    new nn.Flatten(),
    new nn.Linear(16 * 4 * 4, 64),
    new nn.ReLU(),
    new nn.Linear(64, 10),
  );
}

/** One split of the data: images normalized as [n, 1, 28, 28] float32, labels [n] int64. */
export interface Split {
  images: Tensor;
  labels: Tensor;
}

/** The items of an (uncompressed) IDX file: its dimensions and its uint8 data (big-endian header; Fashion-MNIST's are uint8). */
export function parseIdx(bytes: Uint8Array): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) throw new Error('not an IDX file of uint8 items');
  const ndim = bytes[3];
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * ndim;
  return { dims, data: bytes.subarray(start, start + dims.reduce((a, b) => a * b, 1)) };
}

/** A Split from the images' and labels' IDX bytes. */
export function makeSplit(imageIdx: Uint8Array, labelIdx: Uint8Array): Split {
  const im = parseIdx(imageIdx), lb = parseIdx(labelIdx);
  const n = im.dims[0];
  const x = new Float32Array(im.data.length);
  for (let i = 0; i < x.length; i++) x[i] = (im.data[i] / 255 - MEAN) / STD;
  return { images: torch.tensor(x).view(n, 1, 28, 28), labels: torch.tensor(Array.from(lb.data), { dtype: torch.int64 }) };
}

/** A 28x28 gray image (0 = black background, 255 = white ink, as Fashion-MNIST) as a normalized [1, 1, 28, 28] batch. */
export function imageToBatch(pixels: Uint8Array | Uint8ClampedArray): Tensor {
  const x = new Float32Array(28 * 28);
  for (let i = 0; i < x.length; i++) x[i] = (pixels[i] / 255 - MEAN) / STD;
  return torch.tensor(x).view(1, 1, 28, 28);
}

export interface Progress {
  step: number;
  steps: number;
  loss: number;
}

/**
 * One epoch of `opt` over `train` in shuffled batches of `batchSize`. `onStep` sees every
 * step's loss; when it returns a promise (the page: to let the browser draw), the loop waits.
 */
export async function trainEpoch(
  net: nn.Sequential,
  opt: optim.Optimizer,
  train: Split,
  onStep?: (p: Progress) => void | Promise<void>,
  batchSize = BATCH_SIZE,
): Promise<number[]> {
  net.train();
  const criterion = new nn.CrossEntropyLoss();
  const n = train.labels.shape[0];
  const order = torch.randperm(n);
  const steps = Math.ceil(n / batchSize);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const idx = order.narrow(0, step * batchSize, Math.min(batchSize, n - step * batchSize));
    const x = train.images.indexSelect(0, idx);
    const y = train.labels.indexSelect(0, idx);
    opt.zeroGrad();
    const loss = criterion.forward(net.forward(x), y);
    loss.backward();
    opt.step();
    losses.push(Number(loss.item()));
    await onStep?.({ step: step + 1, steps, loss: losses[losses.length - 1] });
  }
  return losses;
}

/** The fraction of `test` classified right. */
export function accuracy(net: nn.Sequential, test: Split): number {
  net.eval();
  let correct = 0;
  const n = test.labels.shape[0];
  torch.noGrad(() => {
    for (let i = 0; i < n; i += 500) {
      const len = Math.min(500, n - i);
      const pred = net.forward(test.images.narrow(0, i, len)).argmax(1);
      correct += Number(pred.eq(test.labels.narrow(0, i, len)).sum().item());
    }
  });
  return correct / n;
}

/** Class probabilities for one [1, 1, 28, 28] batch. */
export function classify(net: nn.Sequential, batch: Tensor): number[] {
  net.eval();
  return torch.noGrad(() => net.forward(batch).softmax(1).squeeze(0).tolist() as number[]);
}
