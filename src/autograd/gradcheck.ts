// gradcheck / gradgradcheck: analytical gradients against central finite differences.
import { numeric, asNumbers } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { grad } from './backward.js';
import { enableGrad, noGrad } from './grad-mode.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function asList(r: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(r) ? r : [r];
}

function flatValues(t: Tensor): number[] {
  return Array.from(asNumbers(t.toTypedArray()));
}

/** Jacobians [output][input] as rows (output elements) x columns (input elements). */
function numericalJacobian(fn: Fn, inputs: Tensor[], eps: number): number[][][][] {
  const outs = noGrad(() => asList(fn(...inputs)));
  return outs.map((out, o) =>
    inputs.map((input) => {
      const rows = Array.from({ length: out.numel() }, () => new Array<number>(input.numel()).fill(0));
      if (!input.requiresGrad) return rows;
      for (let j = 0; j < input.numel(); j++) {
        const at = offsetOf(input, j);
        // gradcheck perturbs float inputs only (integer ones cannot require grad).
        const buf = numeric(input.buffer);
        const orig = buf[at];
        buf[at] = orig + eps;
        const plus = flatValues(noGrad(() => asList(fn(...inputs)))[o]);
        buf[at] = orig - eps;
        const minus = flatValues(noGrad(() => asList(fn(...inputs)))[o]);
        buf[at] = orig;
        for (let k = 0; k < rows.length; k++) rows[k][j] = (plus[k] - minus[k]) / (2 * eps);
      }
      return rows;
    }),
  );
}

/** Storage offset of the j-th element (row-major) of t. */
function offsetOf(t: Tensor, j: number): number {
  let off = t.offset;
  let rem = j;
  for (let d = t.dim() - 1; d >= 0; d--) {
    const i = rem % t.shape[d];
    rem = Math.floor(rem / t.shape[d]);
    off += i * t.strides[d];
  }
  return off;
}

function analyticalJacobian(fn: Fn, inputs: Tensor[]): number[][][][] {
  const outs = asList(fn(...inputs));
  const diffInputs = inputs.filter((t) => t.requiresGrad);
  return outs.map((out) => {
    const rows = inputs.map((input) => Array.from({ length: out.numel() }, () => new Array<number>(input.numel()).fill(0)));
    if (!out.requiresGrad) return rows;
    for (let k = 0; k < out.numel(); k++) {
      const unit = Tensor.empty(out.shape.slice(), out.dtype);
      unit.buffer[k] = 1;
      const gs = grad(out, diffInputs, { gradOutputs: unit, retainGraph: true, allowUnused: true });
      let gi = 0;
      inputs.forEach((input, i) => {
        if (!input.requiresGrad) return;
        const g = gs[gi++];
        if (g !== null) rows[i][k] = flatValues(g);
      });
    }
    return rows;
  });
}

/** Checks autograd's gradients of fn at inputs (float64, requiresGrad) against finite differences. */
export function gradcheck(fn: Fn, inputs: Tensor | Tensor[], opts: GradcheckOptions = {}): boolean {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const numerical = numericalJacobian(fn, list, eps);
  const analytical = analyticalJacobian(fn, list);
  for (let o = 0; o < numerical.length; o++) {
    for (let i = 0; i < list.length; i++) {
      const n = numerical[o][i];
      const a = analytical[o][i];
      for (let r = 0; r < n.length; r++) {
        for (let c = 0; c < n[r].length; c++) {
          if (!(Math.abs(a[r][c] - n[r][c]) <= atol + rtol * Math.abs(n[r][c]))) {
            if (opts.raiseException === false) return false;
            throw new Error(
              `Jacobian mismatch for output ${o} with respect to input ${i},\nnumerical:${JSON.stringify(n)}\nanalytical:${JSON.stringify(a)}`,
            );
          }
        }
      }
    }
  }
  return true;
}

/** gradcheck of the gradient itself (second derivatives via createGraph). */
export function gradgradcheck(fn: Fn, inputs: Tensor | Tensor[], opts: GradcheckOptions = {}): boolean {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const outs = noGrad(() => asList(fn(...list)));
  const gradOutputs = outs.map((o) => {
    const g = Tensor.empty(o.shape.slice(), o.dtype);
    for (let i = 0; i < g.numel(); i++) g.buffer[i] = Math.sin(i + 1);
    g.requiresGrad_(true);
    return g;
  });
  // The first derivative as a function of (inputs, gradOutputs); it needs grad mode even
  // where gradcheck evaluates it for finite differences.
  const firstOrder = (...args: Tensor[]): Tensor[] =>
    enableGrad(() => {
      const xs = args.slice(0, list.length);
      const gos = args.slice(list.length);
      const ys = asList(fn(...xs));
      const diff = xs.filter((x) => x.requiresGrad);
      return grad(ys, diff, { gradOutputs: gos, createGraph: true, allowUnused: true }).filter((g): g is Tensor => g !== null);
    });
  return gradcheck(firstOrder, [...list, ...gradOutputs], opts);
}
