// A progress bar for training loops: batches done, loss, samples/s and ETA, redrawn in
// place on a terminal; on a pipe or log file (CI) a plain line every 10% instead.
import { formatDuration } from './cli.js';

export class Progress {
  private readonly start = performance.now();
  private readonly tty = process.stdout.isTTY === true;
  private lastDraw = 0;
  private nextPlain: number;
  samples = 0;

  constructor(
    readonly total: number,
    readonly label = '',
  ) {
    this.nextPlain = Math.max(1, Math.ceil(total / 10));
  }

  get seconds(): number {
    return (performance.now() - this.start) / 1000;
  }

  /** Call after each batch: `done` batches so far, `samples` items in this batch, and what to show (e.g. the loss). */
  update(done: number, samples: number, info: string): void {
    this.samples += samples;
    const now = performance.now();
    const last = done === this.total;
    if (this.tty) {
      if (!last && now - this.lastDraw < 100) return; // redraw at most 10 times a second
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round((width * done) / this.total);
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      process.stdout.write(`\r${this.label}[${bar}] ${this.line(done, info)}\x1b[K`);
    } else if (done >= this.nextPlain || last) {
      this.nextPlain = done + Math.max(1, Math.ceil(this.total / 10));
      console.log(`${this.label}${this.line(done, info)}`);
    }
  }

  /** Ends the bar's line on a terminal. */
  finish(): void {
    if (this.tty) process.stdout.write('\n');
  }

  private line(done: number, info: string): string {
    const t = this.seconds;
    const rate = this.samples / Math.max(t, 1e-9);
    const eta = done > 0 ? ((this.total - done) * t) / done : NaN;
    return `${String(done).padStart(String(this.total).length)}/${this.total}  ${info}  ${rate.toFixed(0)} samples/s  ETA ${formatDuration(eta)}`;
  }
}
