// max_unpool{2,3}d and fractional_max_pool{2,3}d composed from gather / scatter / max
// (native kernels, differentiable through their own backward nodes). Only small index
// tensors (one entry per output row / column / depth of each plane) are built here.
import { arange, zeros } from '../tensor/create.js';
import { scalarTypeName } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { cat } from './join.js';

const DIM_NAMES: Record<number, string> = { 2: '(height, width)', 3: '(depth, height, width)' };

/**
 * at::max_unpool2d / max_unpool3d: each input value written at its flat index into a zero
 * output plane of `outputSize` (the inverse of max pooling's argmax).
 */
export function maxUnpool(input: Tensor, indices: Tensor, outputSize: readonly number[], spatial: 2 | 3): Tensor {
  const op = `max_unpooling${spatial}d`;
  if (indices.dtype !== 'int64') throw new TypeError(`elements in indices should be type int64 but got: ${scalarTypeName(indices.dtype)}`);
  if (outputSize.length !== spatial) {
    throw new RangeError(`There should be exactly ${spatial === 2 ? 'two' : 'three'} elements ${DIM_NAMES[spatial]} in output_size, but got ${outputSize.length} elements.`);
  }
  const nd = input.dim();
  if (nd !== spatial + 1 && nd !== spatial + 2) {
    throw new RangeError(`Input to ${op} should be a ${spatial + 1}d or ${spatial + 2}d Tensor, but got a tensor with ${nd} dimensions.`);
  }
  if (formatShape(input.shape) !== formatShape(indices.shape)) {
    throw new RangeError(
      `Expected shape of indices to be same as that of the input tensor (${formatShape(input.shape)}) but got indices tensor with shape: ${formatShape(indices.shape)}`,
    );
  }
  const lead = input.shape.slice(0, nd - spatial);
  const volume = outputSize.reduce((a, b) => a * b, 1);
  if (indices.numel() > 0) {
    const hi = indices.max().item();
    const lo = indices.min().item();
    if (hi >= volume || lo < 0) {
      throw new RangeError(`Found an invalid max index: ${hi >= volume ? hi : lo} (output volumes are of size ${outputSize.join('x')}`);
    }
  }
  const flatIn = input.reshape([...lead, -1]);
  const out = zeros([...lead, volume], { dtype: input.dtype }).scatter(lead.length, indices.reshape([...lead, -1]), flatIn);
  return out.view([...lead, ...outputSize]);
}

/**
 * PyTorch's generate_intervals for every plane at once: window starts
 * trunc((i + u) * alpha) - trunc(u * alpha), the last one at inputSize - poolSize,
 * computed in the samples' dtype as ATen computes them in scalar_t.
 */
function intervals(u: Tensor, inputSize: number, outputSize: number, poolSize: number): Tensor {
  const last = zeros([...u.shape, 1], { dtype: 'int64' }).add(inputSize - poolSize);
  if (outputSize <= 1) return last.narrow(-1, 0, outputSize);
  const alpha = (inputSize - poolSize) / (outputSize - 1);
  const alphaT = zeros([], { dtype: u.dtype }).add(alpha);
  const i = arange(outputSize - 1, { dtype: u.dtype });
  const us = u.unsqueeze(-1);
  const starts = i.add(us).mul(alphaT).trunc().sub(us.mul(alphaT).trunc()).to('int64');
  return cat([starts, last], -1);
}

/**
 * at::fractional_max_pool2d / 3d on [N, C, *spatial]: plane (n, c) pools windows of
 * `kernel` that start at pseudo-random offsets drawn from samples[n, c] (sample 0 is the
 * width's in 2-D, then height; in 3-D time, height, width). Returns values and flat indices.
 */
export function fractionalMaxPool(x: Tensor, kernel: readonly number[], outputSize: readonly number[], samples: Tensor): [Tensor, Tensor] {
  const spatial = kernel.length;
  const [N, C] = x.shape;
  const sizes = x.shape.slice(2);
  const sampleIndex = spatial === 2 ? [1, 0] : [0, 1, 2];
  const u = samples.detach();
  const starts = sizes.map((n, i) => intervals(u.select(-1, sampleIndex[i]), n, outputSize[i], kernel[i]));
  // Gather the windows' rows of each dim in turn: dim i becomes (out_i * kernel_i).
  let cur = x;
  for (let i = 0; i < spatial; i++) {
    const taps = starts[i].unsqueeze(-1).add(arange(kernel[i], { dtype: 'int64' })).reshape([N, C, outputSize[i] * kernel[i]]);
    const shape = cur.shape.slice();
    shape[2 + i] = outputSize[i] * kernel[i];
    const view = [N, C, ...shape.slice(2).map((n, j) => (j === i ? n : 1))];
    cur = cur.gather(2 + i, taps.view(view).expand(shape));
  }
  const split = [N, C, ...outputSize.flatMap((o, i) => [o, kernel[i]])];
  const perm = [0, 1, ...outputSize.map((_, i) => 2 + 2 * i), ...outputSize.map((_, i) => 3 + 2 * i)];
  const windows = cur.view(split).permute(perm).reshape([N, C, ...outputSize, -1]);
  const { values, indices: a } = windows.max(-1);
  // The argmax (k0, k1[, k2]) inside its window back to a flat input index.
  let flat: Tensor | null = null;
  let rest = a;
  let stride = 1;
  for (let i = spatial - 1; i >= 0; i--) {
    const k = rest.remainder(kernel[i]);
    rest = rest.div(kernel[i], { roundingMode: 'floor' });
    const bcast = [N, C, ...outputSize.map((o, j) => (j === i ? o : 1))];
    const coord = starts[i].view(bcast).add(k).mul(stride);
    flat = flat === null ? coord : flat.add(coord);
    stride *= sizes[i];
  }
  return [values, flat as Tensor];
}
