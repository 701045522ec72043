// torch.nn.utils.spectral_norm / remove_spectral_norm: `name` is divided by its largest
// singular value, estimated by power iteration (one step per forward in training mode)
// on buffers name_u / name_v, as PyTorch 1.13's SpectralNorm does; the parameter itself
// lives on as name_orig. state_dict keys are PyTorch's (name_orig, name_u, name_v).
import { noGrad } from '../../autograd/grad-mode.js';
import { int, instance, nullable, number, signature, string, type Args, type Spec } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { normalize } from '../functional/distance.js';
import { KeyError, Module, type ForwardPreHook } from '../module.js';
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from '../modules/conv.js';
import { Parameter } from '../parameter.js';

type Fields = Record<string, unknown>;

const spectralNormSpec = [
  ['module', instance(Module, 'Module')], ['name', string, 'weight'], ['nPowerIterations', int, 1], ['eps', number, 1e-12], ['dim', nullable(int), null],
] as const;
const removeSpec = [['module', instance(Module, 'Module')], ['name', string, 'weight']] as const;
const spectralNormArgs = signature('spectral_norm', spectralNormSpec);
const removeArgs = signature('remove_spectral_norm', removeSpec);
/** The arguments after the module (typed apart so the module's own type comes back). */
type After<S> = S extends readonly [unknown, ...infer R extends Spec] ? Args<R> : never;

interface Settings {
  name: string;
  dim: number;
  nPowerIterations: number;
  eps: number;
}

/** A forward pre-hook that is spectral norm's, marked with its settings (PyTorch's SpectralNorm hook object). */
type Hook = ForwardPreHook & { spectralNorm?: Settings };
/**
 * The module's forward pre-hooks. Module keeps the list private; PyTorch scans
 * _forward_pre_hooks the same way, and a torch.deepcopy of the module carries the hooks.
 */
const preHooks = (m: Module) => (m as unknown as { _forwardPreHooks: Hook[] })._forwardPreHooks;
const findHook = (m: Module, name: string) => preHooks(m).find((h) => h.spectralNorm?.name === name);

/** Spectral norm's default dim: the output channels, dim 1 of a ConvTranspose weight, else dim 0. */
export function defaultDim(module: Module): number {
  return module instanceof ConvTranspose1d || module instanceof ConvTranspose2d || module instanceof ConvTranspose3d ? 1 : 0;
}

/** The weight as a matrix with `dim` as its rows. */
function weightMatrix(weight: Tensor, dim: number): Tensor {
  let w = weight;
  if (dim !== 0) w = w.permute(dim, ...[...Array(w.dim()).keys()].filter((d) => d !== dim));
  return w.reshape(w.shape[0], -1);
}

function computeWeight(module: Module, s: Settings, doPowerIteration: boolean): Tensor {
  const f = module as unknown as Fields;
  const weight = f[`${s.name}_orig`] as Tensor;
  let u = f[`${s.name}_u`] as Tensor;
  let v = f[`${s.name}_v`] as Tensor;
  const mat = weightMatrix(weight, s.dim);
  if (doPowerIteration) {
    noGrad(() => {
      // In place into the buffers (PyTorch's out=), then clones so backward sees this step's values.
      for (let i = 0; i < s.nPowerIterations; i++) {
        v.copy_(normalize(mat.t().mv(u), { dim: 0, eps: s.eps }));
        u.copy_(normalize(mat.mv(v), { dim: 0, eps: s.eps }));
      }
      u = u.clone();
      v = v.clone();
    });
  }
  const sigma = u.dot(mat.mv(v));
  return weight.div(sigma);
}

/**
 * spectral_norm(module, name='weight', nPowerIterations=1, eps=1e-12, dim=null): divides
 * `name` by its spectral norm before every forward. dim defaults to 1 for ConvTranspose
 * modules and 0 otherwise. u and v start from normal_ draws, as in PyTorch, so a seeded
 * run matches. Returns the module.
 */
export function spectralNorm<M extends Module>(module: M, ...rest: After<typeof spectralNormSpec>): M {
  const a = spectralNormArgs.parse([module, ...rest]);
  const s: Settings = { name: a.name, dim: a.dim ?? defaultDim(module), nPowerIterations: a.nPowerIterations, eps: a.eps };
  if (findHook(module, s.name) !== undefined) throw new Error(`Cannot register two spectral_norm hooks on the same parameter ${s.name}`);
  if (s.nPowerIterations <= 0) throw new RangeError(`Expected n_power_iterations to be positive, but got n_power_iterations=${s.nPowerIterations}`);
  const f = module as unknown as Fields;
  const weight = f[s.name];
  if (weight === null) throw new RangeError(`\`SpectralNorm\` cannot be applied as parameter \`${s.name}\` is None`);
  if (!(weight instanceof Parameter)) throw new KeyError(`'${s.name}'`);
  const [u, v] = noGrad(() => {
    const [h, w] = weightMatrix(weight, s.dim).shape;
    return [h, w].map((n) => normalize(weight.newEmpty(n).normal_(0, 1), { dim: 0, eps: s.eps }));
  });
  delete f[s.name];
  module.registerParameter(`${s.name}_orig`, weight);
  f[s.name] = weight.data;
  module.registerBuffer(`${s.name}_u`, u);
  module.registerBuffer(`${s.name}_v`, v);
  const hook: Hook = (m) => {
    (m as unknown as Fields)[s.name] = computeWeight(m, s, m.training);
  };
  hook.spectralNorm = s;
  module.registerForwardPreHook(hook);
  return module;
}

/** remove_spectral_norm(module, name='weight'): `name` becomes a plain Parameter holding the normalized weight. */
export function removeSpectralNorm<M extends Module>(module: M, ...rest: After<typeof removeSpec>): M {
  const { name } = removeArgs.parse([module, ...rest]);
  const hook = findHook(module, name);
  if (hook === undefined) throw new RangeError(`spectral_norm of '${name}' not found in ${String(module)}`);
  const weight = noGrad(() => computeWeight(module, hook.spectralNorm!, false));
  const f = module as unknown as Fields;
  for (const suffix of ['', '_u', '_v', '_orig']) delete f[name + suffix];
  module.registerParameter(name, new Parameter(weight.detach()));
  preHooks(module).splice(preHooks(module).indexOf(hook), 1);
  return module;
}
