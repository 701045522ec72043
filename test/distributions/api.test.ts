// The calling convention and the small API around the distributions: positional and
// options-object arguments, argument errors, sample shapes, sampleN, perplexity,
// setDefaultValidateArgs, constraints' checks and registerKl dispatch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';

const D = torch.distributions;
const { constraints } = D;
const f = (v: number[] | number[][]) => torch.tensor(v, { dtype: 'float32' });
const list = (t: torch.Tensor) => t.tolist();

describe('distribution arguments', () => {
  test('positional, options object and mixed forms are the same distribution', () => {
    const loc = f([0, 1]);
    const scale = f([1, 2]);
    const a = new D.Normal(loc, scale);
    const b = new D.Normal({ loc, scale });
    const c = new D.Normal(loc, { scale, validateArgs: false });
    for (const d of [b, c]) assert.deepEqual(list(d.logProb(f([0.5, 0.5]))), list(a.logProb(f([0.5, 0.5]))));
    assert.equal(c.validateArgs, false);
    const m = new D.Categorical({ logits: f([0, 0, 0]) });
    assert.deepEqual(m.batchShape, []);
    assert.deepEqual(new D.Independent(a, 1).eventShape, [2]);
  });

  test('numbers become default-dtype 0-d parameters; numbers next to a tensor take its dtype', () => {
    const n = new D.Normal(0, 1);
    assert.equal(n.loc.dtype, 'float32');
    assert.deepEqual(n.batchShape, []);
    const m = new D.Normal(torch.tensor([0, 1], { dtype: 'float64' }), 1);
    assert.equal(m.scale.dtype, 'float64');
    assert.deepEqual(m.scale.shape, [2]);
  });

  test('unknown, snake_case and mistyped arguments throw naming the parameter', () => {
    assert.throws(() => new D.Normal({ loc: f([0]), scale: f([1]), validate_args: false } as never), /validate_args|validateArgs/);
    assert.throws(() => new D.Normal({ loc: f([0]), sigma: f([1]) } as never), /sigma/);
    assert.throws(() => new D.Normal('a' as never, f([1])), /loc/);
    assert.throws(() => new D.Categorical(f([0.5, 0.5])).sample(3 as never), /sampleShape/);
  });
});

describe('sampling shapes', () => {
  test('sample() is batch + event shaped; sample(shape) prepends it; sampleN(n) is sample([n])', () => {
    assert.deepEqual(new D.Normal(0, 1).sample().shape, []);
    const c = new D.Categorical({ logits: torch.zeros([2, 3]) });
    assert.deepEqual(c.sample([4]).shape, [4, 2]);
    assert.deepEqual(c.enumerateSupport().shape, [3, 2]);
    assert.deepEqual(c.enumerateSupport(false).shape, [3, 1]);
    const mvn = new D.MultivariateNormal(torch.zeros([2, 3]), { scaleTril: torch.eye(3) });
    assert.deepEqual(mvn.sample([5]).shape, [5, 2, 3]);
    const n = new D.Normal(0, 1);
    torch.manualSeed(0);
    const a = n.sampleN(3);
    torch.manualSeed(0);
    assert.deepEqual(list(a), list(n.sample([3])));
  });

  test('sample() carries no gradient, rsample() does', () => {
    const loc = f([0, 1]).requiresGrad_();
    const d = new D.Normal(loc, 1);
    assert.equal(d.sample().requiresGrad, false);
    assert.equal(d.rsample().requiresGrad, true);
    assert.throws(() => new D.Categorical(f([0.5, 0.5])).rsample(), (e: Error) => e instanceof D.NotImplementedError);
  });

  test('perplexity is exp(entropy); stddev is sqrt(variance)', () => {
    const c = new D.Categorical(f([0.25, 0.25, 0.5]));
    assert.deepEqual(list(c.perplexity()), list(c.entropy().exp()));
    const g = new D.Gamma(f([2, 3]), f([1, 0.5]));
    assert.deepEqual(list(g.stddev), list(g.variance.sqrt()));
  });
});

describe('validation switch', () => {
  test('setDefaultValidateArgs(false) skips the checks, as PyTorch', () => {
    D.Distribution.setDefaultValidateArgs(false);
    try {
      const n = new D.Normal(f([0]), f([-1]));
      assert.ok(Number.isNaN(n.logProb(f([0])).item() as number));
    } finally {
      D.Distribution.setDefaultValidateArgs(true);
    }
    assert.throws(() => new D.Normal(f([0]), f([-1])), /GreaterThan\(lower_bound=0.0\)/);
  });
});

describe('constraints', () => {
  test('check() is per event, with the reprs PyTorch prints', () => {
    assert.deepEqual(list(constraints.simplex.check(f([[0.5, 0.5], [0.2, 0.9]]))), [true, false]);
    assert.deepEqual(list(constraints.integerInterval(0, 3).check(f([0, 3, 3.5, 4]))), [true, true, false, false]);
    assert.equal(constraints.positiveDefinite.check(f([[2, 1], [1, 2]])).tolist(), true);
    assert.equal(constraints.positiveDefinite.check(f([[1, 2], [2, 1]])).tolist(), false);
    assert.equal(constraints.lowerCholesky.check(f([[1, 0], [2, 1]])).tolist(), true);
    assert.equal(constraints.lowerCholesky.check(f([[1, 1], [2, 1]])).tolist(), false);
    assert.equal(constraints.real.toString(), 'Real()');
    assert.equal(constraints.unitInterval.toString(), 'Interval(lower_bound=0.0, upper_bound=1.0)');
    assert.equal(constraints.independent(constraints.real, 1).toString(), 'IndependentConstraint(Real(), 1)');
  });
});

describe('registerKl', () => {
  test('a registered pair is dispatched, the most specific class first', () => {
    class MyNormal extends D.Normal {}
    const p = new MyNormal(0, 1);
    const q = new D.Normal(1, 1);
    // Inherited: Normal-Normal's closed form.
    assert.deepEqual(list(D.kl.klDivergence(p, q)), list(D.kl.klDivergence(new D.Normal(0, 1), q)));
    D.kl.registerKl(MyNormal, D.Normal)(() => torch.tensor(42));
    assert.equal(D.kl.klDivergence(p, q).item(), 42);
    assert.throws(() => D.kl.registerKl(Object as never, D.Normal), /Expected type_p to be a Distribution subclass/);
  });
});
