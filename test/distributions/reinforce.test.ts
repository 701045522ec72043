// pytorch/examples reinforcement_learning/reinforce.py and actor_critic.py ported line for line (Policy with
// dropout, select_action with Categorical, finish_episode), on the deterministic CartPole of
// test/helpers/cartpole.ts (scripts/fixtures/cartpole.py's twin): the same seed gives PyTorch's actions,
// episode rewards, losses and final weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { CartPole } from '../helpers/cartpole.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const { nn, optim } = torch;
const F = nn.functional;
const { Categorical } = torch.distributions;

interface Episode {
  actions: number[];
  ep_reward: number;
  running_reward: number;
  loss: number;
}
interface Fixture {
  episodes: Episode[];
  affine2_weight: TensorJson;
  affine2_bias: TensorJson;
  actor_critic: { episodes: Episode[]; value_head_weight: TensorJson; action_head_weight: TensorJson };
}
const fx = loadFixture<Fixture>('distributions_reinforce.json');

const GAMMA = 0.99;
const SEED = 543;
const MAX_STEPS = 60;

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

test('reinforce.py: actions, rewards, losses and weights equal PyTorch run for run', () => {
  torch.manualSeed(SEED);
  const env = new CartPole();
  const policy = new Policy();
  const optimizer = new optim.Adam(policy.parameters(), { lr: 1e-2 });
  const eps = 2 ** -23; // np.finfo(np.float32).eps

  function selectAction(s: number[]): number {
    const state = torch.tensor(s, { dtype: 'float64' }).float().unsqueeze(0);
    const probs = policy.forward(state);
    const m = new Categorical(probs);
    const action = m.sample();
    policy.savedLogProbs.push(m.logProb(action));
    return Number(action.item());
  }

  function finishEpisode(): number {
    let R = 0;
    const policyLoss: Tensor[] = [];
    const returns: number[] = [];
    for (const r of policy.rewards.slice().reverse()) {
      R = r + GAMMA * R;
      returns.unshift(R);
    }
    let ret = torch.tensor(returns, { dtype: 'float32' });
    ret = ret.sub(ret.mean()).div(ret.std().add(eps));
    policy.savedLogProbs.forEach((logProb, i) => policyLoss.push(logProb.neg().mul(ret.select(0, i))));
    optimizer.zeroGrad();
    const loss = torch.cat(policyLoss).sum();
    loss.backward();
    optimizer.step();
    policy.rewards.length = 0;
    policy.savedLogProbs.length = 0;
    return Number(loss.item());
  }

  let runningReward = 10;
  fx.episodes.forEach((want, e) => {
    let state = env.reset(e + 1);
    let epReward = 0;
    const actions: number[] = [];
    for (let t = 1; t < MAX_STEPS; t++) {
      const action = selectAction(state);
      actions.push(action);
      const [next, reward, done] = env.step(action);
      state = next;
      policy.rewards.push(reward);
      epReward += reward;
      if (done) break;
    }
    runningReward = 0.05 * epReward + (1 - 0.05) * runningReward;
    const loss = finishEpisode();
    assert.deepEqual(actions, want.actions, `episode ${e + 1} actions`);
    assert.equal(epReward, want.ep_reward);
    assert.ok(Math.abs(runningReward - want.running_reward) < 1e-12);
    assert.ok(Math.abs(loss - want.loss) <= 1e-4 * Math.max(1, Math.abs(want.loss)), `episode ${e + 1} loss ${loss} vs ${want.loss}`);
  });
  assertTensor(policy.affine2.weight, fx.affine2_weight, { rtol: 1e-4, atol: 1e-5 }, 'affine2.weight');
  assertTensor(policy.affine2.bias as Tensor, fx.affine2_bias, { rtol: 1e-4, atol: 1e-5 }, 'affine2.bias');
});

class ActorCriticPolicy extends nn.Module {
  affine1 = new nn.Linear(4, 128);
  actionHead = new nn.Linear(128, 2);
  valueHead = new nn.Linear(128, 1);
  savedActions: [Tensor, Tensor][] = [];
  rewards: number[] = [];

  override forward(x: Tensor): [Tensor, Tensor] {
    x = F.relu(this.affine1.forward(x));
    const actionProb = F.softmax(this.actionHead.forward(x), { dim: -1 });
    const stateValues = this.valueHead.forward(x);
    return [actionProb, stateValues];
  }
}

test('actor_critic.py: actions, rewards, losses and weights equal PyTorch run for run', () => {
  const fxAc = fx.actor_critic;
  torch.manualSeed(SEED);
  const env = new CartPole();
  const model = new ActorCriticPolicy();
  const optimizer = new optim.Adam(model.parameters(), { lr: 3e-2 });
  const eps = 2 ** -23;

  function selectAction(s: number[]): number {
    const state = torch.tensor(s, { dtype: 'float64' }).float();
    const [probs, stateValue] = model.forward(state);
    const m = new Categorical(probs);
    const action = m.sample();
    model.savedActions.push([m.logProb(action), stateValue]);
    return Number(action.item());
  }

  function finishEpisode(): number {
    let R = 0;
    const policyLosses: Tensor[] = [];
    const valueLosses: Tensor[] = [];
    const returns: number[] = [];
    for (const r of model.rewards.slice().reverse()) {
      R = r + GAMMA * R;
      returns.unshift(R);
    }
    let ret = torch.tensor(returns, { dtype: 'float32' });
    ret = ret.sub(ret.mean()).div(ret.std().add(eps));
    model.savedActions.forEach(([logProb, value], i) => {
      const Ri = ret.select(0, i);
      const advantage = Ri.sub(Number(value.item()));
      policyLosses.push(logProb.neg().mul(advantage));
      valueLosses.push(F.smoothL1Loss(value, torch.tensor([Number(Ri.item())], { dtype: 'float32' })));
    });
    optimizer.zeroGrad();
    const loss = torch.stack(policyLosses).sum().add(torch.stack(valueLosses).sum());
    loss.backward();
    optimizer.step();
    model.rewards.length = 0;
    model.savedActions.length = 0;
    return Number(loss.item());
  }

  let runningReward = 10;
  fxAc.episodes.forEach((want, e) => {
    let state = env.reset(e + 1);
    let epReward = 0;
    const actions: number[] = [];
    for (let t = 1; t < MAX_STEPS; t++) {
      const action = selectAction(state);
      actions.push(action);
      const [next, reward, done] = env.step(action);
      state = next;
      model.rewards.push(reward);
      epReward += reward;
      if (done) break;
    }
    runningReward = 0.05 * epReward + (1 - 0.05) * runningReward;
    const loss = finishEpisode();
    assert.deepEqual(actions, want.actions, `episode ${e + 1} actions`);
    assert.equal(epReward, want.ep_reward);
    assert.ok(Math.abs(runningReward - want.running_reward) < 1e-12);
    assert.ok(Math.abs(loss - want.loss) <= 1e-4 * Math.max(1, Math.abs(want.loss)), `episode ${e + 1} loss ${loss} vs ${want.loss}`);
  });
  assertTensor(model.valueHead.weight, fxAc.value_head_weight, { rtol: 1e-4, atol: 1e-5 }, 'value_head.weight');
  assertTensor(model.actionHead.weight, fxAc.action_head_weight, { rtol: 1e-4, atol: 1e-5 }, 'action_head.weight');
});
