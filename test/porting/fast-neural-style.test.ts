// pytorch/examples fast_neural_style transcribed line for line (neural_style/transformer_net.py:
// ConvLayer with ReflectionPad2d, ResidualBlock, UpsampleConvLayer with nn.Upsample(nearest),
// InstanceNorm2d(affine=True); vgg.py: Vgg16's four slices of vgg16().features built with
// addModule and frozen with requiresGrad = false, its namedtuple outputs; utils.py: load_image's
// ANTIALIAS resize, gram_matrix with bmm, normalize_batch with newTensor and div_; neural_style.py:
// train() with Adam, MSELoss, the content/style losses, the log lines, checkpoints saved with
// eval().cpu() and torch.save; stylize() loading the state_dict with the running_* key filter,
// under noGrad). Reduced as scripts/fixtures/porting_fast_neural_style.py says (FakeData images,
// seeded random VGG weights, 12x12 images, 2 batches of 2).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { Adam } from '../../src/optim/index.js';
import { DataLoader } from '../../src/utils/data/index.js';
import { datasets, transforms, type Image } from '../../src/vision/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Summary = Record<string, [number, number]>;
interface Fixture {
  vgg_repr: string;
  vgg_summary: Summary;
  transformer_initial: Summary;
  style: TensorJson;
  gram_style: [TensorJson, [number, number], [number, number], [number, number]];
  first_batch: TensorJson;
  first_y: TensorJson;
  messages: string[];
  steps: [number, number, number][];
  checkpoints: string[];
  save_model_filename: string;
  state_dict_keys: string[];
  final: Summary;
  final_small: Record<string, TensorJson>;
  content_image: TensorJson;
  output_shape: number[];
  image_shape: number[];
}
const fx = loadFixture<Fixture>('porting_fast_neural_style.json');

// ---- transformer_net.py ----
class ConvLayer extends nn.Module {
  reflection_pad: nn.ReflectionPad2d;
  conv2d: nn.Conv2d;
  constructor(inChannels: number, outChannels: number, kernelSize: number, stride: number) {
    super();
    const reflectionPadding = Math.floor(kernelSize / 2);
    this.reflection_pad = new nn.ReflectionPad2d(reflectionPadding);
    this.conv2d = new nn.Conv2d(inChannels, outChannels, kernelSize, stride);
  }

  override forward(x: Tensor): Tensor {
    let out = this.reflection_pad.forward(x);
    out = this.conv2d.forward(out);
    return out;
  }
}

class ResidualBlock extends nn.Module {
  conv1: ConvLayer;
  in1: nn.InstanceNorm2d;
  conv2: ConvLayer;
  in2: nn.InstanceNorm2d;
  relu: nn.ReLU;
  constructor(channels: number) {
    super();
    this.conv1 = new ConvLayer(channels, channels, 3, 1);
    this.in1 = new nn.InstanceNorm2d(channels, { affine: true });
    this.conv2 = new ConvLayer(channels, channels, 3, 1);
    this.in2 = new nn.InstanceNorm2d(channels, { affine: true });
    this.relu = new nn.ReLU();
  }

  override forward(x: Tensor): Tensor {
    const residual = x;
    let out = this.relu.forward(this.in1.forward(this.conv1.forward(x)));
    out = this.in2.forward(this.conv2.forward(out));
    out = out.add(residual);
    return out;
  }
}

class UpsampleConvLayer extends nn.Module {
  upsample: number | null;
  upsample_layer?: nn.Upsample;
  reflection_pad: nn.ReflectionPad2d;
  conv2d: nn.Conv2d;
  constructor(inChannels: number, outChannels: number, kernelSize: number, stride: number, upsample: number | null = null) {
    super();
    this.upsample = upsample;
    if (upsample) this.upsample_layer = new nn.Upsample({ mode: 'nearest', scaleFactor: upsample });
    const reflectionPadding = Math.floor(kernelSize / 2);
    this.reflection_pad = new nn.ReflectionPad2d(reflectionPadding);
    this.conv2d = new nn.Conv2d(inChannels, outChannels, kernelSize, stride);
  }

