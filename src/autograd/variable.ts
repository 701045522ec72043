// torch.autograd.Variable: since PyTorch 0.4 a Variable is a Tensor. Variable(data) gives a
// new tensor sharing data's memory, detached from its history, with requiresGrad as asked —
// what old tutorials' `Variable(x)` and `Variable(x, requires_grad=True)` still do.
import { bool, pyTypeName, signature, tensor, type ArgsOf } from '../tensor/args.js';
import { Tensor } from '../tensor/tensor.js';
import { warnOnce } from '../tensor/warnings.js';

const variableArgs = signature('Variable', [['data', tensor], ['requiresGrad', bool, false], ['volatile', bool, false]] as const);

/** Variable(data, requiresGrad=false, volatile=false): data.detach() with requiresGrad set. */
export function Variable(...args: ArgsOf<typeof variableArgs>): Tensor {
  if (!(args[0] instanceof Tensor)) throw new TypeError(`Variable data has to be a tensor, but got ${pyTypeName(args[0])}`);
  const { data, requiresGrad, volatile } = variableArgs.parse(args);
  if (volatile) warnOnce('volatile was removed and now has no effect. Use `with torch.no_grad():` instead.');
  return data.detach().requiresGrad_(requiresGrad);
}
