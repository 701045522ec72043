// pytorch/tutorials intermediate_source/reinforcement_q_learning.py (Reinforcement Learning (DQN) Tutorial)
// transcribed line for line: the Transition named tuple and the deque ReplayMemory, DQN of three Linear layers,
// select_action with the decaying epsilon threshold and policy_net(state).max(1).indices.view(1, 1),
// optimize_model with the non-final mask, torch.cat of the batch, gather(1, action_batch), the target net's
// max(1).values under no_grad written through the mask, SmoothL1Loss, AdamW with amsgrad, clip_grad_value_, the
// soft update of the target net through state_dict() items and load_state_dict, and the training loop; against
// the same program run by PyTorch 1.13 (scripts/fixtures/porting_dqn.py) with the same reduced sizes.
//
// As in the fixture script, and written identically there: gymnasium's CartPole-v1 is the deterministic
// CartPole of test/helpers/cartpole.ts (reinforce.test.ts runs on it too) given gymnasium's reset/step
// signatures and TimeLimit truncation by CartPoleV1, and Python's `random` (random.random, random.sample)
// and env.action_space.sample() are two small LCGs, since Python's Mersenne Twister is not reproduced in JS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { CartPole } from '../helpers/cartpole.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const { nn, optim } = torch;
const F = nn.functional;

type StateDictJson = Record<string, TensorJson>;
interface Fixture {
  actions: number[];
  greedy: boolean[];
  losses: number[];
  durations: number[];
  memory_len: number;
  steps_done: number;
  init: StateDictJson;
  policy_net: StateDictJson;
  target_net: StateDictJson;
}
const fx = loadFixture<Fixture>('porting_dqn.json');
const LOG = { actions: [] as number[], greedy: [] as boolean[], losses: [] as number[] };

const MAX_EPISODE_STEPS = 30;

/**
 * Stands in for Python's `random` (Mersenne Twister, not reproducible in JS): a 32-bit linear congruential
 * generator computed exactly in doubles, with random(), randrange(n) and random.sample's algorithm.
 */
class LCG {
  state: number;

  constructor(seed: number) {
    this.state = seed % 4294967296;
  }

  random(): number {
    this.state = (this.state * 1664525 + 1013904223) % 4294967296;
    return this.state / 4294967296;
  }

  randrange(n: number): number {
    return Math.floor(this.random() * n);
  }

  sample<T>(population: Iterable<T>, k: number): T[] {
    // random.sample's pool branch: pick pool[j] with j below n - i, move the last unpicked one into its place
    const pool = [...population];
    const n = pool.length;
    const result = new Array<T>(k);
    for (let i = 0; i < k; i++) {
      const j = this.randrange(n - i);
      result[i] = pool[j];
      pool[j] = pool[n - i - 1];
    }
    return result;
  }
}

/** gymnasium.spaces.Discrete(2): n, and sample() from its own generator. */
class Discrete {
  rng: LCG;

  constructor(
    public n: number,
    seed: number,
  ) {
    this.rng = new LCG(seed);
  }

  sample(): number {
    return this.rng.randrange(this.n);
  }
}

/**
 * gymnasium's CartPole-v1 API over the shared physics: reset() -> [observation, info],
 * step() -> [observation, reward, terminated, truncated, info], actionSpace, TimeLimit truncation.
 */
class CartPoleV1 {
  actionSpace = new Discrete(2, 2024);
  cartpole = new CartPole();
  episode = 0;
  steps = 0;

  reset(): [number[], Record<string, never>] {
    this.episode += 1;
    this.steps = 0;
    return [this.cartpole.reset(this.episode), {}];
  }

  step(action: number): [number[], number, boolean, boolean, Record<string, never>] {
    const [observation, reward, terminated] = this.cartpole.step(action);
    this.steps += 1;
    const truncated = this.steps >= MAX_EPISODE_STEPS;
    return [observation, reward, terminated, truncated, {}];
  }
}

/** collections.deque([], maxlen=capacity): appending past maxlen drops the oldest item. */
class Deque<T> {
  items: T[] = [];

  constructor(
    initial: T[],
    public maxlen: number,
  ) {
    this.items.push(...initial);
  }

  append(x: T): void {
    this.items.push(x);
    if (this.items.length > this.maxlen) this.items.shift();
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }
}

// Transition = namedtuple('Transition', ('state', 'action', 'next_state', 'reward'))
interface Transition {
  state: Tensor;
  action: Tensor;
  nextState: Tensor | null;
  reward: Tensor;
}
const Transition = (state: Tensor, action: Tensor, nextState: Tensor | null, reward: Tensor): Transition => ({ state, action, nextState, reward });

