// torch.distributions.NegativeBinomial(totalCount, probs | logits): a Gamma-Poisson
// mixture. sample draws Gamma(totalCount, exp(-logits)) then Poisson of it, both through
// ATen's samplers, so seeded draws are PyTorch's.
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import { logsigmoid } from '../nn/functional/activation.js';
import * as constraints from './constraints.js';
import { poissonValues } from './count-samplers.js';
import { checkExpand, Distribution } from './distribution.js';
import { Gamma } from './gamma.js';
import { broadcastAll, logitsToProbs, numberOrTensor, probsToLogits } from './utils.js';

const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);
const nbArgs = signature('NegativeBinomial', [
  ['totalCount', numberOrTensor], ['probs', nullable(numberOrTensor), null], ['logits', nullable(numberOrTensor), null], ['validateArgs', nullable(bool), null],
] as const);

export class NegativeBinomial extends Distribution {
  totalCount: Tensor;
  private probsValue: Tensor | null = null;
  private logitsValue: Tensor | null = null;
  private readonly given: 'probs' | 'logits';

  constructor(...args: ArgsOf<typeof nbArgs>) {
    super();
    const { totalCount, probs, logits, validateArgs } = nbArgs.parse(args);
    if ((probs === null) === (logits === null)) throw new RangeError('Either `probs` or `logits` must be specified, but not both.');
    const [n, p] = broadcastAll(totalCount, (probs ?? logits) as number | Tensor);
    this.given = probs !== null ? 'probs' : 'logits';
    if (probs !== null) this.probsValue = p;
    else this.logitsValue = p;
    this.totalCount = n.to(p.dtype);
    this.init(p.shape, [], validateArgs);
  }
  private get param(): Tensor {
    return (this.given === 'probs' ? this.probsValue : this.logitsValue) as Tensor;
  }
  get probs(): Tensor {
    // Computed with grad enabled, as PyTorch's lazy_property.
    this.probsValue ??= enableGrad(() => logitsToProbs(this.logitsValue as Tensor, true));
    return this.probsValue;
  }
  get logits(): Tensor {
    this.logitsValue ??= enableGrad(() => probsToLogits(this.probsValue as Tensor, true));
    return this.logitsValue;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { totalCount: constraints.greaterThanEq(0), probs: constraints.halfOpenInterval(0, 1), logits: constraints.real };
  }
  override get support(): constraints.Constraint {
    return constraints.nonnegativeInteger;
  }
  protected givenParams(): Record<string, Tensor> {
    const p: Record<string, Tensor> = { totalCount: this.totalCount };
    if (this.probsValue !== null) p.probs = this.probsValue;
    if (this.logitsValue !== null) p.logits = this.logitsValue;
    return p;
  }
  override expand(batchShape: readonly number[]): NegativeBinomial {
    const s = checkExpand(this, batchShape);
    const p = this.param.expand(s);
    const opts = this.given === 'probs' ? { probs: p } : { logits: p };
    return new NegativeBinomial(this.totalCount.expand(s), { ...opts, validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.totalCount.mul(this.logits.exp());
  }
  override get mode(): Tensor {
    return this.totalCount.sub(1).mul(this.logits.exp()).floor().clamp({ min: 0 });
  }
  override get variance(): Tensor {
    return this.mean.div(this.logits.neg().sigmoid());
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const { sampleShape } = shapeArgs.parse(args);
    return noGrad(() => {
      const gamma = new Gamma(this.totalCount, this.logits.neg().exp(), { validateArgs: false });
      return poissonValues(gamma.sample(sampleShape));
    });
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const n = this.totalCount;
    const logUnnormalized = n.mul(logsigmoid(this.logits.neg())).add(value.mul(logsigmoid(this.logits)));
    let logNormalization = n.add(value).lgamma().neg().add(value.add(1).lgamma()).add(n.lgamma());
    logNormalization = logNormalization.maskedFill(n.add(value).eq(0), 0);
    return logUnnormalized.sub(logNormalization);
  }
}
