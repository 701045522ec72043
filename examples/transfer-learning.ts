// Example 5 (seeds 000, 001): transfer learning with a ResNet18, following PyTorch's
// "Transfer learning for computer vision" tutorial: its train_model (train and val
// phases, setGradEnabled(phase === 'train'), running loss and corrects, StepLR, the
// best weights by validation accuracy), both fine-tuning the whole network and using it
// as a frozen feature extractor (requiresGrad = false, a new fc).
//
// The backbone: torchvision's ImageNet ResNet18 (`models.resnet18({ weights: 'DEFAULT' })`,
// from torch.hub's cache $TORCH_HOME/hub/checkpoints, downloaded there when missing),
// or a checkpoint file (--weights path.pth); when the ImageNet weights cannot be had
// (offline, --no-download without a cached file), one this example pretrains on
// Fashion-MNIST classes 0-4 (T-shirt, trouser, pullover, dress, coat) and saves. It then
// transfers to classes 5-9 (sandal, shirt, sneaker, bag, ankle boot) from a few labelled
// images per class, and compares with the same network trained from scratch. An
// ImageFolder dataset (--data dir with train/ and val/, e.g. the tutorial's
// hymenoptera_data) replaces the Fashion-MNIST target.
//
//   npx tsx examples/transfer-learning.ts [--quick] [--shots 20] [--size 32]
//   npx tsx examples/transfer-learning.ts --data hymenoptera_data --size 224
//   npx tsx examples/transfer-learning.ts --weights out/transfer-learning/resnet18-fashion-0-4.pth
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as torch from 'torchlette';
import { nn, optim, type Tensor } from 'torchlette';
import { datasets, models, transforms as T, type Image } from 'torchlette/vision';
import { formatDuration, parseCli } from './lib/cli.js';
import { CLASSES, findFashionMnist } from './lib/fashion.js';
import { readStateDict } from './lib/nets.js';
import { barChart } from './lib/plot.js';

type Data = torch.utils.data.Dataset<[Tensor, number]>;
const { DataLoader, Subset } = torch.utils.data;

const args = parseCli({
  name: 'transfer-learning',
  about: 'Transfer learning with a ResNet18 (the PyTorch tutorial\'s train_model): pretrained vs from scratch, fine-tuned vs frozen.',
  options: {
    weights: {
      type: 'string',
      help: "ResNet18 weights to start from: 'DEFAULT' or 'IMAGENET1K_V1' (torchvision's ImageNet weights), or a checkpoint file (e.g. the backbone an earlier run saved); default: ImageNet's when they can be had, else pretrain on Fashion-MNIST 0-4",
    },
    'no-download': { type: 'boolean', help: "use ImageNet weights only when they are already in torch.hub's cache ($TORCH_HOME/hub/checkpoints)" },
    'own-backbone': { type: 'boolean', help: 'do not use ImageNet weights: pretrain a backbone on Fashion-MNIST 0-4' },
    data: { type: 'string', help: 'an ImageFolder directory with train/ and val/ to transfer to (default: Fashion-MNIST classes 5-9)' },
    fashion: { type: 'string', help: 'a folder with the Fashion-MNIST IDX files (default: the usual search)' },
    size: { type: 'string', help: 'input size in pixels (default 32 for Fashion-MNIST, 224 with --data; --quick 16)' },
    shots: { type: 'string', help: 'labelled training images per class of 5-9 (default 20; --quick 1)' },
    'pretrain-images': { type: 'string', help: 'training images of classes 0-4 for pretraining (default 5000; --quick 5)' },
    'pretrain-epochs': { type: 'string', help: 'pretraining epochs (default 3; --quick 1)' },
    epochs: { type: 'string', help: 'epochs of each transfer run (default 10; --quick 1)' },
    val: { type: 'string', help: 'validation images (default 500; --quick 3)' },
    'batch-size': { type: 'string', help: 'batch size (default 16)' },
    'no-scratch': { type: 'boolean', help: "only the tutorial's two runs from the pretrained backbone (no from-scratch comparison)" },
  },
});
const imageFolder = args.string('data');
const size = args.number('size', imageFolder ? 224 : 32, 16);
const batchSize = args.number('batch-size', 16);
const nVal = args.number('val', 500, 3);
torch.manualSeed(0);

