// pytorch/examples time_sequence_prediction (generate_sine_wave.py + train.py: two LSTMCells and a
// Linear in float64, LBFGS with a closure, future prediction) and reinforcement_learning
// (reinforce.py: Dropout, Categorical, log_prob, returns normalised with eps, Adam; actor_critic.py:
// SavedAction tuples, smooth_l1_loss on the critic) transcribed line for line, with the sizes of
// scripts/fixtures/porting_rl_timeseq.py (10 waves of 50 points, 3 LBFGS steps, future = 50;
// 20 episodes). gym is not installed on either side: CartPoleEnv below is the twin of the fixture
// script's stand-in (CartPole-v1's physics from test/helpers/cartpole.ts, start states from Python's
// random.Random(seed)).
// Against PyTorch 1.13 running the same programs: every printed line, LBFGS's evaluation counts,
// the predictions, the sampled actions, losses and final weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { CartPole } from '../helpers/cartpole.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const nn = torch.nn;
const F = torch.nn.functional;
const optim = torch.optim;
const { Categorical } = torch.distributions;

interface SeqFixture {
  offsets: number[];
  data: TensorJson;
  repr: string;
  reprs: Record<string, string | string[]>;
  initial: Record<string, TensorJson>;
  printed: string[];
  n_iter: number[];
  func_evals: number[];
  y: TensorJson[];
  final: Record<string, TensorJson>;
  final_stats: Record<string, [number, number]>;
}
interface Episode {
  actions: number[];
  log_probs?: number[];
  values?: number[];
  start?: number[];
  returns?: TensorJson;
  loss: number;
  policy_loss?: number;
  t: number;
  ep_reward: number;
  running_reward: number;
}
interface RlFixture {
  episodes: Episode[];
  printed: string[];
  reprs: Record<string, string>;
  'affine1.weight.sum': number;
  [k: string]: unknown;
}
const fx = loadFixture<{ time_sequence_prediction: SeqFixture; reinforce: RlFixture; actor_critic: RlFixture }>('porting_rl_timeseq.json');

// ------------------------------------------------------------------ Python's print, and comparing lines

/** repr() of a Python float: shortest round-trip digits, exponent form below 1e-4 and from 1e16 (`1e-05`). */
function pyRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, e] = x.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

/** print(*args): integers as ints, other numbers as Python floats (JavaScript has one number type). */
function makePrint(lines: string[]): (...args: (string | number)[]) => void {
  return (...args) => lines.push(args.map((a) => (typeof a === 'number' ? (Number.isInteger(a) ? String(a) : pyRepr(a)) : a)).join(' '));
}

const NUM = /-?\d+(\.\d+)?(e[-+]\d+)?/g;

