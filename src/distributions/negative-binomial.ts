// torch.distributions.NegativeBinomial(totalCount, probs | logits): a Gamma-Poisson
// mixture. sample draws Gamma(totalCount, exp(-logits)) then Poisson of it, both through
// ATen's samplers, so seeded draws are PyTorch's.
import { noGrad } from '../autograd/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import { logsigmoid } from '../nn/functional/activation.js';
import * as constraints from './constraints.js';
import { poissonValues } from './count-samplers.js';
import { checkExpand, Distribution } from './distribution.js';
import { Gamma } from './gamma.js';
import { givenOf, ProbsLogits } from './probs-logits.js';
import { broadcastAll, numberOrTensor } from './utils.js';

const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);
const nbArgs = signature('NegativeBinomial', [
  ['totalCount', numberOrTensor], ['probs', nullable(numberOrTensor), null], ['logits', nullable(numberOrTensor), null], ['validateArgs', nullable(bool), null],
] as const);

export class NegativeBinomial extends Distribution {
  totalCount: Tensor;
  private readonly pl: ProbsLogits;

  constructor(...args: ArgsOf<typeof nbArgs>) {
    super();
    const { totalCount, probs, logits, validateArgs } = nbArgs.parse(args);
    const given = givenOf(probs, logits);
    const [n, p] = broadcastAll(totalCount, (probs ?? logits) as number | Tensor);
    this.pl = new ProbsLogits(given, p);
    this.totalCount = n.to(p.dtype);
    this.init(p.shape, [], validateArgs);
  }
  private get param(): Tensor {
    return this.pl.param;
  }
  get probs(): Tensor {
    return this.pl.probs;
  }
  get logits(): Tensor {
    return this.pl.logits;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { totalCount: constraints.greaterThanEq(0), probs: constraints.halfOpenInterval(0, 1), logits: constraints.real };
  }
  override get support(): constraints.Constraint {
    return constraints.nonnegativeInteger;
  }
  /** As PyTorch's __dict__: totalCount, the given parameter and the other once computed. */
  protected givenParams(): Record<string, Tensor> {
    return { totalCount: this.totalCount, ...this.pl.entries() };
  }
  override expand(batchShape: readonly number[]): NegativeBinomial {
    const s = checkExpand(this, batchShape);
    const p = this.param.expand(s);
    const opts = this.pl.option(p);
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