/** Transition(*zip(*transitions)): a batch-array of Transitions to a Transition of batch-arrays. */
const zipTransitions = (transitions: Transition[]) => ({
  state: transitions.map((t) => t.state),
  action: transitions.map((t) => t.action),
  nextState: transitions.map((t) => t.nextState),
  reward: transitions.map((t) => t.reward),
});

test('reinforcement_q_learning.py: actions, losses and both nets equal PyTorch step for step', () => {
  const env = new CartPoleV1(); // gym.make("CartPole-v1")
  const device = torch.device('cpu');

  // the tutorial's commented-out reproducibility block, with the LCGs for random and the action space
  const seed = 42;
  const random = new LCG(seed); // random.seed(seed)
  torch.manualSeed(seed);

  class ReplayMemory {
    memory: Deque<Transition>;

    constructor(capacity: number) {
      this.memory = new Deque<Transition>([], capacity);
    }

    /** Save a transition */
    push(...args: Parameters<typeof Transition>): void {
      this.memory.append(Transition(...args));
    }

    sample(batchSize: number): Transition[] {
      return random.sample(this.memory, batchSize);
    }

    get length(): number {
      return this.memory.length;
    }
  }

  class DQN extends nn.Module {
    layer1: torch.nn.Linear;
    layer2: torch.nn.Linear;
    layer3: torch.nn.Linear;

    constructor(nObservations: number, nActions: number) {
      super();
      this.layer1 = new nn.Linear(nObservations, 64); // 128 in the tutorial, as in the fixture script
      this.layer2 = new nn.Linear(64, 64);
      this.layer3 = new nn.Linear(64, nActions);
    }

    // Called with either one element to determine next action, or a batch
    // during optimization. Returns tensor([[left0exp,right0exp]...]).
    override forward(x: Tensor): Tensor {
      x = F.relu(this.layer1.forward(x));
      x = F.relu(this.layer2.forward(x));
      return this.layer3.forward(x);
    }
  }

  const BATCH_SIZE = 16;
  const GAMMA = 0.99;
  const EPS_START = 0.9;
  const EPS_END = 0.05;
  const EPS_DECAY = 100;
  const TAU = 0.005;
  const LR = 1e-4;

  // Get number of actions from gym action space
  const nActions = env.actionSpace.n;
  // Get the number of state observations
  const [state0, _info] = env.reset(); // state, info = env.reset(): state becomes a Tensor in the loop below
  const nObservations = state0.length;

  const policyNet = new DQN(nObservations, nActions).to(device);
  const targetNet = new DQN(nObservations, nActions).to(device);
  targetNet.loadStateDict(policyNet.stateDict());
  for (const [k, v] of Object.entries(policyNet.stateDict())) assertTensor(v, fx.init[k], { rtol: 0, atol: 0 }, `initial policy_net ${k}`);
  for (const [k, v] of Object.entries(targetNet.stateDict())) assertTensor(v, fx.init[k], { rtol: 0, atol: 0 }, `initial target_net ${k}`);

  const optimizer = new optim.AdamW(policyNet.parameters(), { lr: LR, amsgrad: true });
  const memory = new ReplayMemory(100);

  let stepsDone = 0;

  function selectAction(state: Tensor): Tensor {
    const sample = random.random();
    const epsThreshold = EPS_END + (EPS_START - EPS_END) * Math.exp((-1 * stepsDone) / EPS_DECAY);
    stepsDone += 1;
    if (sample > epsThreshold) {
      LOG.greedy.push(true);
      return torch.noGrad(() => {
        // t.max(1) will return the largest column value of each row.
        // second column on max result is index of where max element was
        // found, so we pick action with the larger expected reward.
        return policyNet.forward(state).max(1).indices.view(1, 1);
      });
    } else {
      LOG.greedy.push(false);
      return torch.tensor([[env.actionSpace.sample()]], { device, dtype: torch.long });
    }
  }

  const episodeDurations: number[] = [];

  function optimizeModel(): void {
    if (memory.length < BATCH_SIZE) {
      return;
    }
    const transitions = memory.sample(BATCH_SIZE);
    // Transpose the batch (see https://stackoverflow.com/a/19343/3343043 for
    // detailed explanation). This converts batch-array of Transitions
    // to Transition of batch-arrays.
    const batch = zipTransitions(transitions);

    // Compute a mask of non-final states and concatenate the batch elements
    // (a final state would've been the one after which simulation ended)
    const nonFinalMask = torch.tensor(
      batch.nextState.map((s) => s !== null),
      { device, dtype: torch.bool },
    );
    const nonFinalNextStates = torch.cat(batch.nextState.filter((s): s is Tensor => s !== null));
    const stateBatch = torch.cat(batch.state);
    const actionBatch = torch.cat(batch.action);
    const rewardBatch = torch.cat(batch.reward);

    // Compute Q(s_t, a) - the model computes Q(s_t), then we select the
    // columns of actions taken. These are the actions which would've been taken
    // for each batch state according to policy_net
    const stateActionValues = policyNet.forward(stateBatch).gather(1, actionBatch);

    // Compute V(s_{t+1}) for all next states.
    // Expected values of actions for non_final_next_states are computed based
    // on the "older" target_net; selecting their best reward with max(1).values
    // This is merged based on the mask, such that we'll have either the expected
    // state value or 0 in case the state was final.
    const nextStateValues = torch.zeros(BATCH_SIZE, { device });
    torch.noGrad(() => {
      // next_state_values[non_final_mask] = ...
      nextStateValues.indexPut_([nonFinalMask], targetNet.forward(nonFinalNextStates).max(1).values);
    });
    // Compute the expected Q values
    const expectedStateActionValues = nextStateValues.mul(GAMMA).add(rewardBatch);

    // Compute Huber loss
    const criterion = new nn.SmoothL1Loss();
    const loss = criterion.forward(stateActionValues, expectedStateActionValues.unsqueeze(1));

    // Optimize the model
    optimizer.zeroGrad();
    loss.backward();
    // In-place gradient clipping
    torch.nn.utils.clipGradValue_(policyNet.parameters(), 100);
    optimizer.step();
    LOG.losses.push(Number(loss.item()));
  }

  const numEpisodes = 10;

  for (let iEpisode = 0; iEpisode < numEpisodes; iEpisode++) {
    // Initialize the environment and get its state
    const [state0, _info] = env.reset();
    let state: Tensor | null = torch.tensor(state0, { dtype: torch.float32, device }).unsqueeze(0);
    for (let t = 0; ; t++) {
      const action = selectAction(state!);
      LOG.actions.push(Number(action.item()));
      const [observation, rewardValue, terminated, truncated] = env.step(Number(action.item()));
      // torch.tensor([reward]) of a Python float is float32; a JS number has no float/int distinction
      // (1.0 === 1 reads as int64 in torchlette), so the dtype is spelled out
      const reward = torch.tensor([rewardValue], { device, dtype: torch.float32 });
      const done = terminated || truncated;

      let nextState: Tensor | null;
      if (terminated) {
        nextState = null;
      } else {
        nextState = torch.tensor(observation, { dtype: torch.float32, device }).unsqueeze(0);
      }

      // Store the transition in memory
      memory.push(state!, action, nextState, reward);

      // Move to the next state
      state = nextState;

      // Perform one step of the optimization (on the policy network)
      optimizeModel();

      // Soft update of the target network's weights
      // θ′ ← τ θ + (1 −τ )θ′
      const targetNetStateDict = targetNet.stateDict();
      const policyNetStateDict = policyNet.stateDict();
      for (const key in policyNetStateDict) {
        targetNetStateDict[key] = policyNetStateDict[key].mul(TAU).add(targetNetStateDict[key].mul(1 - TAU));
      }
      targetNet.loadStateDict(targetNetStateDict);

      if (done) {
        episodeDurations.push(t + 1);
        break;
      }
    }
  }

  // the trajectory: every epsilon draw, every action, every episode's length
  assert.deepEqual(LOG.greedy, fx.greedy, 'greedy/random branch per step');
  assert.deepEqual(LOG.actions, fx.actions, 'actions');
  assert.deepEqual(episodeDurations, fx.durations, 'episode durations');
  assert.equal(memory.length, fx.memory_len);
  assert.equal(stepsDone, fx.steps_done);
  // every optimize_model loss: the same batches through the same nets, up to float32 summation order
  assert.equal(LOG.losses.length, fx.losses.length);
  LOG.losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) <= 1e-5 * Math.abs(fx.losses[i]), `loss ${i}: ${l} vs ${fx.losses[i]}`));
  // the final nets, key for key in PyTorch's order
  assert.deepEqual(Object.keys(policyNet.stateDict()), Object.keys(fx.policy_net));
  assert.deepEqual(Object.keys(targetNet.stateDict()), Object.keys(fx.target_net));
  for (const [k, v] of Object.entries(policyNet.stateDict())) assertTensor(v, fx.policy_net[k], { rtol: 1e-5, atol: 1e-6 }, `final policy_net ${k}`);
  for (const [k, v] of Object.entries(targetNet.stateDict())) assertTensor(v, fx.target_net[k], { rtol: 1e-5, atol: 1e-6 }, `final target_net ${k}`);
});
