// torch.distributions.kl: klDivergence(p, q) dispatches on the two classes to the most
// specific registered closed form (registerKl(P, Q)(fn)), as PyTorch's _dispatch_kl.
import { Tensor } from '../tensor/tensor.js';
import { softplus } from '../nn/functional/activation.js';
import { Bernoulli } from './bernoulli.js';
import { Categorical } from './categorical.js';
import { Distribution, NotImplementedError } from './distribution.js';
import { Beta, Dirichlet, Gamma } from './gamma.js';
import { Geometric } from './geometric.js';
import { Independent, sumRightmost } from './independent.js';
import { LogNormal } from './log-normal.js';
import { batchMahalanobis, MultivariateNormal } from './multivariate-normal.js';
import { Normal } from './normal.js';
import { OneHotCategorical } from './one-hot-categorical.js';
import { Cauchy, Exponential, Gumbel, Laplace } from './scalar-family.js';
import { Uniform } from './uniform.js';
import { Binomial, Poisson } from './poisson.js';
import { TransformedDistribution } from './transformed-distribution.js';
import * as linalg from '../linalg/index.js';
import { broadcastShapes } from '../tensor/shape.js';

/** A Distribution class (any constructor signature). */
type DistClass<T extends Distribution> = abstract new (...args: never) => T;
type KlFn<P extends Distribution, Q extends Distribution> = (p: P, q: Q) => Tensor;

const registry = new Map<DistClass<Distribution>, Map<DistClass<Distribution>, KlFn<Distribution, Distribution>>>();
const EULER = 0.57721566490153286060;

/** How many inheritance steps from cls up to base (Infinity when cls does not derive from base). */
function depth(cls: DistClass<Distribution>, base: DistClass<Distribution>): number {
  let d = 0;
  for (let c: unknown = cls; c; c = Object.getPrototypeOf(c)) {
    if (c === base) return d;
    d++;
  }
  return Infinity;
}

/** registerKl(P, Q)(fn): fn(p, q) computes KL(p || q) for p a P and q a Q (subclasses included). */
export function registerKl<P extends Distribution, Q extends Distribution>(typeP: DistClass<P>, typeQ: DistClass<Q>): (fn: KlFn<P, Q>) => KlFn<P, Q> {
  for (const [t, name] of [[typeP, 'type_p'], [typeQ, 'type_q']] as const) {
    if (typeof t !== 'function' || !(t.prototype instanceof Distribution)) throw new TypeError(`Expected ${name} to be a Distribution subclass but got ${String(t)}`);
  }
  return (fn) => {
    let row = registry.get(typeP);
    if (!row) registry.set(typeP, (row = new Map()));
    row.set(typeQ, fn as KlFn<Distribution, Distribution>);
    return fn;
  };
}

/** KL(p || q), one value per batch entry; NotImplementedError when no pair is registered. */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  const tp = p.constructor as DistClass<Distribution>;
  const tq = q.constructor as DistClass<Distribution>;
  let best: KlFn<Distribution, Distribution> | null = null;
  let bestKey: [number, number] = [Infinity, Infinity];
  for (const [P, row] of registry) {
    const dp = depth(tp, P);
    if (dp === Infinity) continue;
    for (const [Q, fn] of row) {
      const dq = depth(tq, Q);
      if (dq === Infinity) continue;
      // Most specific first on p's side, then on q's (PyTorch's left lexicographic order).
      if (dp < bestKey[0] || (dp === bestKey[0] && dq < bestKey[1])) {
        best = fn;
        bestKey = [dp, dq];
      }
    }
  }
  if (best === null) throw new NotImplementedError(`No KL(p || q) is implemented for p type ${tp.name} and q type ${tq.name}`);
  return best(p, q);
}

/** t with `value` where mask holds (PyTorch's t[mask] = value on a fresh tensor). */
const setWhere = (t: Tensor, mask: Tensor, value: number): Tensor => t.maskedFill(mask.expand(t.shape), value);

registerKl(Normal, Normal)((p, q) => {
  const varRatio = p.scale.div(q.scale).pow(2);
  const t1 = p.loc.sub(q.loc).div(q.scale).pow(2);
  return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
});