  override forward(x: Tensor): Tensor {
    let xIn = x;
    if (this.upsample) xIn = this.upsample_layer!.forward(xIn);
    let out = this.reflection_pad.forward(xIn);
    out = this.conv2d.forward(out);
    return out;
  }
}

class TransformerNet extends nn.Module {
  // Initial convolution layers
  conv1 = new ConvLayer(3, 32, 9, 1);
  in1 = new nn.InstanceNorm2d(32, { affine: true });
  conv2 = new ConvLayer(32, 64, 3, 2);
  in2 = new nn.InstanceNorm2d(64, { affine: true });
  conv3 = new ConvLayer(64, 128, 3, 2);
  in3 = new nn.InstanceNorm2d(128, { affine: true });
  // Residual layers
  res1 = new ResidualBlock(128);
  res2 = new ResidualBlock(128);
  res3 = new ResidualBlock(128);
  res4 = new ResidualBlock(128);
  res5 = new ResidualBlock(128);
  // Upsampling Layers
  deconv1 = new UpsampleConvLayer(128, 64, 3, 1, 2);
  in4 = new nn.InstanceNorm2d(64, { affine: true });
  deconv2 = new UpsampleConvLayer(64, 32, 3, 1, 2);
  in5 = new nn.InstanceNorm2d(32, { affine: true });
  deconv3 = new ConvLayer(32, 3, 9, 1);
  // Non-linearities
  relu = new nn.ReLU();

  override forward(X: Tensor): Tensor {
    let y = this.relu.forward(this.in1.forward(this.conv1.forward(X)));
    y = this.relu.forward(this.in2.forward(this.conv2.forward(y)));
    y = this.relu.forward(this.in3.forward(this.conv3.forward(y)));
    y = this.res1.forward(y);
    y = this.res2.forward(y);
    y = this.res3.forward(y);
    y = this.res4.forward(y);
    y = this.res5.forward(y);
    y = this.relu.forward(this.in4.forward(this.deconv1.forward(y)));
    y = this.relu.forward(this.in5.forward(this.deconv2.forward(y)));
    y = this.deconv3.forward(y);
    return y;
  }
}

// ---- vgg.py ----
// namedtuple("VggOutputs", ['relu1_2', 'relu2_2', 'relu3_3', 'relu4_3']): fields, iterable in order.
interface VggOutputs extends Iterable<Tensor> {
  relu1_2: Tensor;
  relu2_2: Tensor;
  relu3_3: Tensor;
  relu4_3: Tensor;
}
function vggOutputs(relu1_2: Tensor, relu2_2: Tensor, relu3_3: Tensor, relu4_3: Tensor): VggOutputs {
  return { relu1_2, relu2_2, relu3_3, relu4_3, *[Symbol.iterator]() { yield relu1_2; yield relu2_2; yield relu3_3; yield relu4_3; } };
}

// models.vgg16(pretrained=True).features, without ImageNet weights and without building the
// 120M-weight classifier (tens of seconds on the JS backend): torchvision's make_layers(cfgs['D'])
// and VGG.__init__'s initialisation of its convolutions, seeded.
const cfgD: (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];
function makeLayers(cfg: (number | 'M')[], batchNorm = false): nn.Sequential {
  const layers: nn.Module[] = [];
  let inChannels = 3;
  for (const v of cfg) {
    if (v === 'M') {
      layers.push(new nn.MaxPool2d({ kernelSize: 2, stride: 2 }));
    } else {
      const conv2d = new nn.Conv2d(inChannels, v, { kernelSize: 3, padding: 1 });
      if (batchNorm) layers.push(conv2d, new nn.BatchNorm2d(v), new nn.ReLU({ inplace: true }));
      else layers.push(conv2d, new nn.ReLU({ inplace: true }));
      inChannels = v;
    }
  }
  return new nn.Sequential(...layers);
}
function vgg16Features(): nn.Sequential {
  const features = makeLayers(cfgD);
  for (const m of features.modules()) {
    if (m instanceof nn.Conv2d) {
      nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      if (m.bias !== null) nn.init.constant_(m.bias, 0);
    }
  }
  return features;
}

