// torch.nn.utils.weight_norm / remove_weight_norm: the parameter `name` becomes
// name_g (magnitude) and name_v (direction), and a forward pre-hook recomputes
// name = v * (g / ‖v‖) before every forward, as PyTorch 1.13's WeightNorm does.
import { int, nullable, signature, string, instance, type Args, type Spec } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { KeyError, Module, type ForwardPreHook } from '../module.js';
import { Parameter } from '../parameter.js';

type Fields = Record<string, unknown>;

const weightNormSpec = [['module', instance(Module, 'Module')], ['name', string, 'weight'], ['dim', nullable(int), 0]] as const;
const removeSpec = [['module', instance(Module, 'Module')], ['name', string, 'weight']] as const;
const weightNormArgs = signature('weight_norm', weightNormSpec);
const removeArgs = signature('remove_weight_norm', removeSpec);
/** The arguments after the module (typed apart so the module's own type comes back). */
type After<S> = S extends readonly [unknown, ...infer R extends Spec] ? Args<R> : never;

/** A forward pre-hook that is weight norm's, marked with its settings (PyTorch's WeightNorm hook object). */
type Hook = ForwardPreHook & { weightNorm?: { name: string; dim: number } };
/**
 * The module's forward pre-hooks. Module keeps the list private; PyTorch scans
 * _forward_pre_hooks the same way, and a torch.deepcopy of the module carries the hooks.
 */
const preHooks = (m: Module) => (m as unknown as { _forwardPreHooks: Hook[] })._forwardPreHooks;
const findHook = (m: Module, name: string) => preHooks(m).find((h) => h.weightNorm?.name === name);

/**
 * at::norm_except_dim(v, 2, dim): the 2-norm over every dim but `dim`, shaped to broadcast
 * against v; dim -1 (or None) is the norm of the whole tensor, as in PyTorch.
 */
function normExceptDim(v: Tensor, dim: number): Tensor {
  if (dim === -1) return v.norm(2);
  const last = v.dim() - 1;
  if (dim === 0 || dim === last) {
    const shape = v.shape.map((s, i) => (i === dim ? s : 1));
    const rows = dim === 0 ? v.contiguous().view(v.shape[0], -1) : v.contiguous().view(-1, v.shape[last]);
    return rows.norm(2, dim === 0 ? 1 : 0).view(shape);
  }
  return normExceptDim(v.transpose(0, dim), 0).transpose(0, dim);
}

function computeWeight(module: Module, name: string, dim: number): Tensor {
  const f = module as unknown as Fields;
  const g = f[`${name}_g`] as Tensor;
  const v = f[`${name}_v`] as Tensor;
  return v.mul(g.div(normExceptDim(v, dim)));
}

/**
 * weight_norm(module, name='weight', dim=0): reparametrizes `name` as name_g * name_v / ‖name_v‖
 * (norm over every dim but `dim`; dim null is the whole tensor). Returns the module.
 */
export function weightNorm<M extends Module>(module: M, ...rest: After<typeof weightNormSpec>): M {
  const a = weightNormArgs.parse([module, ...rest]);
  const { name } = a;
  const dim = a.dim ?? -1;
  if (findHook(module, name) !== undefined) throw new Error(`Cannot register two weight_norm hooks on the same parameter ${name}`);
  const f = module as unknown as Fields;
  const weight = f[name];
  if (!(weight instanceof Parameter)) {
    if (weight === undefined) throw new TypeError(`'${module.constructor.name}' object has no attribute '${name}'`);
    throw new KeyError(`'${name}'`);
  }
  delete f[name];
  module.registerParameter(`${name}_g`, new Parameter(normExceptDim(weight, dim).data));
  module.registerParameter(`${name}_v`, new Parameter(weight.data));
  f[name] = computeWeight(module, name, dim);
  const hook: Hook = (m) => {
    (m as unknown as Fields)[name] = computeWeight(m, name, dim);
  };
  hook.weightNorm = { name, dim };
  module.registerForwardPreHook(hook);
  return module;
}

/** remove_weight_norm(module, name='weight'): `name` becomes a plain Parameter again, holding the current weight. */
export function removeWeightNorm<M extends Module>(module: M, ...rest: After<typeof removeSpec>): M {
  const { name } = removeArgs.parse([module, ...rest]);
  const hook = findHook(module, name);
  if (hook === undefined) throw new RangeError(`weight_norm of '${name}' not found in ${String(module)}`);
  const weight = computeWeight(module, name, hook.weightNorm!.dim);
  const f = module as unknown as Fields;
  delete f[name];
  delete f[`${name}_g`];
  delete f[`${name}_v`];
  module.registerParameter(name, new Parameter(weight.data));
  preHooks(module).splice(preHooks(module).indexOf(hook), 1);
  return module;
}