registerKl(Categorical, Categorical)((p, q) => {
  let t = p.probs.mul(p.logits.sub(q.logits));
  t = setWhere(t, q.probs.eq(0), Infinity);
  t = setWhere(t, p.probs.eq(0), 0);
  return t.sum(-1);
});

registerKl(OneHotCategorical, OneHotCategorical)((p, q) => klDivergence(p.categorical, q.categorical));

registerKl(Bernoulli, Bernoulli)((p, q) => {
  let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
  t1 = setWhere(t1, q.probs.eq(0), Infinity);
  t1 = setWhere(t1, p.probs.eq(0), 0);
  let t2 = p.probs.neg().add(1).mul(softplus(q.logits).sub(softplus(p.logits)));
  t2 = setWhere(t2, q.probs.eq(1), Infinity);
  t2 = setWhere(t2, p.probs.eq(1), 0);
  return t1.add(t2);
});

registerKl(Uniform, Uniform)((p, q) => {
  const result = q.high.sub(q.low).div(p.high.sub(p.low)).log();
  return setWhere(result, q.low.gt(p.low).logicalOr(q.high.lt(p.high)), Infinity);
});

registerKl(Independent, Independent)((p, q) => {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) throw new NotImplementedError();
  return sumRightmost(klDivergence(p.baseDist, q.baseDist), p.reinterpretedBatchNdims);
});

registerKl(MultivariateNormal, MultivariateNormal)((p, q) => {
  if (p.eventShape[0] !== q.eventShape[0]) {
    throw new RangeError('KL-divergence between two Multivariate Normals with different event shapes cannot be computed');
  }
  const logDiag = (L: Tensor): Tensor => L.diagonal(0, -2, -1).log().sum(-1);
  const halfTerm1 = logDiag(q.unbroadcastedScaleTril).sub(logDiag(p.unbroadcastedScaleTril));
  const n = p.eventShape[0];
  const batch = broadcastShapes(q.unbroadcastedScaleTril.shape.slice(0, -2), p.unbroadcastedScaleTril.shape.slice(0, -2));
  const qL = q.unbroadcastedScaleTril.expand([...batch, n, n]);
  const pL = p.unbroadcastedScaleTril.expand([...batch, n, n]);
  const term2 = linalg.solveTriangular(qL, pL, { upper: false }).pow(2).sum([-2, -1]);
  const term3 = batchMahalanobis(q.unbroadcastedScaleTril, q.loc.sub(p.loc));
  return halfTerm1.add(term2.add(term3).sub(n).mul(0.5));
});

registerKl(Exponential, Exponential)((p, q) => {
  const rateRatio = q.rate.div(p.rate);
  return rateRatio.log().neg().add(rateRatio).sub(1);
});

registerKl(Laplace, Laplace)((p, q) => {
  const scaleRatio = p.scale.div(q.scale);
  const locAbsDiff = p.loc.sub(q.loc).abs();
  const t1 = scaleRatio.log().neg();
  const t2 = locAbsDiff.div(q.scale);
  const t3 = scaleRatio.mul(locAbsDiff.neg().div(p.scale).exp());
  return t1.add(t2).add(t3).sub(1);
});

registerKl(Gamma, Gamma)((p, q) => {
  const t1 = q.concentration.mul(p.rate.div(q.rate).log());
  const t2 = q.concentration.lgamma().sub(p.concentration.lgamma());
  const t3 = p.concentration.sub(q.concentration).mul(p.concentration.digamma());
  const t4 = q.rate.sub(p.rate).mul(p.concentration.div(p.rate));
  return t1.add(t2).add(t3).add(t4);
});

registerKl(Beta, Beta)((p, q) => {
  const sp = p.concentration1.add(p.concentration0);
  const sq = q.concentration1.add(q.concentration0);
  const t1 = q.concentration1.lgamma().add(q.concentration0.lgamma()).add(sp.lgamma());
  const t2 = p.concentration1.lgamma().add(p.concentration0.lgamma()).add(sq.lgamma());
  const t3 = p.concentration1.sub(q.concentration1).mul(p.concentration1.digamma());
  const t4 = p.concentration0.sub(q.concentration0).mul(p.concentration0.digamma());
  const t5 = sq.sub(sp).mul(sp.digamma());
  return t1.sub(t2).add(t3).add(t4).add(t5);
});

