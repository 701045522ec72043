// A script for torchlette-run's tests: reports its environment, all-reduces, then (with
// --train) trains a small DDP model until stopped, or (with --throw-on R) fails on rank R.
import * as torch from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';

const d = torch.distributed;
d.initProcessGroup('gloo', { timeout: 10_000 });
const rank = d.getRank();
console.log(`pid ${process.pid} rank ${process.env.RANK} local ${process.env.LOCAL_RANK} world ${process.env.WORLD_SIZE} args ${process.argv.slice(2).join(' ')}`);
const t = torch.ones([3]);
d.allReduce(t);
console.log(`sum ${(t.tolist() as number[]).join(',')}`);
const throwOn = process.argv.indexOf('--throw-on');
if (throwOn >= 0 && Number(process.argv[throwOn + 1]) === rank) throw new Error(`boom on rank ${rank}`);
if (process.argv.includes('--train')) {
  const model = new torch.nn.parallel.DistributedDataParallel(new torch.nn.Linear(8, 2));
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
  for (let step = 0; ; step++) {
    opt.zeroGrad();
    (model.forward(torch.randn([4, 8])) as Tensor).pow(2).mean().backward();
    opt.step();
    if (step === 3) console.log('training');
    await new Promise((r) => setTimeout(r, 5));
  }
}
d.destroyProcessGroup();
