// torch.optim.LBFGS as in PyTorch 1.13 (minFunc-style L-BFGS with an optional strong-Wolfe
// line search). Scalars that PyTorch holds as 0-d tensors (ys, ro, H_diag, gtd, a step t
// derived from them) are rounded to the parameters' dtype after every operation, and those
// it holds as Python floats are not, so the line search takes PyTorch's branches.
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { cat } from '../ops/join.js';
import { int, nullable, number, signature, string, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamGroup } from './optimizer.js';
import { paramsArg } from './options.js';

/**
 * LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
 * history_size=100, line_search_fn=None): all positional in PyTorch 1.13. max_eval defaults
 * to max_iter * 5 // 4; line_search_fn is null or 'strong_wolfe' (checked when stepping, as PyTorch does).
 */
const lbfgsArgs = signature('LBFGS', [
  ['params', paramsArg], ['lr', number, 1], ['maxIter', int, 20], ['maxEval', nullable(int), null],
  ['toleranceGrad', number, 1e-7], ['toleranceChange', number, 1e-9], ['historySize', int, 100],
  ['lineSearchFn', nullable(string), null],
] as const);

export type LBFGSOptions = OptionsObjectOf<typeof lbfgsArgs>;

export interface LBFGSParamGroup extends ParamGroup {
  maxIter: number;
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: string | null;
}

/** A scalar as PyTorch's LBFGS holds it: a Python number or a 0-d tensor (stored as a Tensor in state). */
type PyScalar = number | Tensor;

/** The state of the first parameter, in PyTorch's keys (the whole optimizer's state). */
export type LBFGSState = {
  func_evals: number;
  n_iter: number;
  al?: (Tensor | null)[];
  d?: Tensor;
  t?: PyScalar;
  old_dirs?: Tensor[];
  old_stps?: Tensor[];
  ro?: Tensor[];
  H_diag?: PyScalar;
  prev_flat_grad?: Tensor;
  prev_loss?: number;
};

/** A scalar value and whether PyTorch has it in a 0-d tensor (then it is rounded to the dtype). */
interface Num {
  v: number;
  tensor: boolean;
}

/** Scalar arithmetic with PyTorch's promotion: a tensor operand makes the result a tensor (rounded to its dtype). */
class Arith {
  readonly round: (x: number) => number;

  constructor(readonly dtype: DType) {
    this.round = dtype === 'float32' ? Math.fround : (x: number) => x;
  }

  py(v: number): Num {
    return { v, tensor: false };
  }

  of(t: Tensor): Num {
    return { v: Number(t.item()), tensor: true };
  }

  from(s: PyScalar): Num {
    return s instanceof Tensor ? this.of(s) : this.py(s);
  }

  toState(n: Num): PyScalar {
    return n.tensor ? zeros([], { dtype: this.dtype }).fill_(n.v) : n.v;
  }

  private lift(a: Num | number): Num {
    return typeof a === 'number' ? this.py(a) : a;
  }

  private bin(a: Num | number, b: Num | number, op: (x: number, y: number) => number): Num {
    const [x, y] = [this.lift(a), this.lift(b)];
    if (!x.tensor && !y.tensor) return this.py(op(x.v, y.v));
    const r = this.round;
    return { v: r(op(x.tensor ? x.v : r(x.v), y.tensor ? y.v : r(y.v))), tensor: true };
  }

  add = (a: Num | number, b: Num | number) => this.bin(a, b, (x, y) => x + y);
  sub = (a: Num | number, b: Num | number) => this.bin(a, b, (x, y) => x - y);
  mul = (a: Num | number, b: Num | number) => this.bin(a, b, (x, y) => x * y);
  div = (a: Num | number, b: Num | number) => this.bin(a, b, (x, y) => x / y);
  abs = (a: Num): Num => ({ v: Math.abs(a.v), tensor: a.tensor });
  sqrt = (a: Num): Num => ({ v: this.round(Math.sqrt(a.v)), tensor: a.tensor });

