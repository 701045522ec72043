// torch.nn.utils.rnn: variable-length batches for the recurrent layers. A PackedSequence
// holds the time steps of a batch sorted by decreasing length, row after row: step t
// contributes its batchSizes[t] still-running sequences. nn.RNN / LSTM / GRU accept one
// (nn/modules/rnn.ts) and return one; padSequence / packPaddedSequence / padPackedSequence
// convert to and from padded [T, B, *] tensors, as PyTorch's, and so do their gradients.
import { cat, stack } from '../../ops/join.js';
import { argsort } from '../../ops/sorting.js';
import { bool, check, either, intList, nullable, number, signature, tensor as tensorArg, type ArgsOf, type Check } from '../../tensor/args.js';
import { arange, full, tensor } from '../../tensor/create.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

/** The sequences of a batch packed by time step; PyTorch's namedtuple (data, batch_sizes, sorted_indices, unsorted_indices). */
export class PackedSequence {
  readonly data: Tensor;
  /** int64 [T]: how many sequences are still running at each time step (non-increasing). */
  readonly batchSizes: Tensor;
  /** The batch order the data is in (by decreasing length), or null when the input was already sorted. */
  readonly sortedIndices: Tensor | null;
  /** Its inverse: where each original sequence sits in the packed batch. */
  readonly unsortedIndices: Tensor | null;

  /** PackedSequence(data, batchSizes, sortedIndices?, unsortedIndices?): build one with packPaddedSequence or packSequence. */
  constructor(data: Tensor, batchSizes: Tensor, sortedIndices: Tensor | null = null, unsortedIndices: Tensor | null = null) {
    if (!(data instanceof Tensor) || !(batchSizes instanceof Tensor)) {
      throw new TypeError('PackedSequence(data, batchSizes, sortedIndices?, unsortedIndices?): data and batchSizes must be Tensors');
    }
    if (batchSizes.dim() !== 1 || batchSizes.dtype !== 'int64') {
      throw new TypeError(`batch_sizes should always be a 1-D int64 tensor, got ${batchSizes.dtype} of shape ${formatShape(batchSizes.shape)}`);
    }
    this.data = data;
    this.batchSizes = batchSizes;
    this.sortedIndices = sortedIndices;
    this.unsortedIndices = unsortedIndices ?? (sortedIndices === null ? null : invertPermutation(sortedIndices));
  }

  /** Destructuring as the namedtuple: `const [data, batchSizes] = packed`. */
  *[Symbol.iterator](): IterableIterator<Tensor | null> {
    yield this.data;
    yield this.batchSizes;
    yield this.sortedIndices;
    yield this.unsortedIndices;
  }

  /** By position, as the namedtuple: `packed[0]` is the data (PyTorch's image_captioning writes `pack_padded_sequence(...)[0]`). */
  get 0(): Tensor {
    return this.data;
  }
  get 1(): Tensor {
    return this.batchSizes;
  }
  get 2(): Tensor | null {
    return this.sortedIndices;
  }
  get 3(): Tensor | null {
    return this.unsortedIndices;
  }
  get length(): 4 {
    return 4;
  }

  /** The batch sizes as numbers (what the recurrences iterate over). */
  batchSizeList(): number[] {
    return numbersOf(this.batchSizes);
  }

  /** A PackedSequence with `data.to(...args)` (dtype or device); the index tensors stay as they are. */
  to(...args: Parameters<Tensor['to']>): PackedSequence {
    return this.withData(this.data.to(...args));
  }

  cpu(): PackedSequence {
    return this;
  }

  double(): PackedSequence {
    return this.withData(this.data.double());
  }

  float(): PackedSequence {
    return this.withData(this.data.float());
  }

  private withData(data: Tensor): PackedSequence {
    return data === this.data ? this : new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }

  get isCuda(): boolean {
    return false;
  }

  toString(): string {
    const idx = (t: Tensor | null) => (t === null ? 'None' : String(t));
    return `PackedSequence(data=${String(this.data)}, batch_sizes=${String(this.batchSizes)}, sorted_indices=${idx(this.sortedIndices)}, unsorted_indices=${idx(this.unsortedIndices)})`;
  }
}

const numbersOf = (t: Tensor): number[] => (t.reshape(-1).tolist() as (number | bigint | boolean)[]).map((v) => Math.trunc(Number(v)));

