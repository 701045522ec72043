import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { datasets, imageToTensor, io } from '../../src/vision/index.js';
import { assertChart, numberAfter, runExample, SUBSET, tempDir } from './run.js';

const out = tempDir('main');
const checkpoint = join(out, 'fashion-mnist-mlp.pt');

test('npm start (quick): finds data, trains with progress lines, beats chance, checkpoints and plots', () => {
  // Run where ./data does not exist and nothing is downloaded: Debian's files when they
  // are installed, else the embedded subset.
  const text = runExample('main', ['--out', out, '--no-download'], { cwd: tempDir('cwd') });
  assert.match(text, /^data: (\/usr\/share\/datasets\/fashion-mnist \(Debian's|the embedded subset)/m);
  assert.match(text, /1280 training and 1000 test images/);
  assert.match(text, /20\/20 {2}loss [0-9.]+ {2}\d+ samples\/s {2}ETA 0:00/, 'the progress line when stdout is not a terminal');
  assert.ok(numberAfter(text, /test accuracy:/) > 30, 'above chance (10%)');
  const saved = torch.load<Record<string, unknown>>(checkpoint);
  assert.equal(saved.epoch, 1);
  assert.deepEqual(Object.keys(saved.model_state_dict as object), ['1.weight', '1.bias', '3.weight', '3.bias', '5.weight', '5.bias']);
  assert.ok('param_groups' in (saved.optimizer_state_dict as object));
  assertChart(join(out, 'training-curve.png'), [3, 500, 800]);
});

test('inference: classifies test items and image files with the saved model, writes view_classify charts', () => {
  // Image files: test item 1 as a PNG (the same pixels), and inverted (dark on light,
  // like a photo) as a JPEG, which the example inverts back.
  const [img] = new datasets.FashionMNIST(SUBSET, { train: false }).getItem(1);
  const png = join(out, 'item1.png');
  const jpeg = join(out, 'item1-light.jpg');
  io.saveImagePng(img, png);
  io.writeJpeg(imageToTensor(img).rsub(255).to('uint8'), jpeg, 95);
  const charts = join(out, 'charts');
  const text = runExample('inference', ['--model', checkpoint, '--data', SUBSET, '--out', charts, '--index', '0', '--index', '1', png, jpeg]);
  assert.match(text, /model: MLP 784-128-64-10/);
  assert.match(text, /test-0 \(true: Ankle boot\): \S/);
  assert.match(text, /\d\/2 test items classified correctly/);
  const top = (name: string) => new RegExp(`^${name}(?: \\(true: [^)]*\\))?: (.*) -> `, 'm').exec(text)?.[1];
  assert.ok(top('test-1'), 'test item 1 is classified');
  assert.equal(top('item1'), top('test-1'), 'the PNG file is classified as the test item it holds');
  assert.ok(top('item1-light'), 'the JPEG is classified');
  for (const name of ['test-0', 'test-1', 'item1', 'item1-light']) assertChart(join(charts, `classify-${name}.png`), [3, 420, 900]);
});
