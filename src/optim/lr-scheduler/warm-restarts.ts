// CosineAnnealingWarmRestarts (PyTorch 1.13, SGDR): cosine annealing from each group's
// initial lr to etaMin over T_i epochs, restarting with T_i multiplied by TMult. step()
// takes an optional, possibly fractional, epoch (e.g. epoch + batch / batches).
import { bool, int, number, signature, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import { LRScheduler, optimizerArg, printLr, pyMod, type StateField } from './scheduler.js';

/** CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0, last_epoch=-1, verbose=False) */
const warmRestartsArgs = signature('CosineAnnealingWarmRestarts', [
  ['optimizer', optimizerArg], ['T0', number], ['TMult', number, 1], ['etaMin', number, 0], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

export type CosineAnnealingWarmRestartsOptions = OptionsObjectOf<typeof warmRestartsArgs>;

export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** PyTorch's T_0: the epochs of the first cycle. */
  T0: number;
  /** PyTorch's T_i: the epochs of the current cycle. */
  TI: number;
  /** PyTorch's T_mult: the factor each restart multiplies T_i by. */
  TMult: number;
  etaMin: number;
  /** PyTorch's T_cur: the epochs since the last restart (fractional with fractional epochs). */
  TCur: number;

  constructor(...args: ArgsOf<typeof warmRestartsArgs>) {
    const a = warmRestartsArgs.parse(args);
    if (a.T0 <= 0 || !Number.isInteger(a.T0)) throw new RangeError(`Expected positive integer T_0, but got ${a.T0}`);
    if (a.TMult < 1 || !Number.isInteger(a.TMult)) throw new RangeError(`Expected integer T_mult >= 1, but got ${a.TMult}`);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.T0 = a.T0;
    this.TI = a.T0;
    this.TMult = a.TMult;
    this.etaMin = a.etaMin;
    this.TCur = a.lastEpoch;
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return [
      { key: 'T_0', get: () => this.T0, set: (v) => (this.T0 = v as number) },
      { key: 'T_i', get: () => this.TI, set: (v) => (this.TI = v as number) },
      { key: 'T_mult', get: () => this.TMult, set: (v) => (this.TMult = v as number) },
      'eta_min',
      { key: 'T_cur', get: () => this.TCur, set: (v) => (this.TCur = v as number) },
    ];
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.TI))) / 2);
  }

  /**
   * Advances one epoch, or goes to `epoch` (fractional epochs allowed). As in PyTorch,
   * this step neither counts in _step_count nor warns about the call order.
   */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur = this.TCur + 1;
      if (this.TCur >= this.TI) {
        this.TCur = this.TCur - this.TI;
        this.TI = this.TI * this.TMult;
      }
    } else {
      if (epoch < 0) throw new RangeError(`Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = pyMod(epoch, this.T0);
        } else {
          const n = Math.trunc(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.TI = this.T0 * this.TMult ** n;
        }
      } else {
        this.TI = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this._getLrCalledWithinStep = true;
    let values: number[];
    try {
      values = this.getLr();
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = values[i];
      if (this.verbose) printLr('adjusting', i, values[i], epoch);
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }
}
