// Gradient clipping as torch.nn.utils: in place, under no_grad.
import { noGrad } from '../../autograd/grad-mode.js';
import { stack } from '../../ops/join.js';
import { tensor } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';

type Params = Tensor | Iterable<Tensor>;

function gradsOf(parameters: Params): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/**
 * Scales all gradients so that their total norm is at most maxNorm; returns the total
 * norm (of the gradients as they were) as a 0-d tensor, as PyTorch does.
 */
export function clipGradNorm_(parameters: Params, maxNorm: number, normType: number = 2, opts: { errorIfNonfinite?: boolean } = {}): Tensor {
  const grads = gradsOf(parameters);
  return noGrad(() => {
    if (grads.length === 0) return tensor(0, { dtype: 'float32' });
    const total =
      normType === Infinity
        ? stack(grads.map((g) => g.detach().abs().max())).max()
        : stack(grads.map((g) => g.detach().norm(normType))).norm(normType);
    if (opts.errorIfNonfinite && total.isfinite().logicalNot().item() !== 0) {
      throw new Error(
        `The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
      );
    }
    const coef = total.add(1e-6).rdiv(maxNorm).clamp(null, 1);
    for (const g of grads) g.detach().mul_(coef.to(g.dtype));
    return total;
  });
}

/** Clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue_(parameters: Params, clipValue: number): void {
  noGrad(() => {
    for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
  });
}
