// The probs-or-logits parametrisation of the binary families (Bernoulli, Binomial,
// NegativeBinomial, Geometric, ContinuousBernoulli, LogitRelaxedBernoulli): PyTorch's
// probs/logits lazy_property pair. One is given; the other is computed on first use.
import { enableGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { clampProbs, logitsToProbs, probsToLogits } from './utils.js';

/** Which of probs / logits a constructor was given; exactly one must be. */
export function givenOf(probs: unknown, logits: unknown): 'probs' | 'logits' {
  if ((probs === null) === (logits === null)) throw new RangeError('Either `probs` or `logits` must be specified, but not both.');
  return probs !== null ? 'probs' : 'logits';
}

export class ProbsLogits {
  private probsValue: Tensor | null = null;
  private logitsValue: Tensor | null = null;

  /** `value` is the given parameter, already broadcast; clampComputed clamps probs computed from logits (ContinuousBernoulli). */
  constructor(
    readonly given: 'probs' | 'logits',
    value: Tensor,
    private readonly clampComputed = false,
  ) {
    if (given === 'probs') this.probsValue = value;
    else this.logitsValue = value;
  }

  /** The given parameter. */
  get param(): Tensor {
    return (this.given === 'probs' ? this.probsValue : this.logitsValue) as Tensor;
  }

  // Computed with grad enabled, as PyTorch's lazy_property (so a draw under noGrad does not cache a detached value).
  get probs(): Tensor {
    this.probsValue ??= enableGrad(() => {
      const p = logitsToProbs(this.logitsValue as Tensor, true);
      return this.clampComputed ? clampProbs(p) : p;
    });
    return this.probsValue;
  }

  get logits(): Tensor {
    this.logitsValue ??= enableGrad(() => probsToLogits(this.probsValue as Tensor, true));
    return this.logitsValue;
  }

  /** As PyTorch's __dict__: the given parameter and the other once computed. */
  entries(): Record<string, Tensor> {
    const p: Record<string, Tensor> = {};
    if (this.probsValue !== null) p.probs = this.probsValue;
    if (this.logitsValue !== null) p.logits = this.logitsValue;
    return p;
  }

  /** The constructor option of the given kind holding `t` (expand builds the same kind). */
  option(t: Tensor): { probs: Tensor } | { logits: Tensor } {
    return this.given === 'probs' ? { probs: t } : { logits: t };
  }
}
