// torch.distributions: `import { distributions } from 'torchlette'`, then
// `new distributions.Categorical(probs)`, `distributions.kl.klDivergence(p, q)`.
export * as constraints from './constraints.js';
export { Distribution, NotImplementedError } from './distribution.js';
export { Normal } from './normal.js';
export { Categorical } from './categorical.js';
export { Bernoulli } from './bernoulli.js';
export { ContinuousBernoulli } from './continuous-bernoulli.js';
export { Uniform } from './uniform.js';
export { OneHotCategorical, OneHotCategoricalStraightThrough } from './one-hot-categorical.js';
export { Independent } from './independent.js';
export { MultivariateNormal } from './multivariate-normal.js';
export { Exponential, Laplace, Cauchy, Gumbel } from './scalar-family.js';
export { LogNormal } from './log-normal.js';
export { Gamma, Dirichlet, Beta } from './gamma.js';
export { Geometric } from './geometric.js';
export { Poisson, Binomial } from './poisson.js';
export { NegativeBinomial } from './negative-binomial.js';
export { Chi2, StudentT, FisherSnedecor } from './student-t.js';
export { MixtureSameFamily, Multinomial } from './mixture.js';
export { TransformedDistribution } from './transformed-distribution.js';
export { HalfNormal, HalfCauchy, Pareto, Weibull, Kumaraswamy } from './transformed-family.js';
export { LogitRelaxedBernoulli, RelaxedBernoulli, ExpRelaxedCategorical, RelaxedOneHotCategorical } from './relaxed.js';
export * as transforms from './transforms.js';
export { Transform, AbsTransform, ExpTransform, AffineTransform, SigmoidTransform, SoftplusTransform, TanhTransform, PowerTransform, ComposeTransform } from './transforms.js';
export * as kl from './kl.js';
export { klDivergence, registerKl } from './kl.js';
