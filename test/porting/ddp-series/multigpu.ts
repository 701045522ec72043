// pytorch/examples distributed/ddp-tutorial-series/multigpu.py, one process of mp.spawn's two:
//   node --import tsx multigpu.ts RANK WORLD_SIZE SAVE_EVERY TOTAL_EPOCHS BATCH_SIZE PORT OUT LOSS
// (torchlette has no torch.multiprocessing.spawn; test/porting/ddp-series.test.ts starts the
// processes and passes what mp.spawn would pass to main). 'cuda' is the CPU and "nccl" is "gloo",
// as in scripts/fixtures/porting_ddp_series.py; LOSS is cross_entropy (the program) or mse_loss.
import * as torch from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { DataLoader, Dataset } from '../../../src/utils/data/index.js';
import { DistributedSampler } from '../../../src/utils/data/index.js';
import { MyTrainDataset } from './datautils.js';
import { dump, LOG } from './record.js';

const F = torch.nn.functional;
const DDP = torch.nn.parallel.DistributedDataParallel;
const { initProcessGroup, destroyProcessGroup } = torch.distributed;
const print = console.log;
let lossFn: (input: Tensor, target: Tensor) => Tensor = F.crossEntropy;

function ddpSetup(rank: number, worldSize: number, port: number): void {
  // Args:
  //     rank: Unique identifier of each process
  //     world_size: Total number of processes
  process.env.MASTER_ADDR = 'localhost';
  process.env.MASTER_PORT = String(port);
  initProcessGroup({ backend: 'gloo', rank, worldSize });
}

class Trainer {
  gpuId: number;
  model: torch.nn.Module;
  trainData: DataLoader<[Tensor, Tensor], [Tensor, Tensor]>;
  optimizer: torch.optim.Optimizer;
  saveEvery: number;

  constructor(model: torch.nn.Module, trainData: DataLoader<[Tensor, Tensor], [Tensor, Tensor]>, optimizer: torch.optim.Optimizer, gpuId: number, saveEvery: number) {
    this.gpuId = gpuId;
    this.model = model.to('cpu');
    this.trainData = trainData;
    this.optimizer = optimizer;
    this.saveEvery = saveEvery;
    this.model = new DDP(model);
  }

  _runBatch(source: Tensor, targets: Tensor): void {
    this.optimizer.zeroGrad();
    const output = this.model.forward(source) as Tensor;
    const loss = lossFn(output, targets);
    loss.backward();
    this.optimizer.step();
    LOG.losses.push(Number(loss.item()));
  }

  _runEpoch(epoch: number): void {
    const bSz = (this.trainData[Symbol.iterator]().next().value as [Tensor, Tensor])[0].size(0);
    print(`[GPU${this.gpuId}] Epoch ${epoch} | Batchsize: ${bSz} | Steps: ${this.trainData.length}`);
    (this.trainData.sampler as DistributedSampler).setEpoch(epoch);
    LOG.orders.push([...(this.trainData.sampler as DistributedSampler)]);
    for (let [source, targets] of this.trainData) {
      source = source.to('cpu');
      targets = targets.to('cpu');
      this._runBatch(source, targets);
    }
  }

  _saveCheckpoint(epoch: number): void {
    const ckp = (this.model as InstanceType<typeof DDP>).module.stateDict();
    const PATH = 'checkpoint.pt';
    torch.save(ckp, PATH);
    print(`Epoch ${epoch} | Training checkpoint saved at ${PATH}`);
  }

  train(maxEpochs: number): void {
    for (let epoch = 0; epoch < maxEpochs; epoch++) {
      this._runEpoch(epoch);
      if (this.gpuId === 0 && epoch % this.saveEvery === 0) {
        this._saveCheckpoint(epoch);
      }
    }
  }
}

function loadTrainObjs(): [MyTrainDataset, torch.nn.Linear, torch.optim.SGD] {
  const trainSet = new MyTrainDataset(64); // load your dataset
  const model = new torch.nn.Linear(20, 1); // load your model
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-3 });
  return [trainSet, model, optimizer];
}

function prepareDataloader(dataset: Dataset<[Tensor, Tensor]>, batchSize: number): DataLoader<[Tensor, Tensor], [Tensor, Tensor]> {
  return new DataLoader(dataset, {
    batchSize,
    pinMemory: true,
    shuffle: false,
    sampler: new DistributedSampler(dataset),
  });
}

function main(rank: number, worldSize: number, saveEvery: number, totalEpochs: number, batchSize: number, port: number, out: string, lossName: string): void {
  lossFn = lossName === 'mse_loss' ? F.mseLoss : F.crossEntropy;
  torch.manualSeed(rank);
  ddpSetup(rank, worldSize, port);
  const [dataset, model, optimizer] = loadTrainObjs();
  const trainData = prepareDataloader(dataset, batchSize);
  const trainer = new Trainer(model, trainData, optimizer, rank, saveEvery);
  trainer.train(totalEpochs);
  destroyProcessGroup();
  dump(out, rank, model.stateDict());
}

const [rank, worldSize, saveEvery, totalEpochs, batchSize, port] = process.argv.slice(2, 8).map(Number);
main(rank, worldSize, saveEvery, totalEpochs, batchSize, port, process.argv[8], process.argv[9]);
