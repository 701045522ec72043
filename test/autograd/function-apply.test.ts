// Function.apply read off a custom Function class is bound to it, as Python's classmethod
// (`P3 = LegendrePolynomial3.apply; P3(x)` in the "Learning PyTorch with Examples" tutorial).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

class Cube extends torch.autograd.Function {
  static forward(ctx: torch.autograd.FunctionCtx, input: Tensor): Tensor {
    ctx.saveForBackward(input);
    return input.pow(3);
  }
  static backward(ctx: torch.autograd.FunctionCtx, gradOutput: Tensor): Tensor {
    const [input] = ctx.savedTensors;
    return gradOutput.mul(3).mul(input.pow(2));
  }
}
class Twice extends torch.autograd.Function {
  static forward(_ctx: torch.autograd.FunctionCtx, input: Tensor): Tensor {
    return input.mul(2);
  }
  static backward(_ctx: torch.autograd.FunctionCtx, gradOutput: Tensor): Tensor {
    return gradOutput.mul(2);
  }
}

test('Function.apply taken off its class works detached, each class its own', () => {
  const cube = Cube.apply as unknown as (x: Tensor) => Tensor;
  const twice = Twice.apply as unknown as (x: Tensor) => Tensor;
  const x = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
  const y = twice(cube(x));
  assert.deepEqual(Array.from(y.toTypedArray(), Number), [2, 16, 54]);
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.toTypedArray(), Number), [6, 24, 54]);
  assert.equal(y.gradFn!.name, 'TwiceBackward');
  // called through the class, and bound again, it is unchanged
  assert.deepEqual(Array.from(Cube.apply(x).toTypedArray(), Number), [1, 8, 27]);
  assert.deepEqual(Array.from((Cube.apply.bind(Cube) as unknown as (x: Tensor) => Tensor)(x).toTypedArray(), Number), [1, 8, 27]);
});