// The tutorial normalises with ImageNet's statistics, which torchvision's weights expect;
// the offline backbone is trained with the same, so either backbone takes the same input.
const normalize = new T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
// Fashion-MNIST's 28x28 gray images, resized and replicated to 3 channels for ResNet18.
const fashionTransform = new T.Compose([new T.Resize([size, size]), new T.Grayscale(3), new T.ToTensor(), normalize]);

/** The first `perClass` items of each class in `classes` (or the first `total` of any of them), relabelled 0..n-1. */
function fashionPart(train: boolean, classes: number[], take: { perClass?: number; total?: number }): Data {
  const source = findFashionMnist({ data: args.string('fashion') });
  const full = new datasets.FashionMNIST<Tensor, number>(source.root, { train, transform: fashionTransform, targetTransform: (y) => classes.indexOf(y) });
  const labels = Array.from(full.targets.toTypedArray(), Number);
  const count = new Map<number, number>();
  const indices: number[] = [];
  for (let i = 0; i < labels.length && indices.length < (take.total ?? Infinity); i++) {
    const c = labels[i];
    if (!classes.includes(c)) continue;
    if (take.perClass !== undefined && (count.get(c) ?? 0) >= take.perClass) continue;
    count.set(c, (count.get(c) ?? 0) + 1);
    indices.push(i);
  }
  return new Subset(full, indices);
}

/** The tutorial's train_model, line for line. */
function trainModel(model: models.ResNet, criterion: nn.CrossEntropyLoss, optimizer: optim.SGD, scheduler: optim.lrScheduler.StepLR, dataloaders: Record<'train' | 'val', torch.utils.data.DataLoader<[Tensor, number]>>, numEpochs: number): number {
  const since = performance.now();
  const datasetSizes = { train: (dataloaders.train.dataset as Data).length, val: (dataloaders.val.dataset as Data).length };
  // best_model_wts = copy.deepcopy(model.state_dict()): stateDict() shares memory with the model.
  let bestModelWts = torch.deepcopy(model.stateDict());
  let bestAcc = 0;
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    console.log(`Epoch ${epoch}/${numEpochs - 1}`);
    console.log('-'.repeat(10));
    for (const phase of ['train', 'val'] as const) {
      if (phase === 'train') model.train(); // Set model to training mode
      else model.eval(); // Set model to evaluate mode
      let runningLoss = 0;
      let runningCorrects = 0;
      for (const [inputs, labels] of dataloaders[phase]) {
        optimizer.zeroGrad();
        // forward; track history only if in train (Python: with torch.set_grad_enabled(...))
        torch.setGradEnabled(phase === 'train', () => {
          const outputs = model.forward(inputs);
          const preds = outputs.max(1).indices; // _, preds = torch.max(outputs, 1)
          const loss = criterion.forward(outputs, labels);
          if (phase === 'train') {
            loss.backward();
            optimizer.step();
          }
          // CrossEntropyLoss averages over the batch: times the batch size gives the sum.
          runningLoss += Number(loss.item()) * inputs.size(0);
          runningCorrects += Number(preds.eq(labels.data).sum().item());
        });
      }
      if (phase === 'train') scheduler.step();
      const epochLoss = runningLoss / datasetSizes[phase];
      const epochAcc = runningCorrects / datasetSizes[phase];
      console.log(`${phase} Loss: ${epochLoss.toFixed(4)} Acc: ${epochAcc.toFixed(4)}`);
      // deep copy the model
      if (phase === 'val' && epochAcc > bestAcc) {
        bestAcc = epochAcc;
        bestModelWts = torch.deepcopy(model.stateDict());
      }
    }
    console.log();
  }
  const elapsed = (performance.now() - since) / 1000;
  console.log(`Training complete in ${Math.floor(elapsed / 60)}m ${Math.round(elapsed % 60)}s`);
  console.log(`Best val Acc: ${bestAcc.toFixed(4)}`);
  model.loadStateDict(bestModelWts); // load best model weights
  return bestAcc;
}

