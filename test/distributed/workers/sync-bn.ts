// SyncBatchNorm across the ranks of the job: each rank normalises its share of one seeded global
// batch (rows rank*per .. rank*per+per-1) and backpropagates sum(out * g); rank 0 also runs plain
// BatchNorm2d on the whole batch. Prints JSON per rank: output, input grad, local weight/bias grads
// (summed across ranks here with allReduce), running statistics and the eval output.
import * as torch from '../../../src/index.js';
import { nn } from '../../../src/index.js';

const d = torch.distributed;
d.initProcessGroup('gloo', { timeout: 30_000 });
const rank = d.getRank();
const world = d.getWorldSize();
torch.manualSeed(0);
const per = Number(process.argv[2] ?? 3);
const x = torch.randn([per * world, 4, 3, 2]).mul(2).add(1);
const g = torch.randn([per * world, 4, 3, 2]);

function run(bn: nn.Module, input: torch.Tensor, grad: torch.Tensor) {
  const xi = input.clone().requiresGrad_();
  bn.train();
  const out = bn.forward(xi) as torch.Tensor;
  out.mul(grad).sum().backward();
  const weight = (bn as nn.BatchNorm2d).weight!;
  const bias = (bn as nn.BatchNorm2d).bias!;
  const result = {
    out: out.detach().reshape(-1).tolist() as number[],
    gradInput: xi.grad!.reshape(-1).tolist() as number[],
    gradWeight: weight.grad!,
    gradBias: bias.grad!,
    runningMean: (bn as nn.BatchNorm2d).running_mean!.tolist() as number[],
    runningVar: (bn as nn.BatchNorm2d).running_var!.tolist() as number[],
  };
  bn.eval();
  const evalOut = torch.noGrad(() => bn.forward(input) as torch.Tensor).reshape(-1).tolist() as number[];
  return { ...result, evalOut };
}

torch.manualSeed(1);
const model = nn.SyncBatchNorm.convertSyncBatchnorm(new nn.Sequential(new nn.BatchNorm2d(4, { momentum: 0.3 })));
const sync = (model as nn.Sequential).get(0) as nn.SyncBatchNorm;
const mine = run(sync, x.narrow(0, rank * per, per), g.narrow(0, rank * per, per));
d.allReduce(mine.gradWeight);
d.allReduce(mine.gradBias);
const report: Record<string, unknown> = {
  rank,
  isSync: sync instanceof nn.SyncBatchNorm,
  ...mine,
  gradWeight: mine.gradWeight.tolist(),
  gradBias: mine.gradBias.tolist(),
};
if (rank === 0) {
  const ref = run(new nn.BatchNorm2d(4, { momentum: 0.3 }), x, g);
  report.ref = { ...ref, gradWeight: ref.gradWeight.tolist(), gradBias: ref.gradBias.tolist() };
}
console.log(JSON.stringify(report));
d.destroyProcessGroup();
