// pytorch/examples distributed/ddp-tutorial-series/datautils.py
import * as torch from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { Dataset } from '../../../src/utils/data/index.js';

export class MyTrainDataset extends Dataset<[Tensor, Tensor]> {
  size: number;
  data: [Tensor, Tensor][];

  constructor(size: number) {
    super();
    this.size = size;
    this.data = Array.from({ length: size }, (): [Tensor, Tensor] => [torch.rand(20), torch.rand(1)]);
  }

  get length(): number {
    return this.size;
  }

  getItem(index: number): [Tensor, Tensor] {
    return this.data[index];
  }
}
