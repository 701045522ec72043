// pytorch/examples distributed/ddp-tutorial-series/multigpu_torchrun.py, started by
//   npx torchlette-run --standalone --nproc-per-node 2 multigpu_torchrun.ts OUT SAVE_EVERY TOTAL_EPOCHS BATCH_SIZE
// ('cuda' is the CPU and "nccl" is "gloo", as in scripts/fixtures/porting_ddp_series.py).
import { existsSync } from 'node:fs';
import * as torch from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { DataLoader, Dataset, DistributedSampler } from '../../../src/utils/data/index.js';
import { MyTrainDataset } from './datautils.js';
import { dump, LOG } from './record.js';

const F = torch.nn.functional;
const DDP = torch.nn.parallel.DistributedDataParallel;
const { initProcessGroup, destroyProcessGroup } = torch.distributed;
const print = console.log;

function ddpSetup(): void {
  // torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
  initProcessGroup({ backend: 'gloo' });
}

class Trainer {
  gpuId: number;
  model: torch.nn.Module;
  trainData: DataLoader<[Tensor, Tensor], [Tensor, Tensor]>;
  optimizer: torch.optim.Optimizer;
  saveEvery: number;
  epochsRun: number;
  snapshotPath: string;

  constructor(model: torch.nn.Module, trainData: DataLoader<[Tensor, Tensor], [Tensor, Tensor]>, optimizer: torch.optim.Optimizer, saveEvery: number, snapshotPath: string) {
    this.gpuId = Number(process.env.LOCAL_RANK);
    this.model = model.to('cpu');
    this.trainData = trainData;
    this.optimizer = optimizer;
    this.saveEvery = saveEvery;
    this.epochsRun = 0;
    this.snapshotPath = snapshotPath;
    if (existsSync(snapshotPath)) {
      print('Loading snapshot');
      this._loadSnapshot(snapshotPath);
    }

    this.model = new DDP(this.model);
  }

  _loadSnapshot(snapshotPath: string): void {
    const loc = 'cpu'; // f"cuda:{self.gpu_id}"
    const snapshot = torch.load(snapshotPath, { mapLocation: loc }) as { MODEL_STATE: Record<string, Tensor>; EPOCHS_RUN: number };
    this.model.loadStateDict(snapshot.MODEL_STATE);
    this.epochsRun = snapshot.EPOCHS_RUN;
    print(`Resuming training from snapshot at Epoch ${this.epochsRun}`);
  }

  _runBatch(source: Tensor, targets: Tensor): void {
    this.optimizer.zeroGrad();
    const output = this.model.forward(source) as Tensor;
    const loss = F.crossEntropy(output, targets);
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

  _saveSnapshot(epoch: number): void {
    const snapshot = {
      MODEL_STATE: (this.model as InstanceType<typeof DDP>).module.stateDict(),
      EPOCHS_RUN: epoch,
    };
    torch.save(snapshot, this.snapshotPath);
    print(`Epoch ${epoch} | Training snapshot saved at ${this.snapshotPath}`);
  }

  train(maxEpochs: number): void {
    for (let epoch = this.epochsRun; epoch < maxEpochs; epoch++) {
      this._runEpoch(epoch);
      if (this.gpuId === 0 && epoch % this.saveEvery === 0) {
        this._saveSnapshot(epoch);
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

function main(saveEvery: number, totalEpochs: number, batchSize: number, out: string, snapshotPath = 'snapshot.pt'): void {
  const rank = Number(process.env.RANK);
  torch.manualSeed(rank);
  ddpSetup();
  const [dataset, model, optimizer] = loadTrainObjs();
  const trainData = prepareDataloader(dataset, batchSize);
  const trainer = new Trainer(model, trainData, optimizer, saveEvery, snapshotPath);
  trainer.train(totalEpochs);
  destroyProcessGroup();
  dump(out, rank, model.stateDict());
}

const [out, saveEvery, totalEpochs, batchSize] = process.argv.slice(2);
main(Number(saveEvery), Number(totalEpochs), Number(batchSize), out);