function invertPermutation(permutation: Tensor): Tensor {
  return argsort(permutation);
}

const tensorList: Check<readonly Tensor[]> = check('a list of Tensors', (v) => Array.isArray(v) && v.every((t) => t instanceof Tensor));
const lengthsArg: Check<Tensor | readonly number[]> = either(tensorArg, intList);
const packed: Check<PackedSequence> = check('PackedSequence', (v) => v instanceof PackedSequence);

const padSequenceArgs = signature('pad_sequence', [['sequences', tensorList], ['batchFirst', bool, false], ['paddingValue', number, 0]] as const);
const packPaddedArgs = signature('pack_padded_sequence', [
  ['input', tensorArg], ['lengths', lengthsArg], ['batchFirst', bool, false], ['enforceSorted', bool, true],
] as const);
const padPackedArgs = signature('pad_packed_sequence', [
  ['sequence', packed], ['batchFirst', bool, false], ['paddingValue', number, 0], ['totalLength', nullable(number), null],
] as const);
const packSequenceArgs = signature('pack_sequence', [['sequences', tensorList], ['enforceSorted', bool, true]] as const);
const unpadArgs = signature('unpad_sequence', [['paddedSequences', tensorArg], ['lengths', lengthsArg], ['batchFirst', bool, false]] as const);
const unpackArgs = signature('unpack_sequence', [['packedSequences', packed]] as const);

const lengthValues = (lengths: Tensor | readonly number[]): number[] =>
  lengths instanceof Tensor ? numbersOf(lengths) : [...lengths];

/**
 * Pads a list of [L_i, *] tensors to [maxL, B, *] ([B, maxL, *] with batchFirst) with
 * paddingValue: pad_sequence(sequences, batchFirst=false, paddingValue=0). The trailing
 * dims are the first sequence's; the others broadcast to them as PyTorch's copy does.
 */
export function padSequence(...args: ArgsOf<typeof padSequenceArgs>): Tensor {
  const { sequences, batchFirst, paddingValue } = padSequenceArgs.parse(args);
  if (sequences.length === 0) throw new RangeError('received an empty list of sequences');
  const first = sequences[0];
  const trailing = first.shape.slice(1);
  sequences.forEach((s, i) => {
    if (s.dim() === 0) throw new RangeError(`pad_sequence: sequence ${i} is a 0-d tensor; each sequence needs its time dimension first`);
  });
  const maxLen = Math.max(...sequences.map((s) => s.shape[0]));
  const columns = sequences.map((s) => {
    const rows = s.shape[0];
    const dims = s.shape.slice(1);
    for (let k = 0; k < Math.max(dims.length, trailing.length); k++) {
      const a = trailing[trailing.length - 1 - k];
      const b = dims[dims.length - 1 - k];
      if (a === undefined || (b !== undefined && b !== a && b !== 1)) {
        const dim = Math.max(dims.length, trailing.length) - k;
        throw new RangeError(`The size of tensor a (${a ?? 1}) must match the size of tensor b (${b ?? 1}) at non-singleton dimension ${dim}`);
      }
    }
    const body = s.to(first.dtype).expand([rows, ...trailing]);
    if (rows === maxLen) return body;
    return cat([body, full([maxLen - rows, ...trailing], paddingValue, { dtype: first.dtype })], 0);
  });
  return stack(columns, batchFirst ? 0 : 1);
}

/**
 * Packs a padded batch [T, B, *] ([B, T, *] with batchFirst) of sequences with the given
 * lengths: pack_padded_sequence(input, lengths, batchFirst=false, enforceSorted=true). With
 * enforceSorted the lengths must be non-increasing; otherwise the batch is sorted by
 * decreasing length first and the PackedSequence remembers the permutation.
 */
