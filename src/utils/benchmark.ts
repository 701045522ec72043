// torch.utils.benchmark: Timer and Measurement as PyTorch 1.13's (utils/timer.py, utils/common.py).
// The statement is a function instead of a string of Python code (its source, as
// Function.prototype.toString gives it after compilation, is what the
// Measurement prints where PyTorch prints the string); `setup` likewise, run before each timed
// block as timeit runs it. Compare, Fuzzer and the callgrind collectors are not here.
import { getNumThreads, setNumThreads } from '../backend/index.js';
import { tensor } from '../tensor/create.js';

const IQR_WARN_THRESHOLD = 0.1;
const IQR_GROSS_WARN_THRESHOLD = 0.25;
const MIN_CONFIDENCE_INTERVAL = 25e-9;
const MAX_SIGNIFICANT_FIGURES = 4;

/** The source of `() => expr` or `() => { body }` as the Python statement PyTorch would print. */
function sourceOf(fn: (() => unknown) | undefined): string {
  if (fn === undefined) return 'pass';
  const src = fn.toString().trim();
  const arrow = /^(?:async\s*)?\(\s*\)\s*=>\s*([\s\S]*)$/.exec(src);
  if (arrow === null) return src;
  const body = arrow[1].trim();
  if (!body.startsWith('{')) return body;
  const lines = body.slice(1, -1).split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n').trim();
}

const indentLines = (text: string, prefix: string) => text.split('\n').map((l) => (l.trim() ? prefix + l : l)).join('\n');

/** What a Timer measures and how its results are labelled (PyTorch's TaskSpec). */
export class TaskSpec {
  constructor(
    readonly stmt: string,
    readonly setup: string,
    readonly label: string | null = null,
    readonly subLabel: string | null = null,
    readonly description: string | null = null,
    readonly env: string | null = null,
    readonly numThreads = 1,
  ) {}

  /** Best effort attempt at a string label for the measurement. */
  get title(): string {
    if (this.label !== null) return this.label + (this.subLabel ? `: ${this.subLabel}` : '');
    if (!this.stmt.includes('\n')) return this.stmt + (this.subLabel ? `: ${this.subLabel}` : '');
    return `stmt:${this.subLabel ? ` (${this.subLabel})` : ''}\n${indentLines(this.stmt, '  ')}`;
  }

  setupStr(): string {
    if (this.setup === 'pass' || !this.setup) return '';
    return this.setup.includes('\n') ? `setup:\n${indentLines(this.setup, '  ')}` : `setup: ${this.setup}`;
  }

  summarize(): string {
    return [this.title, this.description ?? '', this.setupStr()].filter((s) => s).map((s) => (s.includes('\n') ? `${s}\n` : s)).join('\n');
  }
}

/** torch.quantile of sorted float64 values (linear interpolation, torch.lerp's two formulas). */
function quantile(sorted: readonly number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank), hi = Math.ceil(rank), w = rank - lo;
  const a = sorted[lo], b = sorted[hi];
  return w < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}

/** The unit and scale for printing a time in seconds (select_unit). */
export function selectUnit(t: number): [string, number] {
  const k = Math.floor(Math.fround(Math.log10(Math.fround(t))) / 3);
  const unit = k === -3 ? 'ns' : k === -2 ? 'us' : k === -1 ? 'ms' : 's';
  return [unit, { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1 }[unit]!];
}

/** The result of a Timer measurement: one or more timed blocks of `numberPerRun` runs each. */
export class Measurement {
  private sortedTimes: number[] = [];
  private warnings: string[] = [];
  private medianValue = -1;
  private meanValue = -1;
  private p25 = -1;
  private p75 = -1;

  constructor(
    readonly numberPerRun: number,
    readonly rawTimes: number[],
    readonly taskSpec: TaskSpec,
    public metadata: Record<string, unknown> | null = null,
  ) {}

