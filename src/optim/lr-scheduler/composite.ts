// SequentialLR and ChainedScheduler (PyTorch 1.13): schedulers run one after another at
// milestones, or all together each step. State dicts nest their schedulers' state dicts
// under '_schedulers', as PyTorch's do.
import { bool, check, int, intList, signature, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import { LRScheduler, loadFields, optimizerArg, stateDictOf, type StateField } from './scheduler.js';

const schedulersArg = check<readonly LRScheduler[]>(
  'a list of LRScheduler',
  (v) => Array.isArray(v) && v.length > 0 && v.every((s) => s instanceof LRScheduler),
);

/** SequentialLR(optimizer, schedulers, milestones, last_epoch=-1, verbose=False) */
const sequentialLRArgs = signature('SequentialLR', [
  ['optimizer', optimizerArg], ['schedulers', schedulersArg], ['milestones', intList], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

/** ChainedScheduler(schedulers) */
const chainedSchedulerArgs = signature('ChainedScheduler', [['schedulers', schedulersArg]] as const);

export type SequentialLROptions = OptionsObjectOf<typeof sequentialLRArgs>;

/** What this file calls on the schedulers it holds (protected in LRScheduler). */
interface Inner {
  initialStep(): void;
}

/** Python's bisect.bisect_right. */
function bisectRight(a: readonly number[], x: number): number {
  let i = 0;
  while (i < a.length && a[i] <= x) i++;
  return i;
}

/** state_dict(): the own fields, then every scheduler's state dict under '_schedulers'. */
function nestedStateDict(owner: object, fields: StateField[], extra: Record<string, unknown>, schedulers: LRScheduler[]): Record<string, unknown> {
  return { ...stateDictOf(owner, fields, extra), _schedulers: schedulers.map((s) => s.stateDict()) };
}

function loadNested(owner: object, fields: StateField[], stateDict: Record<string, unknown>, extra: Record<string, unknown>, schedulers: LRScheduler[]) {
  const { _schedulers: inner, ...own } = stateDict;
  if (!Array.isArray(inner) || inner.length !== schedulers.length) throw new TypeError(`scheduler state dict must have '_schedulers', a list of ${schedulers.length} state dicts`);
  const next = loadFields(owner, fields, own, extra);
  inner.forEach((s, i) => schedulers[i].loadStateDict(s as Record<string, unknown>));
  return next;
}

/** Runs schedulers[0] until milestones[0], then schedulers[1] (restarted at epoch 0), and so on. */
export class SequentialLR extends LRScheduler {
  private readonly schedulers: LRScheduler[];
  milestones: number[];
  private nestedExtra: Record<string, unknown> = {};

  constructor(...args: ArgsOf<typeof sequentialLRArgs>) {
    const { optimizer, schedulers, milestones, lastEpoch, verbose } = sequentialLRArgs.parse(args);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new RangeError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    super(optimizer, lastEpoch, verbose);
    this.schedulers = schedulers.slice();
    this.milestones = milestones.slice();
    this.lastEpoch = lastEpoch + 1;
    // Reset the lrs to their initial values and undo the step each scheduler took when built.
    for (const group of optimizer.paramGroups) group.lr = group.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    (this.schedulers[0] as unknown as Inner).initialStep();
    this._lastLr = this.schedulers[0].getLastLr();
  }

  protected ownState(): StateField[] {
    const milestones: StateField = { key: '_milestones', get: () => this.milestones, set: (v) => (this.milestones = v as number[]) };
    return [milestones, 'last_epoch', '_last_lr'];
  }

  protected computeLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** One epoch: the current scheduler steps (at a milestone, the next one starts with step(0)). */
  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  override stateDict(): Record<string, unknown> {
    return nestedStateDict(this, this.ownState(), this.nestedExtra, this.schedulers);
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    this.nestedExtra = loadNested(this, this.ownState(), stateDict, this.nestedExtra, this.schedulers);
  }
}

/** Steps every scheduler each step, so their factors multiply (e.g. warmup times decay). */
export class ChainedScheduler extends LRScheduler {
  private readonly schedulers: LRScheduler[];
  private nestedExtra: Record<string, unknown> = {};

  constructor(...args: ArgsOf<typeof chainedSchedulerArgs>) {
    const { schedulers } = chainedSchedulerArgs.parse(args);
    for (let i = 1; i < schedulers.length; i++) {
      if (schedulers[i].optimizer !== schedulers[0].optimizer) {
        throw new RangeError(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
      }
    }
    super(schedulers[0].optimizer);
    this.schedulers = schedulers.slice();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  protected ownState(): StateField[] {
    return ['_last_lr'];
  }

  protected computeLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  override step(): void {
    for (const s of this.schedulers) s.step();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  override stateDict(): Record<string, unknown> {
    return nestedStateDict(this, this.ownState(), this.nestedExtra, this.schedulers);
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    this.nestedExtra = loadNested(this, this.ownState(), stateDict, this.nestedExtra, this.schedulers);
  }
}
