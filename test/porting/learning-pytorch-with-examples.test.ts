// The "Learning PyTorch with Examples" programs (beginner_source/examples_tensor,
// examples_autograd, examples_nn) transcribed line for line: manual gradients on tensors,
// autograd with `a -= lr * a.grad` under noGrad, the custom autograd Function
// LegendrePolynomial3 (taken as `const P3 = LegendrePolynomial3.apply`), Sequential with
// Flatten(0, 1) over x.unsqueeze(-1).pow(p), RMSprop, a Module of scalar Parameters, and the
// dynamic net drawing its depth with Python's random.randint. Against the same programs run by
// PyTorch (scripts/fixtures/porting_tutorials_basics.py): every loss and the final coefficients.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const random = torch.utils.pyRandom;
const math = Math;

interface Program {
  losses: number[];
  result: string;
  xx_dtype?: string;
  repr?: string;
}
const fx = loadFixture<Record<string, Program>>('porting_tutorials_basics.json');
const [N, STEPS] = [500, 300];

/** The numbers of a "Result: y = ..." line (Python writes 1e-09 where JavaScript writes 1e-9). */
const numbersOf = (s: string): number[] => (s.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number);

function assertProgram(name: string, losses: number[], result: string, rtol: number): void {
  const want = fx[name];
  assert.equal(losses.length, want.losses.length);
  losses.forEach((l, i) => assert.ok(Math.abs(l - want.losses[i]) <= rtol * Math.abs(want.losses[i]) + 1e-6, `${name} loss ${i}: got ${l}, expected ${want.losses[i]}`));
  const [got, exp] = [numbersOf(result), numbersOf(want.result)];
  assert.equal(got.length, exp.length, `${name}: ${result} vs ${want.result}`);
  got.forEach((v, i) => assert.ok(Math.abs(v - exp[i]) <= rtol * Math.abs(exp[i]) + 1e-7, `${name}: ${result} vs ${want.result}`));
}

test('examples_tensor/polynomial_tensor: manual gradients, as PyTorch', () => {
  const dtype = torch.float;
  const device = torch.device('cpu');
  torch.manualSeed(0);
  const x = torch.linspace(-math.PI, math.PI, N, { device, dtype });
  const y = torch.sin(x);
  const a = torch.randn([], { device, dtype });
  const b = torch.randn([], { device, dtype });
  const c = torch.randn([], { device, dtype });
  const d = torch.randn([], { device, dtype });
  const learningRate = 1e-6;
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
    const loss = yPred.sub(y).pow(2).sum().item();
    losses.push(Number(loss));
    const gradYPred = torch.mul(2.0, yPred.sub(y));
    const gradA = gradYPred.sum();
    const gradB = gradYPred.mul(x).sum();
    const gradC = gradYPred.mul(x.pow(2)).sum();
    const gradD = gradYPred.mul(x.pow(3)).sum();
    a.sub_(gradA.mul(learningRate));
    b.sub_(gradB.mul(learningRate));
    c.sub_(gradC.mul(learningRate));
    d.sub_(gradD.mul(learningRate));
  }
  assertProgram('polynomial_tensor', losses, `Result: y = ${a.item()} + ${b.item()} x + ${c.item()} x^2 + ${d.item()} x^3`, 1e-5);
});

test('examples_autograd/polynomial_autograd: a -= lr * a.grad under noGrad, a.grad = None, as PyTorch', () => {
  const dtype = torch.float;
  torch.manualSeed(0);
  const x = torch.linspace(-math.PI, math.PI, N, { dtype });
  const y = torch.sin(x);
  const a = torch.randn([], { dtype, requiresGrad: true });
  const b = torch.randn([], { dtype, requiresGrad: true });
  const c = torch.randn([], { dtype, requiresGrad: true });
  const d = torch.randn([], { dtype, requiresGrad: true });
  const learningRate = 1e-6;
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
    const loss = yPred.sub(y).pow(2).sum();
    losses.push(Number(loss.item()));
    loss.backward();
    torch.noGrad(() => {
      a.sub_(torch.mul(learningRate, a.grad!));
      b.sub_(torch.mul(learningRate, b.grad!));
      c.sub_(torch.mul(learningRate, c.grad!));
      d.sub_(torch.mul(learningRate, d.grad!));
      a.grad = null;
      b.grad = null;
      c.grad = null;
      d.grad = null;
    });
  }
  assertProgram('polynomial_autograd', losses, `Result: y = ${a.item()} + ${b.item()} x + ${c.item()} x^2 + ${d.item()} x^3`, 1e-5);
});