  /** Seconds per run of each block. */
  get times(): number[] {
    return this.rawTimes.map((t) => t / this.numberPerRun);
  }
  get median(): number {
    this.lazyInit();
    return this.medianValue;
  }
  get mean(): number {
    this.lazyInit();
    return this.meanValue;
  }
  get iqr(): number {
    this.lazyInit();
    return this.p75 - this.p25;
  }
  get stmt(): string {
    return this.taskSpec.stmt;
  }
  get label(): string | null {
    return this.taskSpec.label;
  }
  get subLabel(): string | null {
    return this.taskSpec.subLabel;
  }
  get description(): string | null {
    return this.taskSpec.description;
  }
  get numThreads(): number {
    return this.taskSpec.numThreads;
  }
  get title(): string {
    return this.taskSpec.title;
  }
  get env(): string {
    return this.taskSpec.env ?? 'Unspecified env';
  }
  get asRowName(): string {
    return this.taskSpec.subLabel || this.taskSpec.stmt || '[Unknown]';
  }

  /** Approximate significant figures, from the interquartile points (z = 1.645), as PyTorch's (float32 statistics). */
  get significantFigures(): number {
    this.lazyInit();
    const n = this.sortedTimes.length;
    const points = this.sortedTimes.slice(Math.floor(n / 4), Math.ceil(Math.fround((3 * n) / 4)));
    const std = Number(tensor(points).std({ unbiased: false }).item());
    const sqrtN = Math.fround(Math.sqrt(points.length));
    const ci = Math.max((1.645 * std) / sqrtN, MIN_CONFIDENCE_INTERVAL);
    const relative = Math.fround(Math.log10(Math.fround(this.medianValue / ci)));
    return Math.min(Math.max(Math.floor(relative), 1), MAX_SIGNIFICANT_FIGURES);
  }

  get hasWarnings(): boolean {
    this.lazyInit();
    return this.warnings.length > 0;
  }

  meetsConfidence(threshold = IQR_WARN_THRESHOLD): boolean {
    return this.iqr / this.median < threshold;
  }

  private lazyInit(): void {
    if (this.rawTimes.length === 0 || this.sortedTimes.length > 0) return;
    this.sortedTimes = this.times.sort((a, b) => a - b);
    this.medianValue = quantile(this.sortedTimes, 0.5);
    this.meanValue = this.sortedTimes.reduce((s, t) => s + t, 0) / this.sortedTimes.length;
    this.p25 = quantile(this.sortedTimes, 0.25);
    this.p75 = quantile(this.sortedTimes, 0.75);
    const warn = (msg: string) =>
      this.warnings.push(`  WARNING: Interquartile range is ${((this.iqr / this.median) * 100).toFixed(1)}% of the median measurement.\n           ${msg}`);
    if (!this.meetsConfidence(IQR_GROSS_WARN_THRESHOLD)) warn('This suggests significant environmental influence.');
    else if (!this.meetsConfidence(IQR_WARN_THRESHOLD)) warn('This could indicate system fluctuation.');
  }

  /** PyTorch's repr, its first line without Python's object address. */
  toString(): string {
    this.lazyInit();
    const n = this.sortedTimes.length;
    const [unit, scale] = selectUnit(this.medianValue);
    const f = (t: number) => (t / scale).toFixed(2);
    const threads = this.numThreads;
    const lines = [
      '<torch.utils.benchmark.utils.common.Measurement object>',
      ...this.taskSpec.summarize().split('\n'),
      `  ${n > 1 ? 'Median: ' : ''}${f(this.medianValue)} ${unit}`,
      ...(n >= 4 ? [`  IQR:    ${f(this.iqr)} ${unit} (${f(this.p25)} to ${f(this.p75)})`] : []),
      `  ${n} measurement${n > 1 ? 's' : ''}, ${this.numberPerRun} runs ${n > 1 ? 'per measurement,' : ','} ${threads} thread${threads > 1 ? 's' : ''}`,
      ...this.warnings.join('\n').split('\n'),
    ];
    return lines.join('\n').trim();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Merges replicates of one task into a Measurement of numberPerRun 1 each (metadata dropped). */
  static merge(measurements: Iterable<Measurement>): Measurement[] {
    // task specs compare by value (PyTorch's is a frozen dataclass)
    const groups = new Map<string, [TaskSpec, number[]]>();
    for (const m of measurements) {
      const s = m.taskSpec;
      const key = JSON.stringify([s.stmt, s.setup, s.label, s.subLabel, s.description, s.env, s.numThreads]);
      const group = groups.get(key) ?? [s, []];
      group[1].push(...m.times);
      groups.set(key, group);
    }
    return [...groups.values()].map(([spec, times]) => new Measurement(1, times, spec));
  }
}

export interface TimerOptions {
  /** Run before each timed block (timeit's setup). */
  setup?: () => unknown;
  /** A clock in seconds (default performance.now() / 1000), as PyTorch's timer=. */
  timer?: () => number;
  label?: string | null;
  subLabel?: string | null;
  description?: string | null;
  env?: string | null;
  /** torch threads while timing (then restored); PyTorch's default is 1. */
  numThreads?: number;
}

/**
 * torch.utils.benchmark.Timer(stmt, setup, timer, globals, label, sub_label, description, env,
 * num_threads): `stmt` is a function here (what the statement string would run).
 */
export class Timer {
  readonly taskSpec: TaskSpec;
  private readonly stmtFn: () => unknown;
  private readonly setupFn: (() => unknown) | undefined;
  private readonly timer: () => number;