  /** a and b as a comparison sees them: a tensor compares with the other operand cast to its dtype. */
  private pair(a: Num | number, b: Num | number): [number, number] {
    const [x, y] = [this.lift(a), this.lift(b)];
    if (!x.tensor && !y.tensor) return [x.v, y.v];
    return [x.tensor ? x.v : this.round(x.v), y.tensor ? y.v : this.round(y.v)];
  }

  lt = (a: Num | number, b: Num | number) => ((p) => p[0] < p[1])(this.pair(a, b));
  le = (a: Num | number, b: Num | number) => ((p) => p[0] <= p[1])(this.pair(a, b));
  gt = (a: Num | number, b: Num | number) => ((p) => p[0] > p[1])(this.pair(a, b));
  ge = (a: Num | number, b: Num | number) => ((p) => p[0] >= p[1])(this.pair(a, b));
  /** Python's min(a, b) and max(a, b): the first argument unless the second is strictly smaller (larger). */
  min = (a: Num, b: Num) => (this.lt(b, a) ? b : a);
  max = (a: Num, b: Num) => (this.gt(b, a) ? b : a);
}

/** PyTorch's _cubic_interpolate: the minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), within bounds. */
function cubicInterpolate(A: Arith, x1: Num, f1: Num, g1: Num, x2: Num, f2: Num, g2: Num, bounds?: [Num, Num]): Num {
  const [lo, hi] = bounds ?? (A.le(x1, x2) ? [x1, x2] : [x2, x1]);
  const d1 = A.sub(A.add(g1, g2), A.div(A.mul(3, A.sub(f1, f2)), A.sub(x1, x2)));
  const d2Square = A.sub(A.mul(d1, d1), A.mul(g1, g2));
  if (A.ge(d2Square, 0)) {
    const d2 = A.sqrt(d2Square);
    const minPos = A.le(x1, x2)
      ? A.sub(x2, A.mul(A.sub(x2, x1), A.div(A.sub(A.add(g2, d2), d1), A.add(A.sub(g2, g1), A.mul(2, d2)))))
      : A.sub(x1, A.mul(A.sub(x1, x2), A.div(A.sub(A.add(g1, d2), d1), A.add(A.sub(g1, g2), A.mul(2, d2)))));
    return A.min(A.max(minPos, lo), hi);
  }
  return A.div(A.add(lo, hi), 2);
}

type ObjFunc = (t: Num) => [Num, Tensor];