class LegendrePolynomial3 extends torch.autograd.Function {
  static forward(ctx: torch.autograd.FunctionCtx, input: Tensor): Tensor {
    ctx.saveForBackward(input);
    return torch.mul(0.5, torch.mul(5, input.pow(3)).sub(torch.mul(3, input)));
  }

  static backward(ctx: torch.autograd.FunctionCtx, gradOutput: Tensor): Tensor {
    const [input] = ctx.savedTensors;
    return gradOutput.mul(1.5).mul(torch.mul(5, input.pow(2)).sub(1));
  }
}

test('examples_autograd/polynomial_custom_function: LegendrePolynomial3.apply taken as a plain function, as PyTorch', () => {
  const dtype = torch.float;
  const device = torch.device('cpu');
  const x = torch.linspace(-math.PI, math.PI, N, { device, dtype });
  const y = torch.sin(x);
  const a = torch.full([], 0.0, { device, dtype, requiresGrad: true });
  const b = torch.full([], -1.0, { device, dtype, requiresGrad: true });
  const c = torch.full([], 0.0, { device, dtype, requiresGrad: true });
  const d = torch.full([], 0.3, { device, dtype, requiresGrad: true });
  const learningRate = 5e-6;
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    // Python's `P3 = LegendrePolynomial3.apply` (TypeScript types apply as a method on its class)
    const P3 = LegendrePolynomial3.apply as unknown as (input: Tensor) => Tensor;
    const yPred = a.add(b.mul(P3(c.add(d.mul(x)))));
    const loss = yPred.sub(y).pow(2).sum();
    losses.push(Number(loss.item()));
    loss.backward();
    torch.noGrad(() => {
      a.sub_(torch.mul(learningRate, a.grad!));
      b.sub_(torch.mul(learningRate, b.grad!));
      c.sub_(torch.mul(learningRate, c.grad!));
      d.sub_(torch.mul(learningRate, d.grad!));
      a.grad = null;
      b.grad = null;
      c.grad = null;
      d.grad = null;
    });
  }
  assertProgram('polynomial_custom_function', losses, `Result: y = ${a.item()} + ${b.item()} * P3(${c.item()} + ${d.item()} x)`, 1e-4);
});

test('examples_nn/polynomial_nn: Sequential(Linear, Flatten(0, 1)) over x.unsqueeze(-1).pow(p), manual update, as PyTorch', () => {
  torch.manualSeed(0);
  const x = torch.linspace(-math.PI, math.PI, N);
  const y = torch.sin(x);
  const p = torch.tensor([1, 2, 3]);
  const xx = x.unsqueeze(-1).pow(p);
  assert.equal(`torch.${xx.dtype}`, fx.polynomial_nn.xx_dtype);
  const model = new torch.nn.Sequential(new torch.nn.Linear(3, 1), new torch.nn.Flatten(0, 1));
  assert.equal(String(model), fx.polynomial_nn.repr);
  const lossFn = new torch.nn.MSELoss({ reduction: 'sum' });
  const learningRate = 1e-6;
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    const yPred = model.forward(xx);
    const loss = lossFn.forward(yPred, y);
    losses.push(Number(loss.item()));
    model.zeroGrad();
    loss.backward();
    torch.noGrad(() => {
      for (const param of model.parameters()) param.sub_(torch.mul(learningRate, param.grad!));
    });
  }
  const linearLayer = model.get(0) as nn.Linear;
  const w = (i: number) => linearLayer.weight.index(':', i).item();
  assertProgram('polynomial_nn', losses, `Result: y = ${linearLayer.bias!.item()} + ${w(0)} x + ${w(1)} x^2 + ${w(2)} x^3`, 1e-4);
});

