// PyTorch's deprecated overloads that put the scalar first: x.add(alpha, other), sub, and
// x.addcmul(value, tensor1, tensor2), addcdiv (their in-place forms, and torch.add(input,
// alpha, other) …), as old code writes them: `p.data.add_(-lr, p.grad.data)`,
// `exp_avg_sq.mul_(beta2).addcmul_(1 - beta2, grad, grad)`. Still taken, meaning what they
// mean, with python_arg_parser's warning: once per process, for the first one used.
import { Tensor } from '../tensor/tensor.js';
import { isWarnAlwaysEnabled, warnOnce } from '../tensor/warnings.js';

let warned = false;

function warn(name: string, old: string, now: string): void {
  if (warned && !isWarnAlwaysEnabled()) return;
  warned = true;
  warnOnce(`This overload of ${name} is deprecated:\n\t${name}(${old})\nConsider using one of the following signatures instead:\n\t${name}(${now})`);
}

/** x.add(alpha, other) and sub, add_, sub_: [other, alpha] when called so, else null. */
export function alphaFirst(name: string, args: readonly unknown[]): [Tensor, number] | null {
  if (args.length !== 2 || typeof args[0] !== 'number' || !(args[1] instanceof Tensor)) return null;
  warn(name, 'Number alpha, Tensor other', 'Tensor other, *, Number alpha');
  return [args[1], args[0]];
}

/** torch.add(input, alpha, other) and torch.sub: [input, other, alpha] when called so, else null. */
export function alphaSecond(name: string, args: readonly unknown[]): [Tensor, Tensor, number] | null {
  if (args.length !== 3 || !(args[0] instanceof Tensor) || typeof args[1] !== 'number' || !(args[2] instanceof Tensor)) return null;
  warn(name, 'Tensor input, Number alpha, Tensor other, *, Tensor out', 'Tensor input, Tensor other, *, Number alpha, Tensor out');
  return [args[0], args[2], args[1]];
}

/** x.addcmul(value, tensor1, tensor2) and addcdiv, addcmul_, addcdiv_: the arguments PyTorch means, or null. */
export function valueFirst(name: string, args: readonly unknown[]): [Tensor, Tensor, { value: number }] | null {
  if (args.length !== 3 || typeof args[0] !== 'number' || !(args[1] instanceof Tensor) || !(args[2] instanceof Tensor)) return null;
  warn(name, 'Number value, Tensor tensor1, Tensor tensor2', 'Tensor tensor1, Tensor tensor2, *, Number value');
  return [args[1], args[2], { value: args[0] }];
}

/** torch.addcmul(input, value, tensor1, tensor2) and addcdiv: the arguments PyTorch means, or null. */
export function valueSecond(name: string, args: readonly unknown[]): [Tensor, Tensor, Tensor, { value: number }] | null {
  if (args.length !== 4 || !(args[0] instanceof Tensor) || typeof args[1] !== 'number' || !(args[2] instanceof Tensor) || !(args[3] instanceof Tensor)) return null;
  warn(name, 'Tensor input, Number value, Tensor tensor1, Tensor tensor2, *, Tensor out', 'Tensor input, Tensor tensor1, Tensor tensor2, *, Number value, Tensor out');
  return [args[0], args[2], args[3], { value: args[1] }];
}
