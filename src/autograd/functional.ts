// torch.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp, built on
// autograd.grad as PyTorch 1.13 builds them (torch/autograd/functional.py), with the
// same tuple conventions: a single Tensor in gives a Tensor out, an array (Python's
// tuple) gives an array, and jacobian/hessian nest outputs over inputs. jvp and hvp use
// the double-backward trick (grad of a grad with respect to a zero grad_output), as
// PyTorch does, so they need no forward-mode AD.
import { stack } from '../ops/join.js';
import { bool, check, nullable, oneOf, pyTypeName, signature, type Args, type Spec } from '../tensor/args.js';
import { zerosLike } from '../tensor/create.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { grad } from './backward.js';
import { enableGrad, isGradEnabled, setGradEnabled } from './grad-mode.js';

type Tensors = Tensor | readonly Tensor[];
type Fn<O> = (...inputs: Tensor[]) => O;
/** A Tensor for a single Tensor, an array for an array (Python's tuple). */
type Like<T> = T extends Tensor ? Tensor : Tensor[];
/** jacobian's nesting: outputs outside, inputs inside. */
type Nest<O, I> = O extends Tensor ? Like<I> : I extends Tensor ? Tensor[] : Tensor[][];
type Tail2<S> = S extends readonly [unknown, unknown, ...infer R extends Spec] ? R : never;

const func = check<(...inputs: Tensor[]) => unknown>('a function', (v) => typeof v === 'function');
const tensors = check<Tensors>('a Tensor or a tuple (array) of Tensors', (v) => v instanceof Tensor || Array.isArray(v));
const strategy = oneOf('reverse-mode', 'forward-mode');
const productSpec = [['func', func], ['inputs', tensors], ['v', nullable(tensors), null], ['createGraph', bool, false], ['strict', bool, false]] as const;
const vjpSig = signature('vjp', productSpec);
const jvpSig = signature('jvp', productSpec);
const vhpSig = signature('vhp', productSpec);
const hvpSig = signature('hvp', productSpec);
const jacobianSig = signature('jacobian', [
  ['func', func], ['inputs', tensors], ['createGraph', bool, false], ['strict', bool, false], ['vectorize', bool, false], ['strategy', strategy, 'reverse-mode'],
] as const);
const hessianSig = signature('hessian', [
  ['func', func], ['inputs', tensors], ['createGraph', bool, false], ['strict', bool, false], ['vectorize', bool, false],
  ['outerJacobianStrategy', strategy, 'reverse-mode'],
] as const);
type Rest<G> = G extends { spec: infer S } ? Args<Tail2<S>> : never;

/** PyTorch's _as_tuple: [was it a tuple, the tensors]; anything but Tensors throws. */
function asTuple(value: unknown, argName: string, fnName: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(value);
  const list: unknown[] = isTuple ? value : [value];
  list.forEach((el, i) => {
    if (el instanceof Tensor) return;
    const type = `<class '${el === null ? 'NoneType' : pyTypeName(el)}'>`;
    throw new TypeError(
      `The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but the ${isTuple ? `value at index ${i}` : `given ${argName}`} has type ${type}.`,
    );
  });
  return [isTuple, list as Tensor[]];
}

/** A fresh graph root per input: a view that keeps history under createGraph, else a detached leaf. */
function preprocess(inputs: Tensor[], createGraph: boolean, needGraph: boolean): Tensor[] {
  return inputs.map((t) => (createGraph && t.requiresGrad ? t.viewAs(t) : t.detach().requiresGrad_(needGraph)));
}

const postprocess = (ts: Tensor[], createGraph: boolean): Tensor[] => (createGraph ? ts : ts.map((t) => t.detach()));

function unpack<T>(res: T[], isTuple: boolean): T | T[] {
  return isTuple ? res : res[0];
}

function validateV(v: Tensor[], other: Tensor[], isOtherTuple: boolean): void {
  if (v.length !== other.length) {
    throw new Error(isOtherTuple ? `v is a tuple of invalid length: should be ${other.length} but got ${v.length}.` : 'The given v should contain a single Tensor.');
  }
  v.forEach((el, i) => {
    if (sameShape(el.shape, other[i].shape)) return;
    throw new Error(`${isOtherTuple ? `Entry ${i} in ` : ''}v has invalid size: should be torch.Size(${formatShape(other[i].shape)}) but got torch.Size(${formatShape(el.shape)}).`);
  });
}

type InputType = 'outputs' | 'grad_inputs' | 'jacobian' | 'hessian';