class Vgg16 extends nn.Module {
  slice1: nn.Sequential;
  slice2: nn.Sequential;
  slice3: nn.Sequential;
  slice4: nn.Sequential;
  constructor(requiresGrad = false) {
    super();
    const vggPretrainedFeatures = vgg16Features();
    this.slice1 = new nn.Sequential();
    this.slice2 = new nn.Sequential();
    this.slice3 = new nn.Sequential();
    this.slice4 = new nn.Sequential();
    for (let x = 0; x < 4; x++) this.slice1.addModule(String(x), vggPretrainedFeatures.get(x));
    for (let x = 4; x < 9; x++) this.slice2.addModule(String(x), vggPretrainedFeatures.get(x));
    for (let x = 9; x < 16; x++) this.slice3.addModule(String(x), vggPretrainedFeatures.get(x));
    for (let x = 16; x < 23; x++) this.slice4.addModule(String(x), vggPretrainedFeatures.get(x));
    if (!requiresGrad) {
      for (const param of this.parameters()) param.requiresGrad = false;
    }
  }

  override forward(X: Tensor): VggOutputs {
    let h = this.slice1.forward(X) as Tensor;
    const hRelu1_2 = h;
    h = this.slice2.forward(h) as Tensor;
    const hRelu2_2 = h;
    h = this.slice3.forward(h) as Tensor;
    const hRelu3_3 = h;
    h = this.slice4.forward(h) as Tensor;
    const hRelu4_3 = h;
    const out = vggOutputs(hRelu1_2, hRelu2_2, hRelu3_3, hRelu4_3);
    return out;
  }
}

// ---- utils.py (load_image takes an opened image: no files) ----
const ANTIALIAS = 1; // PIL's Image.ANTIALIAS (= LANCZOS); torchlette's Image has no such constant
function loadImage(image: Image, size: number | null = null, scale: number | null = null): Image {
  let img = image.convert('RGB');
  if (size !== null) {
    img = img.resize([size, size], ANTIALIAS);
  } else if (scale !== null) {
    img = img.resize([Math.trunc(img.size[0] / scale), Math.trunc(img.size[1] / scale)], ANTIALIAS);
  }
  return img;
}

function saveImage(data: Tensor): Tensor {
  let img = data.clone().clamp(0, 255);
  img = img.permute(1, 2, 0).to(torch.uint8);
  return img;
}

function gramMatrix(y: Tensor): Tensor {
  const [b, ch, h, w] = y.size();
  const features = y.view(b, ch, w * h);
  const featuresT = features.transpose(1, 2);
  const gram = features.bmm(featuresT).div(ch * h * w);
  return gram;
}

function normalizeBatch(batch: Tensor): Tensor {
  // normalize using imagenet mean and std
  const mean = batch.newTensor([0.485, 0.456, 0.406]).view(-1, 1, 1);
  const std = batch.newTensor([0.229, 0.224, 0.225]).view(-1, 1, 1);
  batch = batch.div_(255.0);
  return batch.sub(mean).div(std);
}

const args = {
  epochs: 1,
  batchSize: 2,
  imageSize: 12,
  styleSize: 12,
  seed: 42,
  contentWeight: 1e5,
  styleWeight: 1e10,
  lr: 1e-3,
  logInterval: 1,
  checkpointInterval: 2,
  cuda: 0,
  saveModelDir: '',
  checkpointModelDir: null as string | null,
  contentScale: 2.0,
  model: '',
};

// Python's str(float) for the weights in the file name (1e5 -> '100000.0', 1e10 -> '10000000000.0').
const pyFloat = (v: number): string => (Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v));