export function packPaddedSequence(...args: ArgsOf<typeof packPaddedArgs>): PackedSequence {
  const a = packPaddedArgs.parse(args);
  let lengths = lengthValues(a.lengths);
  let input = a.input;
  let sortedIndices: Tensor | null = null;
  if (!a.enforceSorted) {
    const order = tensor(lengths, { dtype: 'int64' }).sort({ descending: true });
    sortedIndices = order.indices;
    lengths = numbersOf(order.values);
    input = input.indexSelect(a.batchFirst ? 0 : 1, sortedIndices);
  }
  if (input.numel() === 0) throw new RangeError('Cannot pack empty tensors.');
  const x = a.batchFirst ? input.transpose(0, 1) : input;
  const [steps, batch] = x.shape;
  if (lengths.length !== batch) throw new RangeError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lengths.length} (batch_size=${batch})`);
  if (!(lengths[batch - 1] > 0)) throw new RangeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  for (let i = 1; i < batch; i++) {
    if (lengths[i] > lengths[i - 1]) {
      throw new RangeError(
        '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.',
      );
    }
  }
  // PyTorch reads past the padded input's end here and returns an inconsistent PackedSequence.
  if (lengths[0] > steps) {
    throw new RangeError(`pack_padded_sequence: the longest length is ${lengths[0]} but the padded input has only ${steps} time steps (dim ${a.batchFirst ? 1 : 0})`);
  }
  const batchSizes: number[] = [];
  const pieces: Tensor[] = [];
  for (let t = 0, running = batch; t < lengths[0]; t++) {
    while (lengths[running - 1] <= t) running--;
    batchSizes.push(running);
    pieces.push(x.select(0, t).narrow(0, 0, running));
  }
  return new PackedSequence(cat(pieces, 0), tensor(batchSizes, { dtype: 'int64' }), sortedIndices);
}

/**
 * The inverse of packPaddedSequence: [padded, lengths] with padded [T, B, *] ([B, T, *]
 * with batchFirst) in the original batch order, T = totalLength ?? the longest length.
 */
export function padPackedSequence(...args: ArgsOf<typeof padPackedArgs>): [Tensor, Tensor] {
  const { sequence, batchFirst, paddingValue, totalLength } = padPackedArgs.parse(args);
  const sizes = sequence.batchSizeList();
  let steps = sizes.length;
  if (totalLength !== null) {
    if (totalLength < steps) {
      throw new RangeError(
        `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${totalLength} and max sequence length being ${steps}`,
      );
    }
    steps = totalLength;
  }
  const { data } = sequence;
  const batch = sizes[0];
  const trailing = data.shape.slice(1);
  const rows: Tensor[] = [];
  for (let t = 0, offset = 0; t < steps; t++) {
    const n = sizes[t] ?? 0;
    const step = data.narrow(0, offset, n);
    offset += n;
    rows.push(n === batch ? step : cat([step, full([batch - n, ...trailing], paddingValue, { dtype: data.dtype })], 0));
  }
  let padded = stack(rows, batchFirst ? 1 : 0);
  const lengths = new Array<number>(batch).fill(0);
  for (const n of sizes) for (let b = 0; b < n; b++) lengths[b]++;
  let lengthTensor = tensor(lengths, { dtype: 'int64' });
  if (sequence.unsortedIndices !== null) {
    padded = padded.indexSelect(batchFirst ? 0 : 1, sequence.unsortedIndices);
    lengthTensor = lengthTensor.indexSelect(0, sequence.unsortedIndices);
  }
  return [padded, lengthTensor];
}

/** packPaddedSequence(padSequence(sequences), their lengths, enforceSorted): pack_sequence(sequences, enforceSorted=true). */
export function packSequence(...args: ArgsOf<typeof packSequenceArgs>): PackedSequence {
  const { sequences, enforceSorted } = packSequenceArgs.parse(args);
  return packPaddedSequence(padSequence(sequences), sequences.map((s) => s.shape[0]), { enforceSorted });
}

/**
 * The list of unpadded sequences of a padded batch: unpad_sequence(paddedSequences, lengths,
 * batchFirst=false). As PyTorch's, a time-major input is transposed in place (transpose_(0, 1)).
 */
export function unpadSequence(...args: ArgsOf<typeof unpadArgs>): Tensor[] {
  const { paddedSequences, lengths, batchFirst } = unpadArgs.parse(args);
  if (!batchFirst) paddedSequences.transpose_(0, 1);
  const idx = arange(paddedSequences.shape[1]);
  return lengthValues(lengths).map((n, b) => paddedSequences.select(0, b).index(idx.lt(n)));
}

/** The list of sequences a PackedSequence holds, in the original order: unpack_sequence(packedSequences). */
export function unpackSequence(...args: ArgsOf<typeof unpackArgs>): Tensor[] {
  const { packedSequences } = unpackArgs.parse(args);
  const [padded, lengths] = padPackedSequence(packedSequences, true);
  return unpadSequence(padded, lengths, true);
}