  constructor(stmt: () => unknown, options: TimerOptions = {}) {
    if (typeof stmt !== 'function') throw new TypeError('Timer(): stmt must be a function (the statement PyTorch takes as a string)');
    this.stmtFn = stmt;
    this.setupFn = options.setup;
    this.timer = options.timer ?? (() => performance.now() / 1000);
    this.taskSpec = new TaskSpec(sourceOf(stmt), sourceOf(options.setup), options.label ?? null, options.subLabel ?? null,
      options.description ?? null, options.env ?? null, options.numThreads ?? 1);
  }

  /** timeit.Timer.timeit: setup once, then the seconds `number` runs of stmt take. */
  private timeBlock(number: number): number {
    this.setupFn?.();
    const t0 = this.timer();
    for (let i = 0; i < number; i++) this.stmtFn();
    return this.timer() - t0;
  }

  private withThreads<T>(f: () => T): T {
    const prior = getNumThreads();
    try {
      setNumThreads(this.taskSpec.numThreads);
      return f();
    } finally {
      setNumThreads(prior);
    }
  }

  /** One block of `number` runs after a warm-up of number / 100 (at least 2), as timeit.Timer.timeit. */
  timeit(number = 1000000): Measurement {
    return this.withThreads(() => {
      this.timeBlock(Math.max(Math.floor(number / 100), 2));
      return new Measurement(number, [this.timeBlock(number)], this.taskSpec);
    });
  }

  private estimateBlockSize(minRunTime: number): number {
    return this.withThreads(() => {
      const overheads = Array.from({ length: 5 }, () => this.timeBlock(0)).sort((a, b) => a - b);
      const overhead = overheads[2];
      let number = 1;
      for (;;) {
        const taken = this.timeBlock(number);
        if (overhead / taken <= 1e-4 && taken >= minRunTime / 1000) break;
        if (taken > minRunTime) break;
        if (number * 10 > 2147483647) break;
        number *= 10;
      }
      return number;
    });
  }

  private measurementLoop(number: number, stop: (times: number[]) => boolean, minRunTime: number, maxRunTime: number | null,
    callback?: (number: number, timeSpent: number) => void): number[] {
    return this.withThreads(() => {
      let total = 0;
      let canStop = false;
      const times: number[] = [];
      while (total < minRunTime || !canStop) {
        const spent = this.timeBlock(number);
        times.push(spent);
        total += spent;
        callback?.(number, spent);
        canStop = stop(times);
        if (maxRunTime && total > maxRunTime) break;
      }
      return times;
    });
  }

  /** Blocks sized so the timer's overhead is negligible, repeated for at least minRunTime seconds. */
  blockedAutorange(options: { callback?: (number: number, timeSpent: number) => void; minRunTime?: number } = {}): Measurement {
    const minRunTime = options.minRunTime ?? 0.2;
    const number = this.estimateBlockSize(minRunTime);
    const times = this.measurementLoop(number, () => true, minRunTime, null, options.callback);
    return new Measurement(number, times, this.taskSpec);
  }

  /** Blocks until the interquartile range is within `threshold` of the median (or maxRunTime). */
  adaptiveAutorange(threshold = 0.1, options: { minRunTime?: number; maxRunTime?: number; callback?: (number: number, timeSpent: number) => void } = {}): Measurement {
    const number = this.estimateBlockSize(0.05);
    const stop = (times: number[]) => times.length > 3 && new Measurement(number, times, this.taskSpec).meetsConfidence(threshold);
    const times = this.measurementLoop(number, stop, options.minRunTime ?? 0.01, options.maxRunTime ?? 10, options.callback);
    return new Measurement(number, times, this.taskSpec);
  }
}
