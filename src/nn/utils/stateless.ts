// torch.nn.utils.stateless.functional_call: calls a module with some of its parameters
// and buffers replaced (by dotted name) for the duration of the call, as PyTorch 1.13 does.
import { any, check, instance, nullable, record, signature, type ArgsOf, type Check } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

type Fields = Record<string, unknown>;

const tensorMap: Check<Record<string, Tensor> | Map<string, Tensor>> = check('a dict of Tensors (an object or a Map)', (v) => v instanceof Map || record.test(v), true);
const functionalCallArgs = signature('functional_call', [
  ['module', instance(Module, 'Module')], ['parametersAndBuffers', tensorMap], ['args', any], ['kwargs', nullable(record), null],
] as const);

/** The module that holds the last part of a dotted name, as PyTorch's getattr chain. */
function owner(module: Module, path: string[]): Module {
  let m = module;
  for (const part of path.slice(0, -1)) {
    const next = (m as unknown as Fields)[part];
    if (!(next instanceof Module)) throw new TypeError(`'${m.constructor.name}' object has no attribute '${part}'`);
    m = next;
  }
  return m;
}

/**
 * functional_call(module, parametersAndBuffers, args, kwargs=null): module(...args) with
 * module.<name> read from parametersAndBuffers for each (dotted) name given; the module's
 * own tensors are back in place afterwards, even if the call throws. args is an array
 * (Python's tuple) of positional arguments or a single argument. torchlette's modules take
 * no keyword arguments in forward, so kwargs must be null or empty.
 */
export function functionalCall(...args: ArgsOf<typeof functionalCallArgs>): unknown {
  const a = functionalCallArgs.parse(args);
  if (a.kwargs !== null && Object.keys(a.kwargs).length > 0) {
    throw new TypeError(`functional_call(): forward takes no keyword arguments in torchlette; got ${Object.keys(a.kwargs).join(', ')}`);
  }
  const entries = a.parametersAndBuffers instanceof Map ? [...a.parametersAndBuffers] : Object.entries(a.parametersAndBuffers);
  // Own-property descriptors to restore (undefined: the name was not an own property).
  const saved: [Module, string, PropertyDescriptor | undefined][] = [];
  try {
    for (const [name, tensor] of entries) {
      const path = name.split('.');
      const m = owner(a.module, path);
      const leaf = path[path.length - 1];
      saved.push([m, leaf, Object.getOwnPropertyDescriptor(m, leaf)]);
      // A data property that shadows the field (or a parametrization's property) during the call.
      Object.defineProperty(m, leaf, { value: tensor, writable: true, configurable: true, enumerable: saved[saved.length - 1][2]?.enumerable ?? false });
    }
    const positional = Array.isArray(a.args) ? (a.args as unknown[]) : [a.args];
    return (a.module.forward as (...xs: unknown[]) => unknown)(...positional);
  } finally {
    for (const [m, leaf, desc] of saved.reverse()) {
      if (desc === undefined) delete (m as unknown as Fields)[leaf];
      else Object.defineProperty(m, leaf, desc);
    }
  }
}
