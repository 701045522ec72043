// torch.nn.utils.parameters_to_vector / vector_to_parameters: all parameters as one flat
// vector and back (the parameters then view slices of the vector, as in PyTorch).
import { cat } from '../../ops/join.js';
import { check, signature, type ArgsOf, type Check } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { typename } from '../module.js';

const params: Check<Iterable<Tensor>> = check('an iterable of Tensors', (v) => typeof v === 'object' && v !== null && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function');
const toVectorArgs = signature('parametersToVector', [['parameters', params]] as const);
// vec is checked after parsing, with PyTorch's own message.
const anyVec = check<Tensor>('Tensor', () => true);
const toParametersArgs = signature('vectorToParameters', [['vec', anyVec], ['parameters', params]] as const);

function tensorsOf(where: string, parameters: Iterable<Tensor>): Tensor[] {
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${where}(): element ${i} of 'parameters' must be a Tensor, not ${typename(p)}`);
  });
  return list;
}

/** parameters_to_vector(parameters): the parameters flattened and concatenated (differentiable). */
export function parametersToVector(...args: ArgsOf<typeof toVectorArgs>): Tensor {
  const { parameters } = toVectorArgs.parse(args);
  return cat(tensorsOf('parametersToVector', parameters).map((p) => p.view(-1)));
}

/** vector_to_parameters(vec, parameters): each parameter's .data becomes its slice of vec, in order. */
export function vectorToParameters(...args: ArgsOf<typeof toParametersArgs>): void {
  const { vec, parameters } = toParametersArgs.parse(args);
  if (!(vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${typename(vec)}`);
  let pointer = 0;
  for (const p of tensorsOf('vectorToParameters', parameters)) {
    const n = p.numel();
    p.data = vec.slice(0, pointer, pointer + n).viewAs(p).data;
    pointer += n;
  }
}