function loaders(train: Data, val: Data) {
  return { train: new DataLoader(train, { batchSize, shuffle: true }), val: new DataLoader(val, { batchSize: 64 }) };
}

// --- 1. The backbone ---
/**
 * torchvision's ImageNet ResNet18 (`weights`: 'DEFAULT' or a member's name), from
 * torch.hub's cache or downloaded there; a string saying why not when it cannot be had.
 */
function imagenetBackbone(name: string): Record<string, Tensor> | string {
  const w = models.ResNet18_Weights.verify(name)!;
  const cached = join(torch.hub.getDir(), 'checkpoints', basename(new URL(w.url).pathname));
  if (!existsSync(cached) && args.flag('no-download')) return `${cached} is not in the cache and --no-download was given`;
  try {
    const model = models.resnet18({ weights: w });
    console.log(`backbone: torchvision's ImageNet ResNet18 (${String(w)}, top-1 ${w.meta._metrics['ImageNet-1K']['acc@1']}%) from ${cached}`);
    return model.stateDict();
  } catch (e) {
    return (e as Error).message;
  }
}

const isWeightsName = (s: string) => /^(ResNet18_Weights\.)?[A-Z][A-Z0-9_]*$/.test(s) && !existsSync(s);
let backbone: Record<string, Tensor> | null = null;
let backboneLabel = 'pretrained on 0-4';
const weights = args.string('weights');
if (weights && !isWeightsName(weights)) {
  backbone = readStateDict(weights);
  backboneLabel = 'pretrained (weights)';
  console.log(`backbone: ResNet18 weights from ${weights}`);
} else if (!args.flag('own-backbone')) {
  const got = imagenetBackbone(weights ?? 'DEFAULT');
  if (typeof got !== 'string') {
    backbone = got;
    backboneLabel = 'pretrained (ImageNet)';
  } else if (weights) {
    throw new Error(`--weights ${weights}: ${got}`);
  } else {
    console.log(`ImageNet weights unavailable: ${got}`);
    console.log('falling back to a backbone of our own, pretrained on Fashion-MNIST classes 0-4');
  }
}
if (backbone === null) {
  const nPre = args.number('pretrain-images', 5000, 5);
  console.log(`backbone: pretraining a ResNet18 on ${nPre} Fashion-MNIST images of classes 0-4 (${CLASSES.slice(0, 5).join(', ')}) at ${size}x${size}`);
  const model = models.resnet18({ numClasses: 5 });
  const pre = loaders(fashionPart(true, [0, 1, 2, 3, 4], { total: nPre }), fashionPart(false, [0, 1, 2, 3, 4], { total: nVal }));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  trainModel(model, new nn.CrossEntropyLoss(), optimizer, new optim.lrScheduler.StepLR(optimizer, 7, { gamma: 0.1 }), pre, args.number('pretrain-epochs', 3, 1));
  backbone = model.stateDict();
  const path = join(args.out, 'resnet18-fashion-0-4.pth');
  torch.save(backbone, path); // torchvision's layout: --weights takes it next time
  console.log(`saved the backbone to ${path} (pass --weights ${path} to skip pretraining next time)\n`);
}

