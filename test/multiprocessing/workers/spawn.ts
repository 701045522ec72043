// A program for spawn.test.ts, written as the DDP tutorial writes its entry point:
// mp.spawn(main, args=(world_size, ...), nprocs=world_size). Modes (argv[2]):
// ok: each rank prints its arguments; raise: rank 1 throws; exit: rank 0 exits with code 3;
// ddp: two ranks train a DDP model over Gloo and rank 0 prints the parameters;
// twice: two spawn calls in a row, each rank printing which one it runs.
import * as torch from '../../../src/index.js';

const mp = torch.multiprocessing;
const mode = process.argv[2];
console.log(`top ${process.env.TORCHLETTE_MP_SPAWN ?? 'parent'}`);

async function main(rank: number, worldSize: number, tag: string): Promise<void> {
  if (mode === 'raise' && rank === 1) throw new Error(`boom on rank ${rank}`);
  if (mode === 'exit' && rank === 0) process.exit(3);
  if (mode === 'ddp') {
    process.env.MASTER_ADDR = '127.0.0.1';
    torch.distributed.initProcessGroup('gloo', { rank, worldSize });
    torch.manualSeed(rank);
    const model = new torch.nn.parallel.DistributedDataParallel(new torch.nn.Linear(4, 2));
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      (model.forward(torch.randn([8, 4])) as torch.Tensor).pow(2).mean().backward();
      opt.step();
    }
    if (rank === 0) console.log(`params ${JSON.stringify([...model.parameters()].map((p) => p.detach().sum().item()))}`);
    torch.distributed.destroyProcessGroup();
    return;
  }
  console.log(`rank ${rank} of ${worldSize} ${tag}`);
}

if (mode === 'ddp') process.env.MASTER_PORT = process.argv[3];
if (mode === 'twice') {
  await mp.spawn((rank: number) => console.log(`first ${rank}`), { nprocs: 2 });
  await mp.spawn((rank: number) => console.log(`second ${rank}`), { nprocs: 2 });
  console.log('parent done');
} else {
  try {
    await mp.spawn(main, { args: [2, 'x'], nprocs: 2 });
    console.log('parent done');
  } catch (e) {
    console.log(`parent caught ${(e as Error).name}: ${(e as Error).message.split('\n').filter((l) => l).slice(0, 2).join(' | ')}`);
  }
}
