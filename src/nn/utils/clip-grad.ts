// Gradient clipping as torch.nn.utils: in place, under no_grad. Parameters as PyTorch's,
// positional or by name: clipGradNorm_(parameters, maxNorm, normType, errorIfNonfinite).
import { noGrad } from '../../autograd/grad-mode.js';
import { stack } from '../../ops/join.js';
import { bool, check, either, number, oneOf, signature, type ArgsOf, type Check } from '../../tensor/args.js';
import { tensor } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { pyFloat } from '../repr.js';

type Params = Tensor | Iterable<Tensor>;

/** A tensor, or an iterable (array, generator, Set, …) of them; checked element-wise when read. */
const params: Check<Params> = check('Tensor or an iterable of Tensors', (v) =>
  v instanceof Tensor || (typeof v === 'object' && v !== null && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function'),
);

const clipGradNormArgs = signature('clipGradNorm_', [
  ['parameters', params], ['maxNorm', number], ['normType', either(number, oneOf('inf')), 2], ['errorIfNonfinite', bool, false],
] as const);
const clipGradValueArgs = signature('clipGradValue_', [['parameters', params], ['clipValue', number]] as const);

function gradsOf(where: string, parameters: Params): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  const grads: Tensor[] = [];
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new TypeError(`${where}(): 'parameters' must hold Tensors, not ${p === null ? 'None' : typeof p}`);
    if (p.grad !== null) grads.push(p.grad);
  }
  return grads;
}

/**
 * Scales all gradients so that their total norm is at most maxNorm; returns the total
 * norm (of the gradients as they were) as a 0-d tensor, as PyTorch does. normType may be
 * Infinity (or 'inf', as Python's float('inf')).
 */
export function clipGradNorm_(...args: ArgsOf<typeof clipGradNormArgs>): Tensor {
  const { parameters, maxNorm, errorIfNonfinite, ...a } = clipGradNormArgs.parse(args);
  const normType = a.normType === 'inf' ? Infinity : a.normType;
  const grads = gradsOf('clipGradNorm_', parameters);
  return noGrad(() => {
    if (grads.length === 0) return tensor(0, { dtype: 'float32' });
    const total =
      normType === Infinity
        ? stack(grads.map((g) => g.detach().abs().max())).max()
        : stack(grads.map((g) => g.detach().norm(normType))).norm(normType);
    if (errorIfNonfinite && total.isfinite().logicalNot().item() !== 0) {
      throw new Error(
        `The total norm of order ${pyFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
      );
    }
    const coef = total.add(1e-6).rdiv(maxNorm).clamp(null, 1);
    for (const g of grads) g.detach().mul_(coef.to(g.dtype));
    return total;
  });
}

/** Clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue_(...args: ArgsOf<typeof clipGradValueArgs>): void {
  const { parameters, clipValue } = clipGradValueArgs.parse(args);
  const grads = gradsOf('clipGradValue_', parameters);
  noGrad(() => {
    for (const g of grads) g.clamp_(-clipValue, clipValue);
  });
}
