// Example 7 (seed 004): classify images with a saved model and draw seed 004's
// view_classify chart (the image beside its class probabilities) as PNG and SVG. The model is
// a checkpoint of the main job (npm start), of examples/fashion-mnist.ts or of
// examples/lenet.ts; the images are PNG/JPEG files or items of the Fashion-MNIST test set.
// With --imagenet, photos are labelled with ImageNet's 1000 classes by torchvision's
// pretrained ResNet18 instead (ResNet18_Weights.DEFAULT: its preprocessing, its class
// names; the weights come from torch.hub's cache, downloaded there the first time).
//
//   npx tsx examples/inference.ts [--model out/fashion-mnist-mlp.pt] [--index 0 --index 7] [photo.jpg ...]
//   npx tsx examples/inference.ts --imagenet photo.jpg ...
import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import * as torch from 'torchlette';
import { type Tensor } from 'torchlette';
import { datasets, Image, io, models, transforms as T } from 'torchlette/vision';
import { parseCli } from './lib/cli.js';
import { CLASSES, findFashionMnist, MEAN, STD } from './lib/fashion.js';
import { modelFromStateDict, readStateDict } from './lib/nets.js';
import { viewClassify } from './lib/plot.js';

const args = parseCli({
  name: 'inference',
  about: "Seed 004: classify image files or Fashion-MNIST test items with a saved model; writes view_classify charts.",
  options: {
    model: { type: 'string', help: 'checkpoint to load (default out/fashion-mnist-mlp.pt, written by npm start)' },
    index: { type: 'string', multiple: true, help: 'a Fashion-MNIST test-set item to classify (repeatable; default: items 0-3 when no files are given)' },
    data: { type: 'string', help: 'a folder with the Fashion-MNIST IDX files' },
    'no-invert': { type: 'boolean', help: 'do not invert image files with a light background' },
    imagenet: { type: 'boolean', help: "label the photos with ImageNet's 1000 classes using torchvision's pretrained ResNet18 (ResNet18_Weights.DEFAULT)" },
    'no-download': { type: 'boolean', help: "with --imagenet: use the weights only if they are in torch.hub's cache ($TORCH_HOME/hub/checkpoints)" },
  },
});

/** --imagenet: each photo's top-5 ImageNet classes from torchvision's pretrained ResNet18, and a chart of them. */
async function labelWithImageNet(files: string[]): Promise<void> {
  if (files.length === 0) throw new Error('pass one or more photos to label');
  const weights = models.ResNet18_Weights.DEFAULT;
  const cached = join(torch.hub.getDir(), 'checkpoints', basename(new URL(weights.url).pathname));
  if (args.flag('no-download') && !existsSync(cached)) throw new Error(`${cached} is not in torch.hub's cache and --no-download was given`);
  const model = models.resnet18({ weights }).eval();
  const preprocess = weights.transforms(); // resize 256, centre crop 224, to float, ImageNet's normalisation
  const categories = weights.meta.categories!;
  console.log(`model: torchvision's ResNet18 (${String(weights)}) from ${cached}: ${categories.length} ImageNet classes`);
  // What the model sees, for the chart: the same resize and crop, without the normalisation.
  const shown = new T.Compose<Image, Tensor>([new T.Resize(256), new T.CenterCrop(224), new T.ToTensor()]);
  for (const file of files) {
    const img = io.loadImage(file, 'RGB');
    const probs = torch.noGrad(() => model.forward(preprocess(img).unsqueeze(0))).softmax(1).view(-1);
    const { values, indices } = probs.topk(5);
    const top = indices.tolist() as number[];
    const p = values.tolist() as number[];
    const name = basename(file, extname(file));
    const chart = join(args.out, `imagenet-${name}.png`);
    await viewClassify(shown(img), p, top.map((c) => categories[c]), 'Top-5 ImageNet classes').save(chart);
    console.log(`${name}: ${top.map((c, i) => `${categories[c]} ${(100 * p[i]).toFixed(1)}%`).join(', ')} -> ${chart}`);
  }
}

if (!args.flag('imagenet')) await classifyWithCheckpoint();
else {
  try {
    await labelWithImageNet(args.positionals);
  } catch (e) {
    console.error(`--imagenet: ${(e as Error).message}`);
    process.exit(1);
  }
}

/** Seed 004: Fashion-MNIST classes from a saved model. */
async function classifyWithCheckpoint(): Promise<void> {
  const checkpoint = args.string('model') ?? 'out/fashion-mnist-mlp.pt';
  let loaded: ReturnType<typeof modelFromStateDict>;
  try {
    loaded = modelFromStateDict(readStateDict(checkpoint));
  } catch (e) {
    console.error(`cannot load a model from ${checkpoint}: ${(e as Error).message}\nTrain one first: npm start (or pass --model).`);
    process.exit(1);
  }
  const { name, model } = loaded;
  model.eval();
  console.log(`model: ${name} from ${checkpoint}`);

  // The inputs: [display name, 28x28 gray image, true label or null].
  const inputs: [string, Image, number | null][] = [];
  for (const file of args.positionals) {
    let img = io.loadImage(file, 'L');
    if (img.width !== 28 || img.height !== 28) img = new T.Resize([28, 28])(img) as Image;
    // Fashion-MNIST's clothes are light on a black background; most photos are dark on a
    // light one. Invert those (a light border) so the input looks like the training data.
    const border = [...img.data.keys()].filter((i) => i % 28 === 0 || i % 28 === 27 || i < 28 || i >= 27 * 28);
    const borderMean = border.reduce((a, i) => a + img.data[i], 0) / border.length;
    if (borderMean > 127 && !args.flag('no-invert')) img = new Image(28, 28, 1, img.data.map((v) => 255 - v));
    inputs.push([basename(file, extname(file)), img, null]);
  }
  const indices = args.strings('index').map(Number);
  if (indices.length === 0 && inputs.length === 0) indices.push(...(args.quick ? [0, 1] : [0, 1, 2, 3]));
  if (indices.length > 0) {
    const source = findFashionMnist({ data: args.string('data') });
    const test = new datasets.FashionMNIST(source.root, { train: false });
    for (const i of indices) {
      const [img, label] = test.getItem(i);
      inputs.push([`test-${i}`, img, label]);
    }
  }

  const toTensor = new T.ToTensor();
  const normalize = new T.Normalize([MEAN], [STD]);
  let correct = 0;
  for (const [label, img, truth] of inputs) {
    const x = toTensor(img); // [1, 28, 28] in [0, 1]
    // Turn off gradients to speed up this part (the seed's `with torch.no_grad()`), and
    // the softmax gives the class probabilities (the seed's exp of log-softmax outputs).
    const ps: Tensor = torch.noGrad(() => model.forward(normalize(x).unsqueeze(0)) as Tensor).softmax(1).view(-1);
    const probs = Array.from(ps.toTypedArray(), Number);
    const order = probs.map((p, c) => [p, c]).sort((a, b) => b[0] - a[0]);
    const top = order.slice(0, 3).map(([p, c]) => `${CLASSES[c]} ${(100 * p).toFixed(1)}%`).join(', ');
    const truthText = truth === null ? '' : ` (true: ${CLASSES[truth]})`;
    if (truth !== null && order[0][1] === truth) correct++;
    const chart = join(args.out, `classify-${label}.png`);
    await viewClassify(x, probs, CLASSES).save(chart);
    console.log(`${label}${truthText}: ${top} -> ${chart}`);
  }
  if (indices.length > 0) console.log(`${correct}/${indices.length} test items classified correctly`);
}
