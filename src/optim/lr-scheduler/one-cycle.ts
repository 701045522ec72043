// OneCycleLR (PyTorch 1.13): lr rises from maxLr/divFactor to maxLr, then anneals to
// initialLr/finalDivFactor (or, three-phase, back down first), with momentum (or
// Adam's beta1) cycled inversely. Each group keeps PyTorch's extra keys (initial_lr,
// max_lr, min_lr, max_momentum, base_momentum) so optimizer state dicts match.
import { bool, check, int, nullable, number, numberOrList, signature, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import { toCamelCase, toSnakeCase, type ParamGroup } from '../optimizer.js';
import { LRScheduler, optimizerArg, perGroup, type StateField } from './scheduler.js';

/** A string, typed as the values PyTorch accepts; other strings get PyTorch's own ValueError. */
const strategy = check<'cos' | 'linear'>('a string', (v) => typeof v === 'string');

/**
 * OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
 * pct_start=0.3, anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85,
 * max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
 * last_epoch=-1, verbose=False)
 */
const oneCycleLRArgs = signature('OneCycleLR', [
  ['optimizer', optimizerArg], ['maxLr', numberOrList], ['totalSteps', nullable(int), null], ['epochs', nullable(int), null],
  ['stepsPerEpoch', nullable(int), null], ['pctStart', number, 0.3], ['annealStrategy', strategy, 'cos'],
  ['cycleMomentum', bool, true], ['baseMomentum', numberOrList, 0.85], ['maxMomentum', numberOrList, 0.95],
  ['divFactor', number, 25], ['finalDivFactor', number, 1e4], ['threePhase', bool, false], ['lastEpoch', int, -1],
  ['verbose', bool, false],
] as const);

export type OneCycleLROptions = OptionsObjectOf<typeof oneCycleLRArgs>;

/** One phase of the schedule; the lr/momentum entries name param-group keys (snake_case in the state dict). */
export interface SchedulePhase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/** A phase with its keys and the group keys it names renamed (to snake_case for the state dict, and back). */
function renamed<T>(phase: object, rename: (key: string) => string): T {
  return Object.fromEntries(Object.entries(phase).map(([k, v]) => [rename(k), typeof v === 'string' ? rename(v) : v])) as T;
}

const isPositiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

function totalStepsOf(totalSteps: number | null, epochs: number | null, stepsPerEpoch: number | null): number {
  if (totalSteps == null && epochs == null && stepsPerEpoch == null) {
    throw new RangeError('You must define either total_steps OR (epochs AND steps_per_epoch)');
  }
  if (totalSteps != null) {
    if (!isPositiveInt(totalSteps)) throw new RangeError(`Expected positive integer total_steps, but got ${totalSteps}`);
    return totalSteps;
  }
  if (!isPositiveInt(epochs)) throw new RangeError(`Expected positive integer epochs, but got ${epochs}`);
  if (!isPositiveInt(stepsPerEpoch)) throw new RangeError(`Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
  return epochs * stepsPerEpoch;
}

function phasesOf(total: number, pct: number, threePhase: boolean): SchedulePhase[] {
  const phase = (endStep: number, [startLr, endLr]: string[], [startMomentum, endMomentum]: string[]): SchedulePhase => ({
    endStep, startLr, endLr, startMomentum, endMomentum,
  });
  if (threePhase) {
    return [
      phase(pct * total - 1, ['initialLr', 'maxLr'], ['maxMomentum', 'baseMomentum']),
      phase(2 * pct * total - 2, ['maxLr', 'initialLr'], ['baseMomentum', 'maxMomentum']),
      phase(total - 1, ['initialLr', 'minLr'], ['maxMomentum', 'maxMomentum']),
    ];
  }
  return [
    phase(pct * total - 1, ['initialLr', 'maxLr'], ['maxMomentum', 'baseMomentum']),
    phase(total - 1, ['maxLr', 'minLr'], ['baseMomentum', 'maxMomentum']),
  ];
}

const annealCos = (start: number, end: number, pct: number) => end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number) => (end - start) * pct + start;

/** The 1cycle policy of "Super-Convergence" (Smith & Topin), stepped once per batch. */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  schedulePhases: SchedulePhase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  /** Whether momentum lives in betas[0] (Adam-like) rather than momentum; set when cycleMomentum. */
  useBeta1?: boolean;

  /**
   * Everything is checked before the optimizer's groups are touched, so an error leaves
   * them as they were (PyTorch sets initial_lr before its momentum checks).
   */
  constructor(...args: ArgsOf<typeof oneCycleLRArgs>) {
    const a = oneCycleLRArgs.parse(args);
    const { optimizer, pctStart, annealStrategy, cycleMomentum, divFactor, finalDivFactor, lastEpoch } = a;
    const totalSteps = totalStepsOf(a.totalSteps, a.epochs, a.stepsPerEpoch);
    const schedulePhases = phasesOf(totalSteps, pctStart, a.threePhase);
    if (!(pctStart >= 0 && pctStart <= 1)) throw new RangeError(`Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new RangeError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    const maxLrs = perGroup(optimizer, 'values for max_lr', a.maxLr);
    let useBeta1: boolean | undefined;
    let maxMomentums: number[] = [];
    let baseMomentums: number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new RangeError('optimizer must support momentum with `cycle_momentum` option enabled');
      }
      useBeta1 = 'betas' in optimizer.defaults;
      maxMomentums = perGroup(optimizer, 'values for max_momentum', a.maxMomentum);
      baseMomentums = perGroup(optimizer, 'values for base_momentum', a.baseMomentum);
    }
    // Group keys are set before the base constructor runs, as PyTorch sets them before super().__init__.
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        group.initialLr = maxLrs[i] / divFactor;
        group.maxLr = maxLrs[i];
        group.minLr = (group.initialLr as number) / finalDivFactor;
        if (useBeta1 !== undefined) {
          setMomentum(group, useBeta1, maxMomentums[i]);
          group.maxMomentum = maxMomentums[i];
          group.baseMomentum = baseMomentums[i];
        }
      });
    }
    super(optimizer, lastEpoch, a.verbose);
    this.totalSteps = totalSteps;
    this.schedulePhases = schedulePhases;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    if (useBeta1 !== undefined) this.useBeta1 = useBeta1;
    this.initialStep();
  }

  protected ownState(): StateField[] {
    const phases = {
      key: '_schedule_phases',
      get: () => this.schedulePhases.map((p) => renamed(p, toSnakeCase)),
      set: (v: unknown) => (this.schedulePhases = (v as object[]).map((p) => renamed<SchedulePhase>(p, toCamelCase))),
    };
    // PyTorch 1.13 also saves anneal_func, a bound method no other language can load; it is left out.
    return ['total_steps', phases, 'cycle_momentum', 'use_beta1'];
  }

  protected computeLr(): number[] {
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    const step = this.lastEpoch;
    if (step > this.totalSteps) throw new RangeError(`Tried to step ${step + 1} times. The specified number of total steps is ${this.totalSteps}`);
    const phases = this.schedulePhases;
    return this.optimizer.paramGroups.map((group) => {
      const value = (key: string) => group[key] as number;
      let start = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        if (step <= phase.endStep || i === phases.length - 1) {
          if (phase.endStep === start) throw new RangeError('float division by zero');
          const pct = (step - start) / (phase.endStep - start);
          const lr = anneal(value(phase.startLr), value(phase.endLr), pct);
          if (this.cycleMomentum) setMomentum(group, this.useBeta1 ?? false, anneal(value(phase.startMomentum), value(phase.endMomentum), pct));
          return lr;
        }
        start = phase.endStep;
      }
      throw new Error('unreachable: OneCycleLR has no phases');
    });
  }
}

/** Momentum is SGD's momentum, or beta1 of Adam's betas (a new pair: PyTorch builds a new tuple). */
function setMomentum(group: ParamGroup, useBeta1: boolean, momentum: number): void {
  if (useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
  else group.momentum = momentum;
}
