// Tensor methods whose PyTorch signature takes no argument (or only the keywords named
// here) are wrapped so that whatever else is passed throws PyTorch's TypeError instead
// of being ignored: `x.detach(1)`, `x.float({ memoryFormat })`, `x.nonzero({ as_tuple })`,
// and `x.requiresGrad_({ requiresGrad: false })`, which stored the object as the flag.
// Installed last (src/index.ts imports this after every module that defines methods);
// the plain call goes straight through.
import { bool, signature, type Spec } from '../tensor/args.js';
import { contiguousFormat, memoryFormatArg, preserveFormat, type MemoryFormat } from '../tensor/memory-format.js';
import { isContiguousIn } from './copy.js';
import { Tensor } from '../tensor/tensor.js';

const P = Tensor.prototype as unknown as Record<string, (this: Tensor, ...args: unknown[]) => unknown>;

const NO_ARGS = [
  'adjoint', 'argwhere', 'bool', 'byte', 'corrcoef', 'cpu', 'detach', 'detach_', 'dim', 'double',
  'elementSize', 'float', 'getDevice', 'int', 'isComplex', 'isFloatingPoint', 'isNeg', 'isSigned', 'isfinite',
  'isinf', 'isnan', 'logicalNot', 'logicalNot_', 'long', 'msort', 'ndimension', 'nelement', 'numel', 'positive', 'resolveNeg',
  'square', 'square_', 'storageOffset', 't', 'tolist', 'zero_',
];

function strict(name: string, spec: Spec, call: (self: Tensor, parsed: Record<string, unknown>) => unknown): void {
  const method = P[name];
  if (typeof method !== 'function') throw new Error(`strict-methods: Tensor.${name} is not defined`);
  const sig = signature(name, spec);
  P[name] = function (this: Tensor) {
    if (arguments.length === 0) return method.call(this);
    return call(this, sig.parse(Array.from(arguments)) as Record<string, unknown>);
  };
  Object.defineProperty(P[name], 'name', { value: name });
}

for (const name of NO_ARGS) {
  const method = P[name];
  strict(name, [], (self) => method.call(self));
}

const requiresGrad_ = P.requiresGrad_;
strict('requiresGrad_', [['requiresGrad', bool, true]], (self, a) => requiresGrad_.call(self, a.requiresGrad));
// memory_format= (keyword-only, as PyTorch's)
const clone = P.clone;
strict('clone', ['*', ['memoryFormat', memoryFormatArg, preserveFormat]], (self, a) => clone.call(self, { memoryFormat: a.memoryFormat }));
const contiguous = P.contiguous;
strict('contiguous', ['*', ['memoryFormat', memoryFormatArg, contiguousFormat]], (self, a) => contiguous.call(self, { memoryFormat: a.memoryFormat }));
strict('isContiguous', ['*', ['memoryFormat', memoryFormatArg, contiguousFormat]], (self, a) => isContiguousIn(self, a.memoryFormat as MemoryFormat));
const nonzero = P.nonzero;
strict('nonzero', ['*', ['asTuple', bool, false]], (self, a) => nonzero.call(self, { asTuple: a.asTuple }));