registerKl(Dirichlet, Dirichlet)((p, q) => {
  const sp = p.concentration.sum(-1);
  const sq = q.concentration.sum(-1);
  const t1 = sp.lgamma().sub(sq.lgamma());
  const t2 = p.concentration.lgamma().sub(q.concentration.lgamma()).sum(-1);
  const t3 = p.concentration.sub(q.concentration);
  const t4 = p.concentration.digamma().sub(sp.digamma().unsqueeze(-1));
  return t1.sub(t2).add(t3.mul(t4).sum(-1));
});

registerKl(Geometric, Geometric)((p, q) => p.entropy().neg().sub(q.probs.neg().log1p().div(p.probs)).sub(q.logits));

registerKl(Cauchy, Cauchy)((p, q) => {
  const t1 = p.scale.add(q.scale).pow(2).add(p.loc.sub(q.loc).pow(2)).log();
  const t2 = p.scale.mul(4).mul(q.scale).log();
  return t1.sub(t2);
});

registerKl(Gumbel, Gumbel)((p, q) => {
  const ct1 = p.scale.div(q.scale);
  const ct2 = q.loc.div(q.scale);
  const ct3 = p.loc.div(q.scale);
  const t1 = ct1.log().neg().sub(ct2).add(ct3);
  const t2 = ct1.mul(EULER);
  const t3 = ct2.add(ct1.add(1).lgamma()).sub(ct3).exp();
  return t1.add(t2).add(t3).sub(1 + EULER);
});

// PyTorch's TransformedDistribution pair: the same transforms, so the base Normals' KL.
registerKl(LogNormal, LogNormal)((p, q) => klDivergence(p.baseDist, q.baseDist));

registerKl(Exponential, Gamma)((p, q) => {
  const ratio = q.rate.div(p.rate);
  const t1 = q.concentration.neg().mul(ratio.log());
  return t1.add(ratio).add(q.concentration.lgamma()).add(q.concentration.mul(EULER)).sub(1 + EULER);
});

registerKl(Normal, Laplace)((p, q) => {
  const locDiff = p.loc.sub(q.loc);
  const scaleRatio = p.scale.div(q.scale);
  const r = locDiff.div(p.scale);
  const t1 = scaleRatio.log();
  const t2 = p.scale.mul(Math.sqrt(2 / Math.PI)).mul(r.pow(2).mul(-0.5).exp());
  const t3 = locDiff.mul(r.mul(Math.sqrt(0.5)).erf());
  return t1.neg().add(t2.add(t3).div(q.scale)).sub(0.5 * (1 + Math.log(0.5 * Math.PI)));
});

registerKl(Poisson, Poisson)((p, q) => p.rate.mul(p.rate.log().sub(q.rate.log())).sub(p.rate.sub(q.rate)));

registerKl(Binomial, Binomial)((p, q) => {
  if (p.totalCount.lt(q.totalCount).any().item()) throw new NotImplementedError('KL between Binomials where q.total_count > p.total_count is not implemented');
  const kl = p.totalCount.mul(p.probs.mul(p.logits.sub(q.logits)).add(p.probs.neg().log1p()).sub(q.probs.neg().log1p()));
  return setWhere(kl, p.totalCount.gt(q.totalCount), Infinity);
});

// The same transforms on both sides: the KL of the bases (HalfNormal, Pareto, Weibull … pairs).
registerKl(TransformedDistribution, TransformedDistribution)((p, q) => {
  const same = p.transforms.length === q.transforms.length && p.transforms.every((t, i) => t.equals(q.transforms[i]));
  if (!same || p.eventShape.length !== q.eventShape.length || p.eventShape.some((s, i) => s !== q.eventShape[i])) throw new NotImplementedError();
  return klDivergence(p.baseDist, q.baseDist);
});