test('examples_nn/polynomial_optim: RMSprop, as PyTorch', () => {
  torch.manualSeed(0);
  const x = torch.linspace(-math.PI, math.PI, N);
  const y = torch.sin(x);
  const p = torch.tensor([1, 2, 3]);
  const xx = x.unsqueeze(-1).pow(p);
  const model = new torch.nn.Sequential(new torch.nn.Linear(3, 1), new torch.nn.Flatten(0, 1));
  const lossFn = new torch.nn.MSELoss({ reduction: 'sum' });
  const learningRate = 1e-3;
  const optimizer = new torch.optim.RMSprop(model.parameters(), { lr: learningRate });
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    const yPred = model.forward(xx);
    const loss = lossFn.forward(yPred, y);
    losses.push(Number(loss.item()));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  const linearLayer = model.get(0) as nn.Linear;
  const w = (i: number) => linearLayer.weight.index(':', i).item();
  assertProgram('polynomial_optim', losses, `Result: y = ${linearLayer.bias!.item()} + ${w(0)} x + ${w(1)} x^2 + ${w(2)} x^3`, 1e-4);
});

class Polynomial3 extends torch.nn.Module {
  a = new torch.nn.Parameter(torch.randn([]));
  b = new torch.nn.Parameter(torch.randn([]));
  c = new torch.nn.Parameter(torch.randn([]));
  d = new torch.nn.Parameter(torch.randn([]));

  override forward(x: Tensor): Tensor {
    return this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
  }

  string(): string {
    return `y = ${this.a.item()} + ${this.b.item()} x + ${this.c.item()} x^2 + ${this.d.item()} x^3`;
  }
}

test('examples_nn/polynomial_module: a Module of scalar Parameters, SGD, as PyTorch', () => {
  torch.manualSeed(0);
  const x = torch.linspace(-math.PI, math.PI, N);
  const y = torch.sin(x);
  const model = new Polynomial3();
  const criterion = new torch.nn.MSELoss({ reduction: 'sum' });
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-6 });
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    const yPred = model.forward(x);
    const loss = criterion.forward(yPred, y);
    losses.push(Number(loss.item()));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  assertProgram('polynomial_module', losses, `Result: ${model.string()}`, 1e-5);
});

class DynamicNet extends torch.nn.Module {
  a = new torch.nn.Parameter(torch.randn([]));
  b = new torch.nn.Parameter(torch.randn([]));
  c = new torch.nn.Parameter(torch.randn([]));
  d = new torch.nn.Parameter(torch.randn([]));
  e = new torch.nn.Parameter(torch.randn([]));

  override forward(x: Tensor): Tensor {
    let y = this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
    for (let exp = 4, end = random.randint(4, 6); exp < end; exp++) y = y.add(this.e.mul(x.pow(exp)));
    return y;
  }

  string(): string {
    return `y = ${this.a.item()} + ${this.b.item()} x + ${this.c.item()} x^2 + ${this.d.item()} x^3 + ${this.e.item()} x^4 ? + ${this.e.item()} x^5 ?`;
  }
}

test('examples_nn/dynamic_net: depth drawn by random.randint, one Parameter reused, SGD momentum, as PyTorch', () => {
  torch.manualSeed(0);
  random.seed(0);
  const x = torch.linspace(-math.PI, math.PI, N);
  const y = torch.sin(x);
  const model = new DynamicNet();
  const criterion = new torch.nn.MSELoss({ reduction: 'sum' });
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-8, momentum: 0.9 });
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    const yPred = model.forward(x);
    const loss = criterion.forward(yPred, y);
    losses.push(Number(loss.item()));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  assertProgram('dynamic_net', losses, `Result: ${model.string()}`, 1e-4);
});
