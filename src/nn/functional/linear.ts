import { linear } from '../../ops/matmul.js';
import type { Tensor } from '../../tensor/tensor.js';

export { linear };

/** y = x1^T A x2 + b for each output feature (weight [out, in1, in2]). */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (x1.shape[x1.dim() - 1] !== weight.shape[1] || x2.shape[x2.dim() - 1] !== weight.shape[2]) {
    throw new RangeError(
      `bilinear(): input sizes [${x1.shape[x1.dim() - 1]}, ${x2.shape[x2.dim() - 1]}] do not match weight [${weight.shape.join(', ')}]`,
    );
  }
  // (…, in1) x (out, in1, in2) -> (…, out, in2), then contract with x2 (…, in2).
  const lead = x1.shape.slice(0, -1);
  const a = x1.reshape(-1, weight.shape[1]);
  const b = x2.reshape(-1, weight.shape[2]);
  const t = a.matmul(weight.permute(1, 0, 2).reshape(weight.shape[1], -1)).view(-1, weight.shape[0], weight.shape[2]);
  let out = t.mul(b.unsqueeze(1)).sum(2);
  if (bias !== undefined && bias !== null) out = out.add(bias);
  return out.reshape([...lead, weight.shape[0]]);
}
