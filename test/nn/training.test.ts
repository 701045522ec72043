// The seeds' training programs against PyTorch (scripts/fixtures/training.py):
// seed 003's linear regression and MnistNet, seed 002's two networks updated in turn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = nn.functional;

interface Regression {
  losses: number[];
  weight: number;
  bias: number;
}
interface TwoNetworks {
  losses?: number[][];
  a?: Record<string, TensorJson>;
  b?: Record<string, TensorJson>;
  error?: string;
}
const fixture = loadFixture<{
  linear_regression_seed: Regression;
  linear_regression_converges: Regression;
  mnist_net: { losses: number[]; correct: number };
  two_networks: TwoNetworks;
  two_networks_without_detach: TwoNetworks;
}>('training.json');

const near = (a: number, b: number, rel: number, abs = 0) => Math.abs(a - b) <= rel * Math.abs(b) + abs;

class MyLinear extends nn.Module {
  linear = new nn.Linear(1, 1);
  override forward(x: Tensor): Tensor {
    return this.linear.forward(x);
  }
}

function linearRegression(lr: number, steps: number): Regression {
  torch.manualSeed(0);
  const x = torch.rand([500, 1]);
  const yTrue = x.mul(3).add(0.8);
  const myLinear = new MyLinear();
  const optimizer = new optim.SGD(myLinear.parameters(), lr);
  const lossFn = new nn.MSELoss();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const yPredict = myLinear.forward(x);
    const loss = lossFn.forward(yPredict, yTrue);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    if ((i + 1) % 100 === 0) losses.push(Number(loss.item()));
  }
  return { losses, weight: Number(myLinear.linear.weight.item()), bias: Number(myLinear.linear.bias!.item()) };
}

test("seed 003: nn.Linear + SGD + MSELoss follows PyTorch's trajectory", () => {
  const got = linearRegression(0.001, 2000);
  const want = fixture.linear_regression_seed;
  got.losses.forEach((l, i) => assert.ok(near(l, want.losses[i], 1e-4), `loss ${i}: ${l} vs ${want.losses[i]}`));
  assert.ok(near(got.weight, want.weight, 1e-4) && near(got.bias, want.bias, 1e-4));
});

test('seed 003: with a larger step the regression converges to w = 3, b = 0.8', () => {
  const got = linearRegression(0.1, 2000);
  const want = fixture.linear_regression_converges;
  assert.ok(near(got.weight, 3, 1e-4) && near(got.bias, 0.8, 1e-4), `w ${got.weight}, b ${got.bias}`);
  assert.ok(near(got.weight, want.weight, 1e-5) && near(got.bias, want.bias, 1e-5));
  got.losses.slice(0, 5).forEach((l, i) => assert.ok(near(l, want.losses[i], 1e-2, 1e-9), `loss ${i}: ${l} vs ${want.losses[i]}`));
});

class MnistNet extends nn.Module {
  fc1 = new nn.Linear(28 * 28, 28);
  fc2 = new nn.Linear(28, 10);
  override forward(x: Tensor): Tensor {
    return this.fc2.forward(F.relu(this.fc1.forward(x.view(-1, 28 * 28))));
  }
}

test("seed 003: MnistNet with Adam and CrossEntropyLoss trains like PyTorch's", () => {
  torch.manualSeed(0);
  const images = torch.rand(4, 16, 1, 28, 28);
  const labels = torch.randint(0, 10, [4, 16]);
  const net = new MnistNet();
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.Adam(net.parameters(), { lr: 0.001 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < 5; epoch++) {
    for (let i = 0; i < 4; i++) {
      const outputs = net.forward(images.index(i));
      optimizer.zeroGrad();
      const loss = criterion.forward(outputs, labels.index(i));
      loss.backward();
      optimizer.step();
      losses.push(Number(loss.item()));
    }
  }
  losses.forEach((l, i) => assert.ok(near(l, fixture.mnist_net.losses[i], 1e-4), `loss ${i}: ${l} vs ${fixture.mnist_net.losses[i]}`));
  assert.ok(losses[losses.length - 1] < losses[0], 'the loss falls');
  net.eval();
  const correct = torch.noGrad(() => {
    const pred = net.forward(images.index(0)).max(1, true).indices;
    return pred.eq(labels.index(0).viewAs(pred)).sum().item();
  });
  assert.equal(correct, fixture.mnist_net.correct);
});

class A extends nn.Module {
  fc = new nn.Linear(1, 10);
  override forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}
class B extends nn.Module {
  fc = new nn.Linear(10, 1);
  override forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}

function twoNetworks(detach: boolean): TwoNetworks {
  torch.manualSeed(0);
  const aNet = new A();
  const bNet = new B();
  const criterion = new nn.MSELoss();
  const optimizerA = new optim.Adam(aNet.parameters(), 0.1);
  const optimizerB = new optim.Adam(bNet.parameters(), 0.1);
  const input = torch.rand(2, 1);
  const label = torch.ones(2, 10);
  const label2 = torch.ones(2, 1);
  const out: TwoNetworks = { losses: [] };
  for (let step = 0; step < 3; step++) {
    bNet.zeroGrad();
    const output1 = aNet.forward(input);
    const loss1 = criterion.forward(output1, label);
    const output2 = bNet.forward(detach ? output1.detach() : output1);
    const loss2 = criterion.forward(output2, label2);
    loss2.backward();
    optimizerB.step();
    aNet.zeroGrad();
    const output3 = bNet.forward(output1);
    const loss3 = criterion.forward(output3, label2);
    try {
      loss3.backward();
    } catch (e) {
      return { error: (e as Error).message.split('\n')[0] };
    }
    optimizerA.step();
    out.losses!.push([Number(loss1.item()), Number(loss2.item()), Number(loss3.item())]);
  }
  out.a = aNet.stateDict() as unknown as Record<string, TensorJson>;
  out.b = bNet.stateDict() as unknown as Record<string, TensorJson>;
  return out;
}

test('seed 002: two networks updated in turn with detach() follow PyTorch', () => {
  const got = twoNetworks(true);
  const want = fixture.two_networks;
  got.losses!.forEach((row, i) => row.forEach((l, k) => assert.ok(near(l, want.losses![i][k], 1e-4), `step ${i} loss ${k}: ${l}`)));
  for (const [k, v] of Object.entries(want.a!)) assertTensor(got.a![k] as unknown as Tensor, v, { rtol: 1e-4, atol: 1e-5 }, `A ${k}`);
  for (const [k, v] of Object.entries(want.b!)) assertTensor(got.b![k] as unknown as Tensor, v, { rtol: 1e-4, atol: 1e-5 }, `B ${k}`);
});

test('seed 002: without detach() the second backward raises PyTorch error', () => {
  assert.deepEqual(twoNetworks(false), fixture.two_networks_without_detach);
});