/** The same text with the same numbers, each within rtol (the printed digits of a float64 loss differ in the last places). */
function assertLines(got: string[], want: string[], rtol: number, label: string): void {
  assert.equal(got.length, want.length, `${label}: ${got.length} printed lines, PyTorch printed ${want.length}`);
  got.forEach((line, i) => {
    assert.equal(line.replace(NUM, '#'), want[i].replace(NUM, '#'), `${label} line ${i}`);
    const [g, w] = [line.match(NUM) ?? [], want[i].match(NUM) ?? []];
    g.forEach((v, j) => {
      const [a, b] = [Number(v), Number(w[j])];
      assert.ok(Math.abs(a - b) <= rtol * Math.abs(b), `${label} line ${i}: '${line}' vs '${want[i]}'`);
    });
  });
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

// ------------------------------------------------------------------ time_sequence_prediction

const [T_, L_, N_] = [20, 50, 10]; // generate_sine_wave.py: T = 20, L = 1000, N = 100
const [STEPS, FUTURE] = [3, 50]; // train.py: --steps 15, future = 1000

/** generate_sine_wave.py, on tensors (torchlette has no NumPy). */
function generateSineWave(): Tensor {
  // np.random.seed(2); np.random.randint(-4 * T, 4 * T, N): NumPy's generator is not torch's, so
  // the N offsets NumPy drew come from the fixture.
  const T = T_;
  const L = L_;
  const N = N_;

  const x = torch.empty([N, L], { dtype: 'int64' });
  const offsets = torch.tensor(fx.time_sequence_prediction.offsets, { dtype: 'int64' });
  x.copy_(torch.arange(L).add(offsets.reshape(N, 1)));
  // NumPy's int64 / 1.0 is float64; torch's would be the default dtype, hence .double().
  const data = torch.sin(x.double().div(1.0).div(T)).to(torch.float64);
  return data; // torch.save(data, open('traindata.pt', 'wb'))
}

class Sequence extends nn.Module {
  lstm1 = new nn.LSTMCell(1, 51);
  lstm2 = new nn.LSTMCell(51, 51);
  linear = new nn.Linear(51, 1);

  override forward(input: Tensor, future = 0): Tensor {
    const outputs: Tensor[] = [];
    let hT = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let cT = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let hT2 = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let cT2 = torch.zeros(input.size(0), 51, { dtype: torch.double });

    let output!: Tensor;
    for (const inputT of input.split(1, { dim: 1 })) {
      [hT, cT] = this.lstm1.forward(inputT, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output); // outputs += [output]
    }
    for (let i = 0; i < future; i++) { // if we should predict the future
      [hT, cT] = this.lstm1.forward(output, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output); // outputs += [output]
    }
    return torch.cat(outputs, { dim: 1 });
  }
}

test('time_sequence_prediction: Sequence of LSTMCells in float64 trained by LBFGS, as PyTorch', () => {
  const want = fx.time_sequence_prediction;
  const traindata = generateSineWave();
  assertTensor(traindata, want.data, { rtol: 1e-15, atol: 1e-15 }, 'traindata');

  const printed: string[] = [];
  const print = makePrint(printed);
  const ys: Tensor[] = [];
  const nIters: number[] = [];
  const funcEvals: number[] = [];
  const reprs: Record<string, string | string[]> = {};

  // set random seed to 0
  // np.random.seed(0): nothing draws from NumPy here
  torch.manualSeed(0);
  // load data and make training set
  // generate_sine_wave.py saved a NumPy array (the fixture script's own file): it loads as a
  // float64 tensor holding exactly the values NumPy computed (traindata above agrees to 1e-15).
  const data = torch.load<Tensor>(join(import.meta.dirname, '..', 'fixtures', 'porting_traindata.pt'));
  assert.equal(data.dtype, 'float64');
  assertTensor(data, want.data, { rtol: 0, atol: 0 }, 'traindata.pt');
  const input = data.index('3:', ':-1');
  const target = data.index('3:', '1:');
  const testInput = data.index(':3', ':-1');
  const testTarget = data.index(':3', '1:');
  // build the model
  const seq = new Sequence();
  seq.double();
  for (const [k, v] of Object.entries(seq.stateDict())) {
    assertTensor(v.reshape(-1).index(':8'), want.initial[k], { rtol: 0, atol: 0 }, `initial ${k}`);
  }
  assert.equal(String(seq), want.repr);
  const criterion = new nn.MSELoss();
  // use LBFGS as optimizer since we can load the whole data to train
  const optimizer = new optim.LBFGS(seq.parameters(), { lr: 0.8 });
  [reprs.criterion, reprs.optimizer] = [String(criterion), String(optimizer)];
  // begin to train
  for (let i = 0; i < STEPS; i++) {
    print('STEP: ', i);
    const closure = (): Tensor => {
      optimizer.zeroGrad();
      const out = seq.forward(input);
      const loss = criterion.forward(out, target);
      if (!('loss' in reprs)) [reprs['out[:2, :3]'], reprs.loss] = [String(out.index(':2', ':3')), String(loss)];
      print('loss:', loss.item() as number);
      loss.backward();
      return loss;
    };
    optimizer.step(closure);
    const state = optimizer.state.get(optimizer.paramGroups[0].params[0]) as { n_iter: number; func_evals: number };
    nIters.push(state.n_iter);
    funcEvals.push(state.func_evals);
    if (i === 0) {
      reprs.state_keys = Object.keys(optimizer.stateDict().state[0]);
      reprs.param_group_keys = Object.keys(optimizer.stateDict().param_groups[0]);
    }
    // begin to predict, no need to track gradient here
    torch.noGrad(() => {
      const future = FUTURE;
      const pred = seq.forward(testInput, future);
      const loss = criterion.forward(pred.index(':', `:-${future}`), testTarget);
      print('test loss:', loss.item() as number);
      // DIVERGENCE (documented): Tensor.numpy() throws (no NumPy in JavaScript); the tensor is kept.
      const y = pred.detach(); // y = pred.detach().numpy()
      ys.push(y);
      if (i === 0) reprs['pred[:, -2:]'] = String(pred.index(':', '-2:'));
    });
    // (drawing with matplotlib left out)
  }

  for (const k of Object.keys(want.reprs)) assert.deepEqual(reprs[k], want.reprs[k], `repr of ${k}`);
  assert.deepEqual(nIters, want.n_iter, 'LBFGS n_iter');
  assert.deepEqual(funcEvals, want.func_evals, 'LBFGS func_evals');
  // The first loss is within an ulp or two of PyTorch's (GEMM summation order); LBFGS then
  // amplifies rounding step by step: at step 2 the losses agree to ~2e-8 (wasm), ~7e-9 (native),
  // ~2e-9 (js). PyTorch against itself does the same: with data[5, 17] moved by 1 ulp its losses
  // move by up to 2e-13 in step 0, 2e-11 in step 1, 5e-9 in step 2 and its predictions by 2e-9.
  const TOL = [1e-10, 1e-9, 1e-7];
  const byStep = (lines: string[]): string[][] => lines.reduce<string[][]>((acc, l) => (l.startsWith('STEP:') ? [...acc, [l]] : (acc.at(-1)!.push(l), acc)), []);
  const [gotSteps, wantSteps] = [byStep(printed), byStep(want.printed)];
  assert.equal(gotSteps.length, wantSteps.length);
  gotSteps.forEach((lines, i) => assertLines(lines, wantSteps[i], TOL[i], `train.py output of step ${i}`));
  ys.forEach((y, i) => assertTensor(y, want.y[i], { rtol: TOL[i], atol: TOL[i] }, `y of step ${i}`));
  const sd = seq.stateDict();
  for (const k of Object.keys(want.final)) assertTensor(sd[k], want.final[k], { rtol: 1e-7, atol: 1e-8 }, `final ${k}`);
  assert.deepEqual(Object.keys(sd), Object.keys(want.final_stats));
  for (const [k, [sum, norm]] of Object.entries(want.final_stats)) {
    assert.ok(relErr(Number(sd[k].sum().item()), sum) < 1e-7, `${k}.sum(): ${sd[k].sum().item()} vs ${sum}`);
    assert.ok(relErr(Number(sd[k].norm().item()), norm) < 1e-8, `${k}.norm(): ${sd[k].norm().item()} vs ${norm}`);
  }
});

// ------------------------------------------------------------------ reinforcement_learning

const [GAMMA, SEED, LOG_INTERVAL, EPISODES] = [0.99, 543, 10, 20];

/** gym.make('CartPole-v1') stand-in, the twin of the fixture script's: gym's CartPoleEnv physics
 * (test/helpers/cartpole.ts), start states from Python's random, gymnasium's reset/step API. */
class CartPoleEnv {
  static spec = { rewardThreshold: 475.0, maxEpisodeSteps: 500 };
  spec = CartPoleEnv.spec;
  physics = new CartPole();
  npRandom = new torch.utils.PythonRandom(0);
  elapsed = 0;

  reset(seed: number | null = null): [Float32Array, Record<string, never>] {
    if (seed !== null) this.npRandom = new torch.utils.PythonRandom(seed);
    this.physics.state = [0, 1, 2, 3].map(() => this.npRandom.uniform(-0.05, 0.05));
    this.elapsed = 0;
    return [Float32Array.from(this.physics.state), {}];
  }

  step(action: number): [Float32Array, number, boolean, boolean, Record<string, never>] {
    const [state, reward, terminated] = this.physics.step(action);
    this.elapsed += 1;
    const truncated = this.elapsed >= this.spec.maxEpisodeSteps;
    return [Float32Array.from(state), reward, terminated, truncated, {}];
  }
}

/** Python's zip over two iterables. */
function* zip<A, B>(a: Iterable<A>, b: Iterable<B>): Generator<[A, B]> {
  const ib = b[Symbol.iterator]();
  for (const x of a) {
    const y = ib.next();
    if (y.done) return;
    yield [x, y.value];
  }
}

/** Episode records against the fixture: actions exactly, float32 numbers to rtol. */
function assertEpisodes(got: Episode[], want: Episode[], label: string): void {
  assert.equal(got.length, want.length, `${label}: episodes`);
  got.forEach((g, e) => {
    const w = want[e];
    const where = `${label} episode ${e + 1}`;
    if (w.start) assert.deepEqual(g.start, w.start, `${where}: start state`);
    assert.deepEqual(g.actions, w.actions, `${where}: actions`);
    assert.equal(g.t, w.t, `${where}: t`);
    assert.equal(g.ep_reward, w.ep_reward, `${where}: ep_reward`);
    assert.equal(g.running_reward, w.running_reward, `${where}: running_reward`);
    // log-probabilities and critic values are sums of O(1) float32 terms: PyTorch's first value is
    // 3.5 ulps from the float64 one, torchlette's 0.5, and Adam carries the difference on.
    for (const k of ['log_probs', 'values'] as const) {
      (w[k] ?? []).forEach((v, i) => assert.ok(Math.abs(g[k]![i] - v) <= 1e-5 * Math.abs(v) + 1e-5, `${where}: ${k}[${i}] ${g[k]![i]} vs ${v}`));
    }
    if (w.returns) assertTensor(torch.tensor(g.returns!.data as number[], { dtype: 'float32' }), w.returns, { rtol: 1e-5, atol: 1e-6 }, `${where}: returns`);
    // The losses are sums of O(1) terms that cancel; the returns already differ by an ulp: the
    // float32 sum of episode 1's 14 returns is 100.58354949951172 here (the exact sum rounded),
    // 100.58354187011719 in PyTorch (its vectorised accumulation), and so are their means.
    for (const k of ['loss', 'policy_loss'] as const) {
      if (w[k] !== undefined) assert.ok(Math.abs(g[k]! - w[k]!) <= 1e-5 * (Math.abs(w[k]!) + 1), `${where}: ${k} ${g[k]} vs ${w[k]}`);
    }
  });
}

test('reinforcement_learning/reinforce.py: Dropout + Categorical + Adam on CartPole, as PyTorch', () => {
  const want = fx.reinforce;
  const record: Episode[] = [];
  const printed: string[] = [];
  const print = makePrint(printed);

  const env = new CartPoleEnv();
  env.reset(SEED);
  torch.manualSeed(SEED);

  class Policy extends nn.Module {
    affine1 = new nn.Linear(4, 128);
    dropout = new nn.Dropout({ p: 0.6 });
    affine2 = new nn.Linear(128, 2);

    savedLogProbs: Tensor[] = [];
    rewards: number[] = [];

    override forward(x: Tensor): Tensor {
      x = this.affine1.forward(x);
      x = this.dropout.forward(x);
      x = F.relu(x);
      const actionScores = this.affine2.forward(x);
      return F.softmax(actionScores, { dim: 1 });
    }
  }

  const policy = new Policy();
  const optimizer = new optim.Adam(policy.parameters(), { lr: 1e-2 });
  const eps = torch.finfo(torch.float32).eps; // np.finfo(np.float32).eps.item()
  let ep = {} as Episode;
  const reprs: Record<string, string> = { policy: String(policy), optimizer: String(optimizer) };

  function selectAction(stateArray: Float32Array): number {
    // DIVERGENCE (documented): no torch.from_numpy; torch.asarray shares a Float32Array's memory as it does.
    const state = torch.asarray(stateArray).float().unsqueeze(0); // torch.from_numpy(state)
    const probs = policy.forward(state);
    const m = new Categorical(probs);
    const action = m.sample();
    policy.savedLogProbs.push(m.logProb(action));
    if (!('probs' in reprs)) {
      Object.assign(reprs, { state: String(state), probs: String(probs), m: String(m), action: String(action),
        log_prob: String(policy.savedLogProbs.at(-1)), entropy: String(m.entropy()) });
    }
    ep.actions.push(action.item() as number);
    ep.log_probs!.push(policy.savedLogProbs.at(-1)!.item() as number);
    return action.item() as number;
  }

  function finishEpisode(): void {
    let R = 0;
    const policyLoss: Tensor[] = [];
    const returns: number[] = []; // deque()
    for (const r of policy.rewards.slice().reverse()) {
      R = r + GAMMA * R;
      returns.unshift(R); // returns.appendleft(R)
    }
    // DIVERGENCE: torch.tensor infers int64 when every JS number is integral, so a one-step episode
    // (returns [1.0]) would give an int64 tensor whose mean() throws; PyTorch's Python floats give
    // float32 (and a NaN std). Never reached here: every episode lasts 10+ steps, so returns hold 1.99….
    let returnsT = torch.tensor(returns);
    returnsT = returnsT.sub(returnsT.mean()).div(returnsT.std().add(eps));
    ep.returns = { dtype: 'float32', shape: returnsT.shape, data: Array.from(returnsT.toTypedArray() as Float32Array) };
    for (const [logProb, R] of zip(policy.savedLogProbs, returnsT)) {
      policyLoss.push(logProb.neg().mul(R));
    }
    optimizer.zeroGrad();
    const policyLossT = torch.cat(policyLoss).sum();
    ep.loss = policyLossT.item() as number;
    if (!('policy_loss' in reprs)) [reprs['returns[:3]'], reprs.policy_loss] = [String(returnsT.index(':3')), String(policyLossT)];
    policyLossT.backward();
    optimizer.step();
    policy.rewards.length = 0; // del policy.rewards[:]
    policy.savedLogProbs.length = 0;
  }

  function main(): void {
    let runningReward = 10;
    for (let iEpisode = 1; ; iEpisode++) {
      ep = { actions: [], log_probs: [] } as unknown as Episode;
      let [state] = env.reset();
      ep.start = Array.from(state);
      let epReward = 0;
      let t: number;
      for (t = 1; t < 10000; t++) { // Don't infinite loop while learning
        const action = selectAction(state);
        let reward: number, terminated: boolean, truncated: boolean;
        [state, reward, terminated, truncated] = env.step(action);
        policy.rewards.push(reward);
        epReward += reward;
        if (terminated || truncated) break;
      }

      runningReward = 0.05 * epReward + (1 - 0.05) * runningReward;
      finishEpisode();
      record.push({ ...ep, t, ep_reward: epReward, running_reward: runningReward });
      if (iEpisode % LOG_INTERVAL === 0) {
        print(`Episode ${iEpisode}\tLast reward: ${epReward.toFixed(2)}\tAverage reward: ${runningReward.toFixed(2)}`);
      }
      if (runningReward > env.spec.rewardThreshold) {
        print(`Solved! Running reward is now ${pyRepr(runningReward)} and the last episode runs to ${t} time steps!`);
        break;
      }
      if (iEpisode === EPISODES) break;
    }
  }

  main();
  for (const k of Object.keys(want.reprs)) assert.equal(reprs[k], want.reprs[k], `repr of ${k}`);
  assertEpisodes(record, want.episodes, 'reinforce.py');
  assert.deepEqual(printed, want.printed);
  assertTensor(policy.affine2.weight, want['affine2.weight'] as TensorJson, { rtol: 1e-5, atol: 1e-6 }, 'affine2.weight');
  assertTensor(policy.affine2.bias as Tensor, want['affine2.bias'] as TensorJson, { rtol: 1e-5, atol: 1e-6 }, 'affine2.bias');
  assert.ok(relErr(policy.affine1.weight.sum().item() as number, want['affine1.weight.sum']) < 1e-5);
  const expAvgSq = (optimizer.state.get(policy.affine1.weight) as { exp_avg_sq: Tensor }).exp_avg_sq;
  assert.ok(relErr(expAvgSq.sum().item() as number, want['exp_avg_sq.sum'] as number) < 1e-5);
});

test('reinforcement_learning/actor_critic.py: actor and critic heads, smooth_l1_loss, Adam on CartPole, as PyTorch', () => {
  const want = fx.actor_critic;
  const record: Episode[] = [];
  const printed: string[] = [];
  const print = makePrint(printed);

  const env = new CartPoleEnv();
  env.reset(SEED);
  torch.manualSeed(SEED);

  // SavedAction = namedtuple('SavedAction', ['log_prob', 'value'])
  type SavedAction = [logProb: Tensor, value: Tensor];

  /** implements both actor and critic in one model */
  class Policy extends nn.Module {
    affine1 = new nn.Linear(4, 128);

    // actor's layer
    action_head = new nn.Linear(128, 2);

    // critic's layer
    value_head = new nn.Linear(128, 1);

    // action & reward buffer
    savedActions: SavedAction[] = [];
    rewards: number[] = [];

    /** forward of both actor and critic */
    override forward(x: Tensor): [Tensor, Tensor] {
      x = F.relu(this.affine1.forward(x));

      // actor: choses action to take from state s_t
      // by returning probability of each action
      const actionProb = F.softmax(this.action_head.forward(x), { dim: -1 });

      // critic: evaluates being in the state s_t
      const stateValues = this.value_head.forward(x);

      // return values for both actor and critic as a tuple of 2 values:
      // 1. a list with the probability of each action over the action space
      // 2. the value from state s_t
      return [actionProb, stateValues];
    }
  }

  const model = new Policy();
  const optimizer = new optim.Adam(model.parameters(), { lr: 3e-2 });
  const eps = torch.finfo(torch.float32).eps;
  let ep = {} as Episode;
  const reprs: Record<string, string> = { model: String(model) };

  function selectAction(stateArray: Float32Array): number {
    const state = torch.asarray(stateArray).float(); // torch.from_numpy(state) (see reinforce.py above)
    const [probs, stateValue] = model.forward(state);

    // create a categorical distribution over the list of probabilities of actions
    const m = new Categorical(probs);

    // and sample an action using the distribution
    const action = m.sample();

    // save to action buffer
    model.savedActions.push([m.logProb(action), stateValue]);
    if (!('probs' in reprs)) {
      Object.assign(reprs, { probs: String(probs), state_value: String(stateValue), m: String(m), action: String(action),
        log_prob: String(model.savedActions.at(-1)![0]) });
    }
    ep.actions.push(action.item() as number);
    ep.values!.push(stateValue.item() as number);

    // the action to take (left or right)
    return action.item() as number;
  }

  /** Training code. Calculates actor and critic loss and performs backprop. */
  function finishEpisode(): void {
    let R = 0;
    const savedActions = model.savedActions;
    const policyLosses: Tensor[] = []; // list to save actor (policy) loss
    const valueLosses: Tensor[] = []; // list to save critic (value) loss
    const returns: number[] = []; // list to save the true values

    // calculate the true value using rewards returned from the environment
    for (const r of model.rewards.slice().reverse()) {
      // calculate the discounted value
      R = r + GAMMA * R;
      returns.splice(0, 0, R); // returns.insert(0, R)
    }

    let returnsT = torch.tensor(returns); // (int64 for a one-step episode: see reinforce.py above)
    returnsT = returnsT.sub(returnsT.mean()).div(returnsT.std().add(eps));

    for (const [[logProb, value], R] of zip(savedActions, returnsT)) {
      const advantage = R.sub(value.item() as number);

      // calculate actor (policy) loss
      policyLosses.push(logProb.neg().mul(advantage));

      // calculate critic (value) loss using L1 smooth loss
      valueLosses.push(F.smoothL1Loss(value, torch.tensor([R])));
      if (!('advantage' in reprs)) {
        Object.assign(reprs, { advantage: String(advantage), 'policy_losses[0]': String(policyLosses[0]),
          'value_losses[0]': String(valueLosses[0]), 'torch.tensor([R])': String(torch.tensor([R])) });
      }
    }

    // reset gradients
    optimizer.zeroGrad();

    // sum up all the values of policy_losses and value_losses
    const loss = torch.stack(policyLosses).sum().add(torch.stack(valueLosses).sum());
    ep.loss = loss.item() as number;
    if (!('loss' in reprs)) reprs.loss = String(loss);
    ep.policy_loss = torch.stack(policyLosses).sum().item() as number;

    // perform backprop
    loss.backward();
    optimizer.step();

    // reset rewards and action buffer
    model.rewards.length = 0;
    model.savedActions.length = 0;
  }

  function main(): void {
    let runningReward = 10;

    // run infinitely many episodes
    for (let iEpisode = 1; ; iEpisode++) {
      ep = { actions: [], values: [] } as unknown as Episode;

      // reset environment and episode reward
      let [state] = env.reset();
      let epReward = 0;

      // for each episode, only run 9999 steps so that we don't
      // infinite loop while learning
      let t: number;
      for (t = 1; t < 10000; t++) {
        // select action from policy
        const action = selectAction(state);

        // take the action
        let reward: number, terminated: boolean, truncated: boolean;
        [state, reward, terminated, truncated] = env.step(action);

        model.rewards.push(reward);
        epReward += reward;
        if (terminated || truncated) break;
      }

      // update cumulative reward
      runningReward = 0.05 * epReward + (1 - 0.05) * runningReward;

      // perform backprop
      finishEpisode();
      record.push({ ...ep, t, ep_reward: epReward, running_reward: runningReward });

      // log results
      if (iEpisode % LOG_INTERVAL === 0) {
        print(`Episode ${iEpisode}\tLast reward: ${epReward.toFixed(2)}\tAverage reward: ${runningReward.toFixed(2)}`);
      }

      // check if we have "solved" the cart pole problem
      if (runningReward > env.spec.rewardThreshold) {
        print(`Solved! Running reward is now ${pyRepr(runningReward)} and ` + `the last episode runs to ${t} time steps!`);
        break;
      }
      if (iEpisode === EPISODES) break;
    }
  }

  main();
  for (const k of Object.keys(want.reprs)) assert.equal(reprs[k], want.reprs[k], `repr of ${k}`);
  assertEpisodes(record, want.episodes, 'actor_critic.py');
  assert.deepEqual(printed, want.printed);
  assertTensor(model.action_head.weight, want['action_head.weight'] as TensorJson, { rtol: 1e-5, atol: 1e-6 }, 'action_head.weight');
  assertTensor(model.value_head.weight, want['value_head.weight'] as TensorJson, { rtol: 1e-5, atol: 1e-6 }, 'value_head.weight');
  assertTensor(model.value_head.bias as Tensor, want['value_head.bias'] as TensorJson, { rtol: 1e-5, atol: 1e-6 }, 'value_head.bias');
  assert.ok(relErr(model.affine1.weight.sum().item() as number, want['affine1.weight.sum']) < 1e-5);
});
