// torch.distributions.Categorical(probs | logits): one of K categories per batch entry.
// sample draws torch.multinomial(probs_2d, n, replacement=True).T, so seeded draws are
// PyTorch's (the reinforce.py / actor_critic.py pattern: m.sample(); m.log_prob(action)).
import { enableGrad } from '../autograd/grad-mode.js';
import { arange, full } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, tensor, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { checkExpand, Distribution } from './distribution.js';
import { logitsToProbs, probsToLogits } from './utils.js';
import { finfo } from '../tensor/type-info.js';

const categoricalArgs = signature('Categorical', [['probs', nullable(tensor), null], ['logits', nullable(tensor), null], ['validateArgs', nullable(bool), null]] as const);
const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);

export class Categorical extends Distribution {
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  private probsValue: Tensor | null = null;
  private logitsValue: Tensor | null = null;
  /** The parameter given (normalized): probs or logits. */
  protected param: Tensor;
  protected numEvents: number;

  constructor(...args: ArgsOf<typeof categoricalArgs>) {
    super();
    const { probs, logits, validateArgs } = categoricalArgs.parse(args);
    if ((probs === null) === (logits === null)) throw new RangeError('Either `probs` or `logits` must be specified, but not both.');
    if (probs !== null) {
      if (probs.dim() < 1) throw new RangeError('`probs` parameter must be at least one-dimensional.');
      this.probsValue = probs.div(probs.sum(-1, { keepdim: true }));
      this.param = this.probsValue;
    } else {
      const l = logits as Tensor;
      if (l.dim() < 1) throw new RangeError('`logits` parameter must be at least one-dimensional.');
      this.logitsValue = l.sub(l.logsumexp(-1, { keepdim: true }));
      this.param = this.logitsValue;
    }
    this.numEvents = this.param.shape[this.param.dim() - 1];
    this.init(this.param.dim() > 1 ? this.param.shape.slice(0, -1) : [], [], validateArgs);
  }

  /** Normalized probabilities (computed from logits on first use when logits were given). */
  get probs(): Tensor {
    // Computed with grad enabled, as PyTorch's lazy_property (so a draw under noGrad does not cache a detached value).
    this.probsValue ??= enableGrad(() => logitsToProbs(this.logitsValue as Tensor));
    return this.probsValue;
  }
  /** Normalized log-probabilities (log of the clamped probs when probs were given). */
  get logits(): Tensor {
    // Computed with grad enabled, as PyTorch's lazy_property (so a draw under noGrad does not cache a detached value).
    this.logitsValue ??= enableGrad(() => probsToLogits(this.probsValue as Tensor));
    return this.logitsValue;
  }
  get paramShape(): number[] {
    return this.param.shape.slice();
  }

  override get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.simplex, logits: constraints.realVector };
  }
  override get support(): constraints.Constraint {
    return constraints.integerInterval(0, this.numEvents - 1);
  }
  protected givenParams(): Record<string, Tensor> {
    // As PyTorch's __dict__: the given parameter and the other once computed (lazy_property).
    const p: Record<string, Tensor> = {};
    if (this.probsValue !== null) p.probs = this.probsValue;
    if (this.logitsValue !== null) p.logits = this.logitsValue;
    return p;
  }

  override expand(batchShape: readonly number[]): Categorical {
    const shape = [...checkExpand(this, batchShape), this.numEvents];
    const isProbs = this.param === this.probsValue;
    const p = this.param.expand(shape);
    const d = new Categorical({ ...(isProbs ? { probs: p } : { logits: p }), validateArgs: false }).withValidate(this.validateArgs);
    d.setExact(isProbs ? 'probs' : 'logits', p);
    return d;
  }
  /** expand() keeps the already-normalized parameter as it is (no re-normalization). */
  private setExact(name: 'probs' | 'logits', t: Tensor): void {
    if (name === 'probs') this.probsValue = t;
    else this.logitsValue = t;
    this.param = t;
  }

  override get mean(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.probs.dtype });
  }
  override get mode(): Tensor {
    return this.probs.argmax(-1);
  }
  override get variance(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.probs.dtype });
  }

  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const { sampleShape } = shapeArgs.parse(args);
    const n = sampleShape.reduce((a, b) => a * b, 1);
    const probs2d = this.probs.detach().reshape([-1, this.numEvents]);
    const samples2d = probs2d.multinomial(n, true).t();
    return samples2d.reshape(this.extendedShape(sampleShape));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const v = value.long().unsqueeze(-1);
    const shape = [...v.shape];
    const l = this.logits;
    // broadcast value (…, 1) against logits (…, K), then take the first column of the indices.
    const batch = l.shape.slice(0, -1);
    const full0 = broadcast(shape.slice(0, -1), batch);
    const idx = v.expand([...full0, 1]);
    const logPmf = l.expand([...full0, this.numEvents]);
    return logPmf.gather(-1, idx).squeeze(-1);
  }
  override entropy(): Tensor {
    const minReal = -finfo(this.logits.dtype).max;
    const logits = this.logits.clamp({ min: minReal });
    return logits.mul(this.probs).sum(-1).neg();
  }
  override enumerateSupport(expand = true): Tensor {
    let values = arange(this.numEvents, { dtype: 'int64' }).view([-1, ...this.batchShape.map(() => 1)]);
    if (expand) values = values.expand([-1, ...this.batchShape]);
    return values;
  }
}

function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== 1 && y !== 1 && x !== y) throw new RangeError(`shape mismatch: value tensor of shape [${a.join(', ')}] cannot be broadcast to the batch shape [${b.join(', ')}]`);
    out.push(x === 1 ? y : x);
  }
  return out;
}
