// Where the CPU went while a page ran its workload (TORCHLETTE_BENCH_CPU=1 bench/chromium.ts,
// Linux only): each thread of every Chromium process under this one, with the CPU time it
// used in that window, from /proc/<pid>/task/<tid>/stat. On a 2-core machine any CPU the
// browser spends outside the page's compute threads (another renderer, GC, compilation)
// is taken from a 2-thread kernel and not from a 1-thread one; this is how the omnibox
// popup's renderer (bench/chromium.ts QUIET) was found.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Per thread, keyed "<process type> <pid>/<tid> <thread name>": CPU milliseconds and minor page faults. */
export type CpuSnapshot = Map<string, { ms: number; faults: number }>;

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** The processes descended from this one (Chromium's browser, renderers, GPU and utility processes). */
function descendants(): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const found = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of rows) if (found.has(ppid) && !found.has(pid)) found.add(pid), (grew = true);
  }
  found.delete(process.pid);
  return [...found];
}

export function cpuSnapshot(): CpuSnapshot {
  const snap: CpuSnapshot = new Map();
  for (const pid of descendants()) {
    let kind: string;
    let tids: string[];
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      kind = (cmd.match(/--type=([a-z-]+)/)?.[1] ?? 'browser') + (cmd.match(/--utility-sub-type=([\w.]+)/) ? ` ${cmd.match(/--utility-sub-type=([\w.]+)/)![1]}` : '');
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // ended meanwhile
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        snap.set(`${kind} ${pid}/${tid} ${name}`, { ms: (Number(f[11]) + Number(f[12])) * TICK_MS, faults: Number(f[7]) }); // utime + stime, minflt
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return snap;
}

/**
 * The threads that used at least 20 ms between the two snapshots, busiest first, and the
 * totals. Minor page faults are counted because a page's fresh ArrayBuffers fault in every
 * page they touch (Chromium returns freed ArrayBuffer memory to the OS; Node's malloc
 * keeps it), at ~12-14 us a fault on this VM: the C2 MLP row's gap to W2 (README).
 */
export function cpuReport(before: CpuSnapshot, after: CpuSnapshot, wallMs: number): string {
  const used = [...after].map(([k, v]) => {
    const b = before.get(k) ?? { ms: 0, faults: 0 };
    return [k, v.ms - b.ms, v.faults - b.faults] as const;
  }).filter(([, d]) => d > 0).sort((a, b) => b[1] - a[1]);
  const total = used.reduce((s, [, d]) => s + d, 0);
  const faults = used.reduce((s, [, , f]) => s + f, 0);
  const lines = used.filter(([, d]) => d >= 20).map(([k, d, f]) => `  ${String(d).padStart(6)} ms ${String(f).padStart(8)} faults  ${k}`);
  return [`CPU time of Chromium's threads while the page ran (${wallMs.toFixed(0)} ms wall, ${total} ms CPU, ${faults} minor page faults):`, ...lines].join('\n');
}
