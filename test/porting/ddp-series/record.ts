// What each rank of the ddp-series ports records besides its printed lines (the fixture script's
// LOG): batch losses, DistributedSampler orders, ...; written with the final parameters to
// $DDP_SERIES_OUT/rank{r}.json for test/porting/ddp-series.test.ts to compare.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../../../src/index.js';

export const LOG: Record<string, unknown[]> & { losses: number[]; orders: number[][]; eval_losses: number[] } = { losses: [], orders: [], eval_losses: [] };

export interface StateJson {
  shape: number[];
  data: number[];
}

export function stateJson(sd: Record<string, Tensor>): Record<string, StateJson> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.detach().contiguous().toTypedArray(), Number) }]));
}

export function dump(out: string, rank: number, sd: Record<string, Tensor>): void {
  writeFileSync(join(out, `rank${rank}.json`), JSON.stringify({ final: stateJson(sd), ...LOG }));
}
