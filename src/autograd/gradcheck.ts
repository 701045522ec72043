// gradcheck / gradgradcheck: analytical gradients against central finite differences.
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { rand } from '../tensor/create.js';
import { numeric, asNumbers, isFloatingDtype } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { warnOnce } from '../tensor/warnings.js';
import { grad, tensors } from './backward.js';
import { enableGrad, noGrad } from './grad-mode.js';

// PyTorch 1.13's keyword arguments. The checks torchlette has no machinery for (forward-mode AD,
// batched gradients, sparse inputs) are refused when asked for rather than skipped; fastMode
// gives the same verdict as the full check, which is what runs; nondetTol has nothing to
// allow for (the analytical gradients are computed the same way every time).
const common = [
  ['eps', number, 1e-6], ['atol', number, 1e-5], ['rtol', number, 1e-3], ['raiseException', bool, true], ['nondetTol', number, 0],
  ['checkUndefinedGrad', bool, true], ['checkGradDtypes', bool, false], ['checkBatchedGrad', bool, false], ['fastMode', bool, false],
] as const;
const gradcheckArgs = signature('gradcheck', [
  '*', ...common, ['checkSparseNnz', bool, false], ['checkBatchedForwardGrad', bool, false], ['checkForwardAd', bool, false], ['checkBackwardAd', bool, true],
] as const);
const gradgradcheckArgs = signature('gradgradcheck', [
  ['gradOutputs', nullable(tensors), null], '*', ...common, ['genNonContigGradOutputs', bool, false], ['checkFwdOverRev', bool, false], ['checkRevOverRev', bool, true],
] as const);
export type GradcheckOptions = OptionsObjectOf<typeof gradcheckArgs>;

function refuse(fn: string, unsupported: Record<string, boolean>): void {
  for (const [name, on] of Object.entries(unsupported)) {
    if (on) throw new Error(`${fn}(): ${name} is not supported in torchlette (no forward-mode AD, vmap or sparse tensors); leave it out`);
  }
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
export function gradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], ...args: ArgsOf<typeof gradcheckArgs>): boolean {
  const o = gradcheckArgs.parse(args);
  refuse('gradcheck', { checkSparseNnz: o.checkSparseNnz, checkBatchedGrad: o.checkBatchedGrad, checkBatchedForwardGrad: o.checkBatchedForwardGrad, checkForwardAd: o.checkForwardAd });
  return compareJacobians(fn, Array.isArray(inputs) ? [...inputs] : [inputs as Tensor], o);
}

function compareJacobians(fn: Fn, list: Tensor[], o: { eps: number; atol: number; rtol: number; raiseException: boolean; checkGradDtypes: boolean; checkBackwardAd?: boolean }): boolean {
  if (!list.some((t) => t.requiresGrad)) {
    throw new Error('gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.');
  }
  list.forEach((t, i) => {
    if (t.requiresGrad && t.dtype !== 'float64') {
      warnOnce(`Input #${i} requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. `);
    }
  });
  if (o.checkBackwardAd === false) return true;
  const fail = (message: string): false => {
    if (!o.raiseException) return false;
    throw new Error(message);
  };
  if (o.checkGradDtypes) {
    const outs = asList(fn(...list));
    const diff = list.filter((t) => t.requiresGrad);
    for (const out of outs) {
      if (!out.requiresGrad) continue;
      const gs = grad(out, diff, { gradOutputs: Tensor.empty(out.shape.slice(), out.dtype).fill_(1), allowUnused: true });
      for (let k = 0; k < diff.length; k++) {
        const g = gs[k];
        if (g !== null && g.dtype !== diff[k].dtype) return fail('Gradient has dtype mismatch');
      }
    }
  }
  const numerical = numericalJacobian(fn, list, o.eps);
  const analytical = analyticalJacobian(fn, list);
  for (let out = 0; out < numerical.length; out++) {
    for (let i = 0; i < list.length; i++) {
      const n = numerical[out][i];
      const a = analytical[out][i];
      for (let r = 0; r < n.length; r++) {
        for (let c = 0; c < n[r].length; c++) {
          if (!(Math.abs(a[r][c] - n[r][c]) <= o.atol + o.rtol * Math.abs(n[r][c]))) {
            // PyTorch's message prints the Jacobians as (input elements x output elements) tensors
            const asTensor = (rows: number[][]) => {
              const flat = new Float64Array(rows.length * (rows[0]?.length ?? 0));
              rows.forEach((row, k) => row.forEach((v, j) => (flat[j * rows.length + k] = v)));
              return Tensor.fromData(flat, 'float64', [rows[0]?.length ?? 0, rows.length]).to(isFloatingDtype(list[i].dtype) ? list[i].dtype : 'float64');
            };
            return fail(`Jacobian mismatch for output ${out} with respect to input ${i},\nnumerical:${asTensor(n)}\nanalytical:${asTensor(a)}\n`);
          }
        }
      }
    }
  }
  return true;
}

/**
 * gradcheck of the gradient itself (second derivatives via createGraph). Without gradOutputs,
 * they are drawn as PyTorch draws them (torch.testing.make_tensor in [-1, 1): one torch.rand
 * per differentiable output from the global generator), so the stream afterwards matches.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], ...args: ArgsOf<typeof gradgradcheckArgs>): boolean {
  const o = gradgradcheckArgs.parse(args);
  refuse('gradgradcheck', { checkBatchedGrad: o.checkBatchedGrad, checkFwdOverRev: o.checkFwdOverRev, genNonContigGradOutputs: o.genNonContigGradOutputs });
  if (!o.checkRevOverRev) throw new Error('gradgradcheck(): Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True');
  const list = Array.isArray(inputs) ? [...inputs] : [inputs as Tensor];
  let gradOutputs: Tensor[];
  if (o.gradOutputs !== null) gradOutputs = asList(o.gradOutputs as Tensor | Tensor[]);
  else {
    const outs = asList(fn(...list)).filter((t) => t.requiresGrad);
    gradOutputs = outs.map((x) => {
      const r = rand(x.shape.slice(), { dtype: isFloatingDtype(x.dtype) ? x.dtype : 'float64' });
      return r.mul(1).add(r.rsub(1).mul(-1)).requiresGrad_(true);
    });
  }
  // The first derivative as a function of (inputs, gradOutputs); it needs grad mode even
  // where gradcheck evaluates it for finite differences.
  const firstOrder = (...xs: Tensor[]): Tensor[] =>
    enableGrad(() => {
      const ins = xs.slice(0, list.length);
      const gos = xs.slice(list.length);
      const ys = asList(fn(...ins)).filter((t) => t.requiresGrad);
      const diff = ins.filter((x) => x.requiresGrad);
      return grad(ys, diff, { gradOutputs: gos, createGraph: true, allowUnused: true }).filter((g): g is Tensor => g !== null);
    });
  return compareJacobians(firstOrder, [...list, ...gradOutputs], o);
}