type Summ = [number, number];
function summary(sd: Record<string, Tensor>): Record<string, Summ> {
  const out: Record<string, Summ> = {};
  for (const [k, v] of Object.entries(sd)) out[k] = [v.double().sum().item() as number, v.double().norm().item() as number];
  return out;
}
function assertSummary(got: Record<string, Summ>, want: Record<string, Summ>, rtol: number, atol: number, label: string): void {
  assert.deepEqual(Object.keys(got), Object.keys(want), `${label} keys`);
  for (const k of Object.keys(want)) {
    for (let i = 0; i < 2; i++) {
      const [a, b] = [got[k][i], want[k][i]];
      assert.ok(Math.abs(a - b) <= atol + rtol * Math.abs(b), `${label} ${k}[${i}]: got ${a}, expected ${b}`);
    }
  }
}
const close = (a: number, b: number, rtol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= rtol * Math.abs(b), `${what}: got ${a}, expected ${b}`);

// ---- neural_style.py train() ----
let trained: TransformerNet;
function train(): string {
  const device = torch.device(args.cuda ? 'cuda' : 'cpu');

  torch.manualSeed(args.seed);

  const transform = new transforms.Compose([
    new transforms.Resize(args.imageSize),
    new transforms.CenterCrop(args.imageSize),
    new transforms.ToTensor(),
    new transforms.Lambda((x: Tensor) => x.mul(255)),
  ]);
  const trainDataset = new datasets.FakeData({ size: 4, imageSize: [3, 20, 24], transform });
  const trainLoader = new DataLoader(trainDataset, { batchSize: args.batchSize });

  const transformer = new TransformerNet().to(device);
  trained = transformer;
  const optimizer = new Adam(transformer.parameters(), args.lr);
  const mseLoss = new nn.MSELoss();

  const vgg = new Vgg16(false).to(device);
  assert.equal(String(vgg), fx.vgg_repr);
  assertSummary(summary(vgg.stateDict()), fx.vgg_summary, 1e-12, 1e-12, 'vgg weights');
  assertSummary(summary(transformer.stateDict()), fx.transformer_initial, 1e-12, 1e-12, 'initial transformer');
  const styleTransform = new transforms.Compose([new transforms.ToTensor(), new transforms.Lambda((x: Tensor) => x.mul(255))]);
  const styleImg = loadImage(new datasets.FakeData({ size: 1, imageSize: [3, 24, 20], randomOffset: 100 }).getItem(0)[0], args.styleSize);
  let style = styleTransform.forward(styleImg) as Tensor;
  assertTensor(style, fx.style, { rtol: 0, atol: 0 }, 'style image');
  style = style.repeat(args.batchSize, 1, 1, 1).to(device);

  const featuresStyle = vgg.forward(normalizeBatch(style));
  const gramStyle = [...featuresStyle].map((y) => gramMatrix(y));
  assertTensor(gramStyle[0].index(0), fx.gram_style[0], { rtol: 1e-4, atol: 1e-3 }, 'gram_style[0]');
  for (let i = 1; i < 4; i++) {
    const [s, n] = fx.gram_style[i] as [number, number];
    close(gramStyle[i].double().sum().item() as number, s, 1e-4, `gram_style[${i}] sum`);
    close(gramStyle[i].double().norm().item() as number, n, 1e-4, `gram_style[${i}] norm`);
  }

  const messages: string[] = [];
  const checkpoints: string[] = [];
  for (let e = 0; e < args.epochs; e++) {
    transformer.train();
    let aggContentLoss = 0;
    let aggStyleLoss = 0;
    let count = 0;
    let batchId = 0;
    for (let [x] of trainLoader) {
      const nBatch = x.size(0); // len(x)
      count += nBatch;
      optimizer.zeroGrad();

      x = x.to(device);
      if (batchId === 0) assertTensor(x, fx.first_batch, { rtol: 0, atol: 0 }, 'first batch');
      let y = transformer.forward(x.to(device));
      if (batchId === 0) assertTensor(y, fx.first_y, { rtol: 1e-4, atol: 1e-4 }, 'first transformer output');

      y = normalizeBatch(y);
      x = normalizeBatch(x);

      const featuresY = vgg.forward(y);
      const featuresX = vgg.forward(x);

      const contentLoss = mseLoss.forward(featuresY.relu2_2, featuresX.relu2_2).mul(args.contentWeight);

      let styleLoss: Tensor | number = 0.0;
      const gms = [...featuresY];
      for (let i = 0; i < gms.length; i++) {
        const [ftY, gmS] = [gms[i], gramStyle[i]];
        const gmY = gramMatrix(ftY);
        styleLoss = mseLoss.forward(gmY, gmS.index(`:${nBatch}`, ':', ':')).add(styleLoss);
      }
      styleLoss = (styleLoss as Tensor).mul(args.styleWeight);

      const totalLoss = contentLoss.add(styleLoss);
      totalLoss.backward();
      optimizer.step();

      aggContentLoss += contentLoss.item() as number;
      aggStyleLoss += styleLoss.item() as number;
      // The first losses are PyTorch's to float32 rounding. Later ones follow weights that Adam
      // moved by lr along gradients that float32 cannot pin down here: with style_weight 1e10,
      // PyTorch's own float32 gradients differ from its float64 ones by up to 5% (torchlette's
      // are closer to the float64 ones), and each entry moves by +-lr whatever its size.
      const [wc, ws, wt] = fx.steps[batchId];
      const rtol = batchId === 0 ? 1e-5 : 2e-3;
      close(contentLoss.item() as number, wc, rtol, `step ${batchId} content loss`);
      close(styleLoss.item() as number, ws, rtol, `step ${batchId} style loss`);
      close(totalLoss.item() as number, wt, rtol, `step ${batchId} total loss`);

      if ((batchId + 1) % args.logInterval === 0) {
        const mesg = `TIME\tEpoch ${e + 1}:\t[${count}/${trainDataset.length}]\tcontent: ${(aggContentLoss / (batchId + 1)).toFixed(6)}\tstyle: ${(aggStyleLoss / (batchId + 1)).toFixed(6)}\ttotal: ${((aggContentLoss + aggStyleLoss) / (batchId + 1)).toFixed(6)}`;
        messages.push(mesg);
      }

      if (args.checkpointModelDir !== null && (batchId + 1) % args.checkpointInterval === 0) {
        transformer.eval().cpu();
        const ckptModelFilename = 'ckpt_epoch_' + String(e) + '_batch_id_' + String(batchId + 1) + '.pth';
        const ckptModelPath = path.join(args.checkpointModelDir, ckptModelFilename);
        torch.save(transformer.stateDict(), ckptModelPath);
        checkpoints.push(ckptModelFilename);
        transformer.to(device).train();
      }
      batchId++;
    }
  }

  // save model
  transformer.eval().cpu();
  const saveModelFilename = 'epoch_' + String(args.epochs) + '_' + pyFloat(args.contentWeight) + '_' + pyFloat(args.styleWeight) + '.model';
  const saveModelPath = path.join(args.saveModelDir, saveModelFilename);
  torch.save(transformer.stateDict(), saveModelPath);

  // The log lines print means to 6 decimals of losses in the thousands: compare them as numbers.
  assert.equal(messages.length, fx.messages.length);
  for (let i = 0; i < messages.length; i++) {
    const got = messages[i].split('\t');
    const want = fx.messages[i].split('\t');
    assert.deepEqual(got.slice(0, 3), want.slice(0, 3), `message ${i}`);
    for (let j = 3; j < 6; j++) {
      const [gl, gv] = got[j].split(': ');
      const [wl, wv] = want[j].split(': ');
      assert.equal(gl, wl);
      close(Number(gv), Number(wv), i === 0 ? 1e-5 : 2e-3, `message ${i} ${wl}`);
    }
  }
  assert.deepEqual(checkpoints, fx.checkpoints);
  assert.equal(saveModelFilename, fx.save_model_filename);
  const sd = transformer.stateDict();
  assert.deepEqual(Object.keys(sd), fx.state_dict_keys);
  // Adam's first steps move every weight by about lr whatever the gradient's size: a weight
  // whose gradient is rounding noise (the conv biases before an InstanceNorm, which cancels
  // them, have gradients of 1e-7 against weights' 1e1) moves by +-lr on either side. So each
  // value may differ by up to 2 * lr * steps, and a sum by that times the entries it flipped:
  // the norms are compared (first order in the gradients, second in those flips), not the sums.
  const finalSummary = summary(sd);
  assert.deepEqual(Object.keys(finalSummary), Object.keys(fx.final));
  for (const k of Object.keys(fx.final)) if (!(k in fx.final_small)) close(finalSummary[k][1], fx.final[k][1], 1e-3, `final ${k} norm`);
  for (const [k, v] of Object.entries(fx.final_small)) assertTensor(sd[k], v, { rtol: 0, atol: 2 * args.lr * 3 }, k);
  return saveModelPath;
}

