import { linear as linearOp } from '../../ops/matmul.js';
import { nullable, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';

const linearArgs = signature('linear', [['input', tensor], ['weight', tensor], ['bias', nullable(tensor), null]] as const);

/** linear(input, weight, bias=None): y = x W^T + b. */
export function linear(...args: ArgsOf<typeof linearArgs>): Tensor {
  const [x, w, b] = args;
  // The call every layer makes each step: tensors in place, no options.
  if (args.length <= 3 && x instanceof Tensor && w instanceof Tensor && (b === undefined || b === null || b instanceof Tensor)) return linearOp(x, w, b);
  const a = linearArgs.parse(args);
  return linearOp(a.input, a.weight, a.bias);
}

const bilinearArgs = signature('bilinear', [['input1', tensor], ['input2', tensor], ['weight', tensor], ['bias', nullable(tensor), null]] as const);

/** bilinear(input1, input2, weight, bias=None): y = x1^T A x2 + b for each output feature (weight [out, in1, in2]). */
export function bilinear(...args: ArgsOf<typeof bilinearArgs>): Tensor {
  const { input1: x1, input2: x2, weight, bias } = bilinearArgs.parse(args);
  if (x1.shape[x1.dim() - 1] !== weight.shape[1] || x2.shape[x2.dim() - 1] !== weight.shape[2]) {
    throw new RangeError(
      `bilinear(): input sizes [${x1.shape[x1.dim() - 1]}, ${x2.shape[x2.dim() - 1]}] do not match weight [${weight.shape.join(', ')}]`,
    );
  }
  // (…, in1) x (out, in1, in2) -> (…, out, in2), then contract with x2 (…, in2).
  const lead = x1.shape.slice(0, -1);
  const a = x1.reshape(-1, weight.shape[1]);
  const b = x2.reshape(-1, weight.shape[2]);
  const t = a.matmul(weight.permute(1, 0, 2).reshape(weight.shape[1], -1)).view(-1, weight.shape[0], weight.shape[2]);
  let out = t.mul(b.unsqueeze(1)).sum(2);
  if (bias !== null) out = out.add(bias);
  return out.reshape([...lead, weight.shape[0]]);
}
