// What the model fixtures record about a freshly built model (scripts/fixtures/models_extra.py and
// models_all.py): its state_dict layout, a hash of its exact values, parameter count and sums.
import { createHash } from 'node:crypto';
import type { nn } from '../../src/index.js';

export interface ModelFingerprint {
  n_keys: number;
  first_key: string;
  last_key: string;
  layout_sha256: string;
  values_sha256: string;
  repr_sha256: string;
  num_params: number;
  sum: number;
  abs_sum: number;
  /** Per-tensor [sum, abs sum] of the state_dict entries. */
  tensorSums: [number, number][];
}

export function fingerprint(model: nn.Module): ModelFingerprint {
  const sd = model.stateDict();
  const layout = Object.entries(sd).map(([k, v]) => `${k} [${v.shape.join(', ')}] ${v.dtype}`).join('\n');
  const values = createHash('sha256');
  let sum = 0;
  let absSum = 0;
  const tensorSums: [number, number][] = [];
  for (const v of Object.values(sd)) {
    const data = v.contiguous().toTypedArray();
    values.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    let s = 0;
    let a = 0;
    for (const x of data as Iterable<number | bigint>) {
      const n = Number(x);
      s += n;
      a += Math.abs(n);
    }
    tensorSums.push([s, a]);
    sum += s;
    absSum += a;
  }
  const keys = Object.keys(sd);
  return {
    n_keys: keys.length,
    first_key: keys[0],
    last_key: keys[keys.length - 1],
    layout_sha256: createHash('sha256').update(layout).digest('hex'),
    values_sha256: values.digest('hex'),
    repr_sha256: createHash('sha256').update(String(model)).digest('hex'),
    num_params: [...model.parameters()].reduce((n, p) => n + p.numel(), 0),
    sum,
    abs_sum: absSum,
    tensorSums,
  };
}

/** Equal to a relative tolerance (plus 1, so that sums near zero compare absolutely). */
export const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * (Math.abs(b) + 1);

/** Per-tensor sums to 1e-6: trunc_normal_ init, where torchlette's float32 erfinv is a few ulp from PyTorch's in ~20% of draws (up to ~80 in the tails). */
export function assertTensorSums(got: [number, number][], want: [number, number][]): void {
  if (got.length !== want.length) throw new Error(`${got.length} tensors, fixture has ${want.length}`);
  want.forEach(([s, a], i) => {
    const [gs, ga] = got[i];
    if (!(Math.abs(gs - s) <= 1e-6 * (a + 1) && close(ga, a, 1e-6))) throw new Error(`tensor ${i}: sums ${gs}/${ga} vs ${s}/${a}`);
  });
}