/** PyTorch's _strong_wolfe line search (c1=1e-4, c2=0.9, max_ls=25): returns [f, g, t, evaluations]. */
function strongWolfe(A: Arith, obj: ObjFunc, t0: Num, d: Tensor, f: Num, g0: Tensor, gtd: Num, toleranceChange: number): [Num, Tensor, Num, number] {
  const c1 = 1e-4;
  const c2 = 0.9;
  const maxLs = 25;
  let t = t0;
  const dNorm = A.of(d.abs().max());
  const g = g0.clone();
  let [fNew, gNew] = obj(t);
  let lsFuncEvals = 1;
  let gtdNew = A.of(gNew.dot(d));
  let tPrev: Num = A.py(0);
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: Num[] = [];
  let bracketF: Num[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: Num[] = [];
  const armijoFails = (fn: Num, tt: Num) => A.gt(fn, A.add(f, A.mul(A.mul(c1, tt), gtd)));
  while (lsIter < maxLs) {
    if (armijoFails(fNew, t) || (lsIter > 1 && A.ge(fNew, fPrev))) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    if (A.le(A.abs(gtdNew), A.mul(-c2, gtd))) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (A.ge(gtdNew, 0)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = A.add(t, A.mul(0.01, A.sub(t, tPrev)));
    const maxStep = A.mul(t, 10);
    const tmp = t;
    t = cubicInterpolate(A, tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.clone();
    gtdPrev = gtdNew;
    [fNew, gNew] = obj(t);
    lsFuncEvals += 1;
    gtdNew = A.of(gNew.dot(d));
    lsIter += 1;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[A.py(0), t], [f, fNew], [g, gNew]];

  // zoom: shrink the bracket until a point satisfies the strong Wolfe conditions
  let insufProgress = false;
  let [lowPos, highPos] = A.le(bracketF[0], bracketF[bracketF.length - 1]) ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (A.lt(A.mul(A.abs(A.sub(bracket[1], bracket[0])), dNorm), toleranceChange)) break;
    t = cubicInterpolate(A, bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const hi = A.max(bracket[0], bracket[1]);
    const lo = A.min(bracket[0], bracket[1]);
    const eps = A.mul(0.1, A.sub(hi, lo));
    if (A.lt(A.min(A.sub(hi, t), A.sub(t, lo)), eps)) {
      if (insufProgress || A.ge(t, hi) || A.le(t, lo)) {
        t = A.lt(A.abs(A.sub(t, hi)), A.abs(A.sub(t, lo))) ? A.sub(hi, eps) : A.add(lo, eps);
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = obj(t);
    lsFuncEvals += 1;
    gtdNew = A.of(gNew.dot(d));
    lsIter += 1;
    if (armijoFails(fNew, t) || A.ge(fNew, bracketF[lowPos])) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew.clone();
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = A.le(bracketF[0], bracketF[1]) ? [0, 1] : [1, 0];
    } else {
      if (A.le(A.abs(gtdNew), A.mul(-c2, gtd))) {
        done = true;
      } else if (A.ge(A.mul(gtdNew, A.sub(bracket[highPos], bracket[lowPos])), 0)) {
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew.clone();
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos], bracketG[lowPos], bracket[lowPos], lsFuncEvals];
}

/**
 * L-BFGS. One group only; step(closure) is required and runs up to maxIter iterations
 * (re-evaluating the closure, with grad enabled, as often as it needs).
 */
export class LBFGS extends Optimizer<LBFGSParamGroup, LBFGSState> {
  static override readonly args = lbfgsArgs;

  /** `new LBFGS(params, 1, 20)` = `new LBFGS(params, { lr: 1, maxIter: 20 })`, as in PyTorch. */
  constructor(...args: ArgsOf<typeof lbfgsArgs>) {
    const { params, lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = lbfgsArgs.parse(args);
    const evals = maxEval ?? Math.floor((maxIter * 5) / 4);
    super(params, { lr, maxIter, maxEval: evals, toleranceGrad, toleranceChange, historySize, lineSearchFn });
    if (this.paramGroups.length !== 1) throw new RangeError("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  override addParamGroup(paramGroup: Parameters<Optimizer['addParamGroup']>[0]): void {
    // PyTorch checks the group count once, after construction; a later group would break step's assertion.
    if (this.paramGroups.length > 0) throw new RangeError("LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(paramGroup);
  }

  protected stepGroup(): void {
    throw new Error('LBFGS steps all parameters at once: call step(closure)');
  }

  private get params(): Tensor[] {
    return this.paramGroups[0].params;
  }

  private gatherFlatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad === null ? zeros([p.numel()], { dtype: p.dtype }) : p.grad.reshape(-1))), 0);
  }

  private addGrad(stepSize: number, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(update.narrow(0, offset, n).view(p.shape), { alpha: stepSize });
      offset += n;
    }
  }

  /** step(closure): closure re-evaluates the model (zeroGrad, forward, backward) and returns the loss. */
  override step<T = Tensor>(closure?: () => T): T | undefined {
    if (typeof closure !== 'function') throw new TypeError("step() missing 1 required positional argument: 'closure'");
    if (this.paramGroups.length !== 1) throw new Error('LBFGS has more than one parameter group');
    return noGrad(() => this.run(() => enableGrad(closure) as unknown as Tensor)) as unknown as T;
  }

  private run(closure: () => Tensor): Tensor {
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const params = this.params;
    const A = new Arith(params[0].dtype);
    const state = this.stateOf(params[0], () => ({ func_evals: 0, n_iter: 0 }));
    state.func_evals ??= 0;
    state.n_iter ??= 0;

    const origLoss = closure();
    let loss = A.py(Number(origLoss.item()));
    let currentEvals = 1;
    state.func_evals += 1;
    let flatGrad = this.gatherFlatGrad();
    let optCond = A.le(A.of(flatGrad.abs().max()), toleranceGrad);
    if (optCond) return origLoss;

    let d = state.d;
    let t: Num | undefined = state.t === undefined ? undefined : A.from(state.t);
    let oldDirs = state.old_dirs;
    let oldStps = state.old_stps;
    let ro = state.ro;
    let hDiag: Num | undefined = state.H_diag === undefined ? undefined : A.from(state.H_diag);
    let prevFlatGrad = state.prev_flat_grad;
    let prevLoss = state.prev_loss;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.n_iter += 1;
      if (state.n_iter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = A.py(1);
      } else {
        const dirs = oldDirs as Tensor[];
        const stps = oldStps as Tensor[];
        const rho = ro as Tensor[];
        // update the memory with the curvature pair (y, s), if it is one
        const y = flatGrad.sub(prevFlatGrad as Tensor);
        const s = (d as Tensor).mul((t as Num).v);
        const ysT = y.dot(s);
        const ys = A.of(ysT);
        if (A.gt(ys, 1e-10)) {
          if (dirs.length === historySize) {
            dirs.shift();
            stps.shift();
            rho.shift();
          }
          dirs.push(y);
          stps.push(s);
          rho.push(ysT.reciprocal());
          hDiag = A.div(ys, A.of(y.dot(y)));
        }
        // two-loop recursion: d = -H g
        const numOld = dirs.length;
        const al = (state.al ??= new Array<Tensor | null>(historySize).fill(null));
        const q = flatGrad.neg();
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = stps[i].dot(q).mul(rho[i]);
          q.add_(dirs[i], { alpha: -Number((al[i] as Tensor).item()) });
        }
        const r = q.mul((hDiag as Num).v);
        d = r;
        for (let i = 0; i < numOld; i++) {
          const be = dirs[i].dot(r).mul(rho[i]);
          r.add_(stps[i], { alpha: A.sub(A.of(al[i] as Tensor), A.of(be)).v });
        }
      }
      if (prevFlatGrad === undefined) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss.v;

      // the step length: min(1, 1 / |g|_1) * lr on the first iteration, lr after
      if (state.n_iter === 1) {
        const inv = A.div(1, A.of(flatGrad.abs().sum()));
        t = A.mul(A.min(A.py(1), inv), lr);
      } else {
        t = A.py(lr);
      }
      const dir = d as Tensor;
      const gtd = A.of(flatGrad.dot(dir));
      if (A.gt(gtd, -toleranceChange)) break;

      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        if (lineSearchFn !== 'strong_wolfe') throw new Error("only 'strong_wolfe' is supported");
        const xInit = params.map((p) => p.clone());
        const obj: ObjFunc = (tt) => {
          this.addGrad(tt.v, dir);
          const f = A.py(Number(closure().item()));
          const g = this.gatherFlatGrad();
          params.forEach((p, i) => p.copy_(xInit[i]));
          return [f, g];
        };
        [loss, flatGrad, t, lsFuncEvals] = strongWolfe(A, obj, t, dir, loss, flatGrad, gtd, toleranceChange);
        this.addGrad(t.v, dir);
        optCond = A.le(A.of(flatGrad.abs().max()), toleranceGrad);
      } else {
        this.addGrad(t.v, dir);
        if (nIter !== maxIter) {
          loss = A.py(Number(closure().item()));
          flatGrad = this.gatherFlatGrad();
          optCond = A.le(A.of(flatGrad.abs().max()), toleranceGrad);
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.func_evals += lsFuncEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (A.le(A.of(dir.mul(t.v).abs().max()), toleranceChange)) break;
      if (Math.abs(loss.v - prevLoss) < toleranceChange) break;
    }

    Object.assign(state, {
      d,
      t: t === undefined ? undefined : A.toState(t),
      old_dirs: oldDirs,
      old_stps: oldStps,
      ro,
      H_diag: hDiag === undefined ? undefined : A.toState(hDiag),
      prev_flat_grad: prevFlatGrad,
      prev_loss: prevLoss,
    });
    return origLoss;
  }
}
