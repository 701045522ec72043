// torch.distributed's benchmark (issue 17): all-reduce latency and bandwidth between 2
// processes on this machine, and a DDP training step at 1 and 2 processes.
//   node --import tsx bench/distributed.ts            prints a table (runs the ranks itself)
// On a 2-core machine 2 processes share the cores: the point is overhead and overlap, not
// speed-up. Every figure is the median of repeats after warm-up.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import * as vision from '../src/vision/index.js';

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const BATCH = 64;

function worker(): void {
  const d = torch.distributed;
  d.initProcessGroup('gloo', { timeout: 60_000 });
  const rank = d.getRank();
  const world = d.getWorldSize();
  const out: Record<string, number> = {};
  const timeAllReduce = (t: Tensor, repeats: number): number => {
    const times: number[] = [];
    for (let k = 0; k < repeats + 2; k++) {
      d.barrier();
      const t0 = performance.now();
      d.allReduce(t);
      if (k >= 2) times.push(performance.now() - t0);
    }
    return median(times);
  };
  if (world > 1) for (const n of [1e3, 1e5, 1e6, 1e7]) out[`allreduce ${n}`] = timeAllReduce(torch.ones([n]), n >= 1e7 ? 5 : 15);
  // A LeNet-5 step on random data (batch 64 per process): plain, then under DDP.
  torch.manualSeed(rank);
  const x = torch.randn([BATCH, 1, 28, 28]);
  const y = torch.randint(0, 10, [BATCH]);
  const stepTime = (model: torch.nn.Module, steps: number): number => {
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const times: number[] = [];
    for (let s = 0; s < steps; s++) {
      d.barrier();
      const t0 = performance.now();
      opt.zeroGrad();
      torch.nn.functional.crossEntropy(model.forward(x) as Tensor, y).backward();
      opt.step();
      times.push(performance.now() - t0);
    }
    return median(times.slice(5));
  };
  stepTime(vision.models.lenet5(), 30); // warm-up: JIT, allocator, thread pool
  out['lenet plain'] = stepTime(vision.models.lenet5(), 45);
  const ddp = new torch.nn.parallel.DistributedDataParallel(vision.models.lenet5());
  out['lenet ddp'] = stepTime(ddp, 45);
  const numel = [...ddp.parameters()].reduce((n, p) => n + p.numel(), 0);
  out['lenet params'] = numel;
  if (world > 1) out['lenet grad allreduce'] = timeAllReduce(torch.ones([numel]), 15);
  if (rank === 0) console.log(JSON.stringify(out));
  d.destroyProcessGroup();
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function job(n: number): Promise<Record<string, number>> {
  const port = await freePort();
  const outs = await Promise.all(
    Array.from({ length: n }, (_, rank) => new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--worker'], {
        env: { ...process.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: String(n) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let s = '';
      c.stdout.on('data', (b: Buffer) => (s += b.toString()));
      c.on('close', (code) => (code === 0 ? resolve(s) : reject(new Error(`rank ${rank} exited with ${code}`))));
    })),
  );
  return JSON.parse(outs[0].trim()) as Record<string, number>;
}

if (process.argv.includes('--worker')) {
  worker();
} else {
  const one = await job(1);
  const two = await job(2);
  const rows: string[][] = [['measure', '1 process', '2 processes']];
  for (const n of [1e3, 1e5, 1e6, 1e7]) {
    const ms = two[`allreduce ${n}`];
    rows.push([`all-reduce ${n.toExponential(0)} float32`, '-', `${ms.toFixed(2)} ms (${((4 * n) / 1e6 / (ms / 1e3)).toFixed(0)} MB/s)`]);
  }
  rows.push([`LeNet-5 step, batch ${BATCH}/process, no DDP (ms)`, one['lenet plain'].toFixed(2), two['lenet plain'].toFixed(2)]);
  rows.push(['LeNet-5 step under DDP (ms)', one['lenet ddp'].toFixed(2), two['lenet ddp'].toFixed(2)]);
  rows.push([`its gradient all-reduce alone (${one['lenet params']} floats, ms)`, '-', two['lenet grad allreduce'].toFixed(2)]);
  const width = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(`| ${r.map((c, i) => c.padEnd(width[i])).join(' | ')} |`);
  console.log(`(${torch.backends.info().active} backend; 2 processes share this machine's cores: overhead and overlap, not speed-up)`);
}