// --- 2. The target task ---
let target: { train: Data; val: Data; classes: string[] };
if (imageFolder) {
  // The tutorial's data_transforms: random crops and flips to train, a centre crop to validate.
  const train = new datasets.ImageFolder<Tensor, number>(join(imageFolder, 'train'), {
    transform: new T.Compose<Image, Tensor>([new T.RandomResizedCrop(size), new T.RandomHorizontalFlip(), new T.ToTensor(), normalize]),
  });
  const val = new datasets.ImageFolder<Tensor, number>(join(imageFolder, 'val'), {
    transform: new T.Compose<Image, Tensor>([new T.Resize(Math.round((size * 256) / 224)), new T.CenterCrop(size), new T.ToTensor(), normalize]),
  });
  target = { train, val, classes: train.classes };
  console.log(`target: ImageFolder ${imageFolder}: classes ${train.classes.join(', ')}; ${train.length} training, ${val.length} validation images`);
} else {
  const shots = args.number('shots', 20, 1);
  target = {
    train: fashionPart(true, [5, 6, 7, 8, 9], { perClass: shots }),
    val: fashionPart(false, [5, 6, 7, 8, 9], { total: nVal }),
    classes: CLASSES.slice(5),
  };
  console.log(`target: Fashion-MNIST classes 5-9 (${target.classes.join(', ')}): ${shots} labelled images per class, ${target.val.length} validation images`);
}

// --- 3. Four runs: pretrained or from scratch, fine-tuned or frozen ---
const epochs = args.number('epochs', 10, 1);
const results: { label: string; acc: number }[] = [];
const started = performance.now();
for (const pretrained of args.flag('no-scratch') ? [true] : [true, false]) {
  for (const frozen of [false, true]) {
    const label = `${pretrained ? 'pretrained' : 'from scratch'}, ${frozen ? 'frozen' : 'fine-tuned'}`;
    console.log(`\n=== ${label} ===`);
    torch.manualSeed(1); // the same new fc (and scratch weights) in every run
    const model = models.resnet18();
    if (pretrained && backbone !== null) {
      // The old head (1000 ImageNet classes, or 5 from pretraining) is replaced below.
      const withoutFc = Object.fromEntries(Object.entries(backbone).filter(([k]) => !k.startsWith('fc.')));
      const { missingKeys } = model.loadStateDict(withoutFc, { strict: false });
      if (missingKeys.some((k) => !k.startsWith('fc.'))) throw new Error(`${weights ?? 'the backbone'}: not a ResNet18 state dict (missing ${missingKeys.slice(0, 3).join(', ')}, ...)`);
    }
    if (frozen) for (const p of model.parameters()) p.requiresGrad = false;
    // Parameters of newly constructed modules have requiresGrad = true by default.
    model.fc = new nn.Linear(512, target.classes.length);
    // Frozen: only the new fc is optimised. The tutorial's lr 0.001, momentum 0.9, and
    // StepLR decaying it by 0.1 every 7 epochs.
    const optimizer = new optim.SGD(frozen ? model.fc.parameters() : model.parameters(), { lr: 0.001, momentum: 0.9 });
    const scheduler = new optim.lrScheduler.StepLR(optimizer, 7, { gamma: 0.1 });
    const acc = trainModel(model, new nn.CrossEntropyLoss(), optimizer, scheduler, loaders(target.train, target.val), epochs);
    results.push({ label, acc });
  }
}

console.log(`\nbest validation accuracy on ${imageFolder ?? 'Fashion-MNIST classes 5-9'} (${results.length} runs in ${formatDuration((performance.now() - started) / 1000)}):`);
console.log(`${''.padEnd(22)}${'fine-tuned'.padStart(12)}${'frozen'.padStart(10)}`);
for (const [k, name] of [[0, backboneLabel], [2, 'from scratch']] as const) {
  if (k >= results.length) break;
  console.log(`${name.padEnd(22)}${(100 * results[k].acc).toFixed(1).padStart(11)}%${(100 * results[k + 1].acc).toFixed(1).padStart(9)}%`);
}
const chart = join(args.out, 'transfer-learning.png');
await barChart(results.map((r) => r.label), results.map((r) => r.acc), { title: 'Best validation accuracy', xMax: 1, width: 800, format: (v) => `${(100 * v).toFixed(1)}%` }).save(chart);
console.log(`saved ${chart}`);