function checkRequiresGrad(inputs: (Tensor | null)[], inputType: InputType, strict: boolean): void {
  if (!strict) return;
  inputs.forEach((t, i) => {
    if (t === null) throw new Error(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    if (t.requiresGrad) return;
    if (inputType === 'hessian') {
      throw new Error(
        `The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.`,
      );
    }
    if (inputType === 'jacobian') {
      throw new Error(
        `While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs (this would be violated by a linear function for example).`,
      );
    }
    if (inputType === 'grad_inputs') {
      throw new Error(`The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`);
    }
    throw new Error(
      `Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`,
    );
  });
}

/** PyTorch's _autograd_grad: outputs that do not require grad are dropped; unused inputs give null. */
function autogradGrad(outputs: (Tensor | null)[], inputs: Tensor[], gradOutputs: (Tensor | null)[] | null, createGraph: boolean, retainGraph: boolean | null = null): (Tensor | null)[] {
  const outs: Tensor[] = [];
  const gs: (Tensor | null)[] = [];
  outputs.forEach((o, i) => {
    if (o === null || !o.requiresGrad) return;
    outs.push(o);
    gs.push(gradOutputs === null ? null : gradOutputs[i]);
  });
  if (outs.length === 0) return inputs.map(() => null);
  return grad(outs, inputs, { gradOutputs: gs, createGraph, retainGraph, allowUnused: true });
}

type Stage = 'back' | 'back_trick' | 'double_back' | 'double_back_trick';

function fillInZeros(grads: (Tensor | null)[], refs: Tensor[], strict: boolean, createGraph: boolean, stage: Stage): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        const messages: Record<Stage, string> = {
          back: `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          back_trick: `The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients. This is not allowed in strict mode.`,
          double_back: `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          double_back_trick: `The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.`,
        };
        throw new Error(messages[stage]);
      }
      return zerosLike(refs[i]);
    }
    if (strict && createGraph && !g.requiresGrad) {
      const what = stage.startsWith('double') ? 'hessian' : 'jacobian';
      throw new Error(`The ${what} of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
    }
    return g;
  });
}

/** v for a product: checked against `other`, or null only where `other` is one single-element Tensor. */
function vectorFor(v: Tensors | null, other: Tensor[], isOtherTuple: boolean, fnName: string, createGraph: boolean, noneMessage: string): Tensor[] | null {
  if (v === null) {
    if (other.length !== 1 || other[0].numel() !== 1) throw new Error(noneMessage);
    return null;
  }
  const vs = preprocess(asTuple(v, 'v', fnName)[1], createGraph, false);
  validateV(vs, other, isOtherTuple);
  return vs;
}

const inputVNone = 'The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.';

/** The single-element output hessian, vhp and hvp require. */
function singleOutput(fnName: string, isTuple: boolean, outputs: Tensor[]): void {
  if (isTuple) throw new Error(`The function given to ${fnName} should return a single Tensor`);
  if (outputs[0].numel() !== 1) throw new Error(`The Tensor returned by the function given to ${fnName} should contain a single element`);
}

/**
 * vjp(func, inputs, v=None, createGraph=false, strict=false): [func(inputs), vᵀ·J].
 * v may be null only when func returns a single-element Tensor.
 */
export function vjp<O extends Tensors, I extends Tensors>(func: Fn<O>, inputs: I, ...rest: Rest<typeof vjpSig>): [Like<O>, Like<I>] {
  const a = vjpSig.parse([func, inputs, ...rest]);
  const [isInputsTuple, ins, isOutputsTuple, outs, v] = enableGrad(() => {
    const [isIn, raw] = asTuple(a.inputs, 'inputs', 'vjp');
    const xs = preprocess(raw, a.createGraph, true);
    const [isOut, ys] = asTuple(a.func(...xs), 'outputs of the user-provided function', 'vjp');
    checkRequiresGrad(ys, 'outputs', a.strict);
    const vs = vectorFor(a.v, ys, isOut, 'vjp', a.createGraph, 'The vector v can only be None if the user-provided function returns a single Tensor with a single element.');
    return [isIn, xs, isOut, ys, vs] as const;
  });
  const res = setGradEnabled(a.createGraph || isGradEnabled(), () => fillInZeros(autogradGrad(outs, ins, v, a.createGraph), ins, a.strict, a.createGraph, 'back'));
  return [unpack(postprocess(outs, a.createGraph), isOutputsTuple), unpack(postprocess(res, a.createGraph), isInputsTuple)] as [Like<O>, Like<I>];
}

/**
 * jvp(func, inputs, v=None, createGraph=false, strict=false): [func(inputs), J·v], by the
 * double-backward trick as PyTorch computes it. v may be null only for one single-element input.
 */
export function jvp<O extends Tensors, I extends Tensors>(func: Fn<O>, inputs: I, ...rest: Rest<typeof jvpSig>): [Like<O>, Like<O>] {
  const a = jvpSig.parse([func, inputs, ...rest]);
  const [isOutputsTuple, outs, gradInputs, gradOutputs, v] = enableGrad(() => {
    const [isIn, raw] = asTuple(a.inputs, 'inputs', 'jvp');
    const xs = preprocess(raw, a.createGraph, true);
    const vs = vectorFor(a.v, xs, isIn, 'jvp', a.createGraph, inputVNone);
    const [isOut, ys] = asTuple(a.func(...xs), 'outputs of the user-provided function', 'jvp');
    checkRequiresGrad(ys, 'outputs', a.strict);
    const gos = ys.map((y) => zerosLike(y, { requiresGrad: true }));
    const gis = autogradGrad(ys, xs, gos, true);
    checkRequiresGrad(gis, 'grad_inputs', a.strict);
    return [isOut, ys, gis, gos, vs] as const;
  });
  const trick = () => fillInZeros(autogradGrad(gradInputs, gradOutputs, v, a.createGraph), outs, a.strict, a.createGraph, 'back_trick');
  const res = a.createGraph ? enableGrad(trick) : trick();
  return [unpack(postprocess(outs, a.createGraph), isOutputsTuple), unpack(postprocess(res, a.createGraph), isOutputsTuple)] as [Like<O>, Like<O>];
}

/**
 * jacobian(func, inputs, createGraph=false, strict=false, vectorize=false, strategy='reverse-mode'):
 * result[i][j] = d output_i / d input_j, of shape output_i.shape + input_j.shape. vectorize is
 * a speed option in PyTorch (vmap over the rows); here it computes the same values row by
 * row. strategy 'forward-mode' needs forward-mode AD, which torchlette does not have: it
 * throws, as the same Jacobian comes from strategy 'reverse-mode'.
 */
export function jacobian<O extends Tensors, I extends Tensors>(func: Fn<O>, inputs: I, ...rest: Rest<typeof jacobianSig>): Nest<O, I> {
  const a = jacobianSig.parse([func, inputs, ...rest]);
  return jacobianOf(a.func as Fn<Tensors>, a.inputs, a.createGraph, a.strict, a.vectorize, a.strategy, 'jacobian') as Nest<O, I>;
}

function jacobianOf(
  f: Fn<Tensors>, inputs: Tensors, createGraph: boolean, strict: boolean, vectorize: boolean, strategy: 'reverse-mode' | 'forward-mode', fnName: string,
): Tensor | Tensor[] | Tensor[][] {
  if (strategy === 'forward-mode') {
    throw new Error(
      `torch.autograd.functional.${fnName}: strategy 'forward-mode' needs forward-mode AD, which torchlette does not implement; use ${fnName === 'jacobian' ? "strategy: 'reverse-mode'" : "outerJacobianStrategy: 'reverse-mode'"} (the default), which computes the same values`,
    );
  }
  return enableGrad(() => {
    const [isInputsTuple, raw] = asTuple(inputs, 'inputs', 'jacobian');
    const xs = preprocess(raw, createGraph, true);
    const [isOutputsTuple, outs] = asTuple(f(...xs), 'outputs of the user-provided function', 'jacobian');
    checkRequiresGrad(outs, 'outputs', strict);
    if (vectorize && strict) {
      throw new Error(
        'torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.',
      );
    }
    const jac = outs.map((out, i) => {
      const rows: Tensor[][] = xs.map(() => []);
      const flat = out.reshape(-1);
      for (let j = 0; j < out.numel(); j++) {
        const vj = autogradGrad([flat.index(j)], xs, null, createGraph, true);
        vj.forEach((g, k) => {
          if (g !== null) {
            if (strict && createGraph && !g.requiresGrad) {
              throw new Error(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
            }
            rows[k].push(g);
          } else {
            if (strict) throw new Error(`Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`);
            rows[k].push(zerosLike(xs[k]));
          }
        });
      }
      return rows.map((r, k) => {
        const shape = [...out.shape, ...xs[k].shape];
        const block = r.length === 0 ? xs[k].newZeros(shape) : stack(r, 0).view(shape);
        return createGraph ? block : block.detach();
      });
    });
    return unpack(jac.map((row) => unpack(row, isInputsTuple)), isOutputsTuple) as Tensor | Tensor[] | Tensor[][];
  });
}

/**
 * hessian(func, inputs, createGraph=false, strict=false, vectorize=false, outerJacobianStrategy='reverse-mode'):
 * the Jacobian of the gradient of a single-element function; for an array of inputs,
 * result[i][j] = d² f / d input_i d input_j. vectorize computes the same values (a speed option in PyTorch).
 */
export function hessian<I extends Tensors>(func: Fn<Tensor>, inputs: I, ...rest: Rest<typeof hessianSig>): I extends Tensor ? Tensor : Tensor[][] {
  const a = hessianSig.parse([func, inputs, ...rest]);
  const [isInputsTuple, ins] = asTuple(a.inputs, 'inputs', 'hessian');
  const single = (...xs: Tensor[]): Tensor => {
    const out: unknown = a.func(...xs);
    const [isOut, ys] = asTuple(out, 'outputs of the user-provided function', 'hessian');
    checkRequiresGrad(ys, 'outputs', a.strict);
    if (isOut) throw new Error('The function given to hessian should return a single Tensor');
    if (ys[0].numel() !== 1) throw new Error('The Tensor returned by the function given to hessian should contain a single element');
    return ys[0].squeeze();
  };
  const jacFunc = (...xs: Tensor[]): Tensor[] => {
    const jac = jacobianOf(single, xs, true, false, false, 'reverse-mode', 'jacobian') as Tensor[];
    checkRequiresGrad(jac, 'jacobian', a.strict);
    return jac;
  };
  const res = jacobianOf(jacFunc, ins, a.createGraph, a.strict, a.vectorize, a.outerJacobianStrategy, 'hessian') as Tensor[][];
  return (isInputsTuple ? res : res[0][0]) as I extends Tensor ? Tensor : Tensor[][];
}

/** Runs the single-output function of vhp/hvp and its gradient with createGraph. */
function firstGrad(a: { func: (...xs: Tensor[]) => unknown; inputs: Tensors; v: Tensors | null; createGraph: boolean; strict: boolean }, fnName: string) {
  const [isIn, raw] = asTuple(a.inputs, 'inputs', fnName);
  const xs = preprocess(raw, a.createGraph, true);
  const vs = vectorFor(a.v, xs, isIn, fnName, a.createGraph, inputVNone);
  const [isOut, ys] = asTuple(a.func(...xs), 'outputs of the user-provided function', fnName);
  checkRequiresGrad(ys, 'outputs', a.strict);
  singleOutput(fnName, isOut, ys);
  const jac = autogradGrad(ys, xs, null, true);
  checkRequiresGrad(jac, 'jacobian', a.strict);
  return { isIn, xs, vs, isOut, ys, jac };
}

/** vhp(func, inputs, v=None, createGraph=false, strict=false): [func(inputs), vᵀ·H] for a single-element func. */
export function vhp<I extends Tensors>(func: Fn<Tensor>, inputs: I, ...rest: Rest<typeof vhpSig>): [Tensor, Like<I>] {
  const a = vhpSig.parse([func, inputs, ...rest]);
  const s = enableGrad(() => firstGrad(a, 'vhp'));
  const res = setGradEnabled(a.createGraph || isGradEnabled(), () => fillInZeros(autogradGrad(s.jac, s.xs, s.vs, a.createGraph), s.xs, a.strict, a.createGraph, 'double_back'));
  return [postprocess(s.ys, a.createGraph)[0], unpack(postprocess(res, a.createGraph), s.isIn)] as [Tensor, Like<I>];
}

/** hvp(func, inputs, v=None, createGraph=false, strict=false): [func(inputs), H·v] by the double-backward trick. */
export function hvp<I extends Tensors>(func: Fn<Tensor>, inputs: I, ...rest: Rest<typeof hvpSig>): [Tensor, Like<I>] {
  const a = hvpSig.parse([func, inputs, ...rest]);
  const { s, gradJac, doubleBack } = enableGrad(() => {
    const s = firstGrad(a, 'hvp');
    const gradJac = s.xs.map((x) => zerosLike(x, { requiresGrad: true }));
    const doubleBack = autogradGrad(s.jac, s.xs, gradJac, true);
    checkRequiresGrad(s.jac, 'hessian', a.strict);
    return { s, gradJac, doubleBack };
  });
  const res = setGradEnabled(a.createGraph || isGradEnabled(), () =>
    fillInZeros(autogradGrad(doubleBack, gradJac, s.vs, a.createGraph), s.xs, a.strict, a.createGraph, 'double_back_trick'),
  );
  return [postprocess(s.ys, a.createGraph)[0], unpack(postprocess(res, a.createGraph), s.isIn)] as [Tensor, Like<I>];
}
