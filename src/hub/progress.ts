// The download progress that torch.hub shows on stderr (a tqdm bar): redrawn in place on
// a terminal; on a pipe or a log file a plain line at every 10% instead, so logs stay short.
import { stderrStream } from '#platform/os';

/** tqdm's unit_scale with unit_divisor=1024: three significant digits and a k/M/G/T prefix. */
export function formatBytes(n: number): string {
  let value = n;
  for (const unit of ['', 'k', 'M', 'G', 'T']) {
    if (Math.abs(value) < 999.5) {
      const digits = Math.abs(value) < 9.995 ? 2 : Math.abs(value) < 99.95 ? 1 : 0;
      return `${value.toFixed(digits)}${unit}B`;
    }
    value /= 1024;
  }
  return `${value.toFixed(1)}PB`;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const total = Math.round(s);
  const mm = String(Math.floor(total / 60) % 60).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return total >= 3600 ? `${Math.floor(total / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): boolean;
}

export class DownloadProgress {
  private readonly start = performance.now();
  private readonly tty: boolean;
  private nextTenth = 1;
  private lastTotal: number | null = null;
  private received = 0;
  private drawn = false;

  constructor(private readonly stream: ProgressStream = stderrStream() as ProgressStream) {
    this.tty = stream.isTTY === true;
  }

  update(received: number, total: number | null): void {
    this.received = received;
    this.lastTotal = total;
    if (this.tty) {
      this.stream.write(`\r${this.line(received, total)}\x1b[K`);
      this.drawn = true;
      return;
    }
    if (total === null || total <= 0) return;
    const tenth = Math.floor((10 * received) / total);
    if (tenth >= this.nextTenth) {
      this.nextTenth = tenth + 1;
      this.stream.write(`${this.line(received, total)}\n`);
    }
  }

  /** Ends the bar's line; after a complete download piped without a known size, says how much arrived. */
  finish(completed = true): void {
    if (this.tty) {
      if (this.drawn) this.stream.write('\n');
    } else if (completed && (this.lastTotal === null || this.lastTotal <= 0)) {
      this.stream.write(`${this.line(this.received, null)}\n`);
    }
  }

  private line(received: number, total: number | null): string {
    const seconds = (performance.now() - this.start) / 1000;
    const rate = received / Math.max(seconds, 1e-9);
    if (total === null || total <= 0) return `${formatBytes(received)} [${formatSeconds(seconds)}, ${formatBytes(rate)}/s]`;
    const fraction = Math.min(1, received / total);
    const width = 20;
    const filled = Math.round(width * fraction);
    const eta = rate > 0 ? (total - received) / rate : NaN;
    const percent = `${Math.floor(100 * fraction)}%`.padStart(4);
    const bar = this.tty ? `|${'#'.repeat(filled)}${' '.repeat(width - filled)}|` : '';
    return `${percent}${bar} ${formatBytes(received)}/${formatBytes(total)} [${formatSeconds(seconds)}<${formatSeconds(eta)}, ${formatBytes(rate)}/s]`;
  }
}