// ---- neural_style.py stylize() ----
function stylize(trained: TransformerNet): void {
  const device = torch.device(args.cuda ? 'cuda' : 'cpu');

  const contentImg = loadImage(new datasets.FakeData({ size: 1, imageSize: [3, 20, 24], randomOffset: 200 }).getItem(0)[0], null, args.contentScale);
  const contentTransform = new transforms.Compose([new transforms.ToTensor(), new transforms.Lambda((x: Tensor) => x.mul(255))]);
  let contentImage = contentTransform.forward(contentImg) as Tensor;
  contentImage = contentImage.unsqueeze(0).to(device);
  assertTensor(contentImage, fx.content_image, { rtol: 0, atol: 0 }, 'content image');

  const output = torch.noGrad(() => {
    const styleModel = new TransformerNet();
    const stateDict = torch.load<Record<string, Tensor>>(args.model);
    // remove saved deprecated running_* keys in InstanceNorm from the checkpoint
    for (const k of Object.keys(stateDict)) {
      if (/in\d+\.running_(mean|var)$/.test(k)) delete stateDict[k];
    }
    styleModel.loadStateDict(stateDict);
    styleModel.to(device);
    return styleModel.forward(contentImage).cpu();
  });
  // The output follows the trained weights, which float32 cannot pin down here (see train():
  // PyTorch's own float32 run is up to 5% off its float64 gradients, and Adam moves every
  // entry by +-lr whatever its size): it differs from PyTorch's by up to 15% after 2 steps. The
  // same program in float64 (setDefaultDtype('float64') before it, on both sides) matched
  // PyTorch's output to 1e-9. Here: PyTorch's shapes, and the saved-and-loaded model gives what
  // the trained one in memory gives.
  assert.deepEqual(output.shape, fx.output_shape);
  const trainedOutput = torch.noGrad(() => trained.forward(contentImage));
  assertTensor(output, { dtype: 'float32', shape: output.shape, data: Array.from(trainedOutput.toTypedArray(), Number) }, { rtol: 0, atol: 0 }, 'loaded model');
  const img = saveImage(output.index(0));
  assert.deepEqual(img.shape, fx.image_shape);
  assert.equal(img.dtype, 'uint8');
  const got = Array.from(img.toTypedArray() as Uint8Array);
  const want = Array.from(output.index(0).clamp(0, 255).permute(1, 2, 0).contiguous().toTypedArray() as Float32Array, (v) => Math.trunc(v));
  assert.deepEqual(got, want, 'astype("uint8") truncates');
}

test('fast_neural_style: train() then stylize() as neural_style.py, against PyTorch', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'fast-neural-style-'));
  try {
    args.saveModelDir = tmp;
    args.checkpointModelDir = tmp;
    const modelPath = train();
    args.contentScale = 2.0;
    args.model = modelPath;
    stylize(trained!);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
