// Attention: F.scaledDotProductAttention (PyTorch 2.0's public function, computed as
// PyTorch 1.13's _scaled_dot_product_attention_math) and F.multiHeadAttentionForward
// (PyTorch 1.13's, line for line). Both are compositions of tensor ops that run on
// native kernels (linear/bmm/matmul GEMMs, softmax, masked fill), so autograd comes free.
import { cat } from '../../ops/join.js';
import { bmm } from '../../ops/matmul.js';
import { bool, int, nullable, number, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import { arange, zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { softmax } from './activation.js';
import { dropout } from './dropout.js';
import { linear } from './linear.js';
import { sameShape, sizeRepr, tupleRepr } from '../../tensor/shape.js';

/** PyTorch's `assert cond, message` (AssertionError there). */
function check(cond: boolean, message: () => string): asserts cond {
  if (!cond) throw new Error(message());
}


/** A bool mask (true: masked out) as an additive float mask: 0 where kept, -inf where masked. */
function boolToAdditive(mask: Tensor, dtype: Tensor['dtype']): Tensor {
  return zeros(mask.shape, { dtype }).maskedFill_(mask, -Infinity);
}

/** A bool [L, S] mask, true above the diagonal (the keys a causal query may not see). */
function causalBlocked(L: number, S: number): Tensor {
  return arange(S).unsqueeze(0).gt(arange(L).unsqueeze(1));
}

const sdpaArgs = signature('scaledDotProductAttention', [
  ['query', tensor], ['key', tensor], ['value', tensor],
  ['attnMask', nullable(tensor), null], ['dropoutP', number, 0], ['isCausal', bool, false],
] as const);

/**
 * scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False)
 * as PyTorch 2.0: softmax(q k^T / sqrt(E) + mask) v over the last two dims of query (…, L, E),
 * key (…, S, E) and value (…, S, Ev), batch dims broadcast. A bool attnMask marks the
 * positions that take part in attention (true = keep); a float mask is added to the scores.
 * isCausal keeps key j <= query i (top-left aligned) and excludes attnMask. dropoutP is
 * applied to the attention weights (always, as in PyTorch: pass 0 in evaluation).
 */
export function scaledDotProductAttention(...args: ArgsOf<typeof sdpaArgs>): Tensor {
  const { query, key, value, attnMask, dropoutP, isCausal } = sdpaArgs.parse(args);
  if (query.dim() < 2 || key.dim() < 2 || value.dim() < 2) {
    throw new RangeError(`scaledDotProductAttention(): expected query, key and value of at least 2 dims, got ${query.dim()}-D, ${key.dim()}-D and ${value.dim()}-D`);
  }
  if (!(dropoutP >= 0 && dropoutP <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${dropoutP}`);
  const L = query.shape[query.dim() - 2];
  const S = key.shape[key.dim() - 2];
  const E = query.shape[query.dim() - 1];
  let mask: Tensor | null = null;
  if (isCausal) {
    if (attnMask !== null) throw new Error('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True');
    mask = boolToAdditive(causalBlocked(L, S), query.dtype);
  } else if (attnMask !== null) {
    if (attnMask.dtype === 'bool') mask = boolToAdditive(attnMask.logicalNot(), query.dtype);
    else if (attnMask.isFloatingPoint()) mask = attnMask;
    else throw new TypeError(`scaledDotProductAttention(): attn_mask must be a bool or floating-point tensor, not ${attnMask.dtype}`);
  }
  let attn = query.div(Math.sqrt(E)).matmul(key.transpose(-2, -1));
  if (mask !== null) attn = attn.add(mask);
  attn = softmax(attn, -1);
  if (dropoutP > 0) attn = dropout(attn, dropoutP, true);
  return attn.matmul(value);
}

/** _mha_shape_check: whether the inputs are batched, with PyTorch's messages otherwise. */
function mhaShapeCheck(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor | null, attnMask: Tensor | null, numHeads: number): boolean {
  if (query.dim() === 3) {
    check(key.dim() === 3 && value.dim() === 3, () => `For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    if (keyPaddingMask !== null) {
      check(keyPaddingMask.dim() === 2, () => `For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${keyPaddingMask.dim()}-D tensor instead`);
    }
    if (attnMask !== null) {
      check(attnMask.dim() === 2 || attnMask.dim() === 3, () => `For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
    }
    return true;
  }
  if (query.dim() === 2) {
    check(key.dim() === 2 && value.dim() === 2, () => `For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    if (keyPaddingMask !== null) {
      check(keyPaddingMask.dim() === 1, () => `For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${keyPaddingMask.dim()}-D tensor instead`);
    }
    if (attnMask !== null) {
      check(attnMask.dim() === 2 || attnMask.dim() === 3, () => `For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
      if (attnMask.dim() === 3) {
        const expected = [numHeads, query.shape[0], key.shape[0]];
        check(sameShape(attnMask.shape, expected), () => `Expected \`attn_mask\` shape to be ${tupleRepr(expected)} but got ${sizeRepr(attnMask.shape)}`);
      }
    }
    return false;
  }
  throw new Error(`query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`);
}

/** _in_projection_packed: q, k, v through one packed [3E, E] weight (self- and encoder-decoder attention share GEMMs). */
function inProjectionPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | null): Tensor[] {
  const E = q.shape[q.dim() - 1];
  if (k === v) {
    if (q === k) return linear(q, w, b).chunk(3, -1);
    const [wQ, wKv] = w.split([E, E * 2]);
    const [bQ, bKv] = b === null ? [null, null] : b.split([E, E * 2]);
    return [linear(q, wQ, bQ), ...linear(k, wKv, bKv).chunk(2, -1)];
  }
  const [wQ, wK, wV] = w.chunk(3);
  const [bQ, bK, bV] = b === null ? [null, null, null] : b.chunk(3);
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

/** _in_projection: separate q, k, v weights (kdim / vdim differ from embed_dim). */
function inProjection(q: Tensor, k: Tensor, v: Tensor, wQ: Tensor, wK: Tensor, wV: Tensor, bQ: Tensor | null, bK: Tensor | null, bV: Tensor | null): Tensor[] {
  const [Eq, Ek, Ev] = [q.shape[q.dim() - 1], k.shape[k.dim() - 1], v.shape[v.dim() - 1]];
  check(sameShape(wQ.shape, [Eq, Eq]), () => `expecting query weights shape of ${tupleRepr([Eq, Eq])}, but got ${sizeRepr(wQ.shape)}`);
  check(sameShape(wK.shape, [Eq, Ek]), () => `expecting key weights shape of ${tupleRepr([Eq, Ek])}, but got ${sizeRepr(wK.shape)}`);
  check(sameShape(wV.shape, [Eq, Ev]), () => `expecting value weights shape of ${tupleRepr([Eq, Ev])}, but got ${sizeRepr(wV.shape)}`);
  check(bQ === null || sameShape(bQ.shape, [Eq]), () => `expecting query bias shape of ${tupleRepr([Eq])}, but got ${sizeRepr((bQ as Tensor).shape)}`);
  check(bK === null || sameShape(bK.shape, [Eq]), () => `expecting key bias shape of ${tupleRepr([Eq])}, but got ${sizeRepr((bK as Tensor).shape)}`);
  check(bV === null || sameShape(bV.shape, [Eq]), () => `expecting value bias shape of ${tupleRepr([Eq])}, but got ${sizeRepr((bV as Tensor).shape)}`);
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

/** Appends one column of zeros (false for bool masks) to the last dim: F.pad(mask, (0, 1)). */
function padLast(mask: Tensor): Tensor {
  return cat([mask, zeros([...mask.shape.slice(0, -1), 1], { dtype: mask.dtype })], -1);
}

const mhaArgs = signature('multiHeadAttentionForward', [
  ['query', tensor], ['key', tensor], ['value', tensor],
  ['embedDimToCheck', int], ['numHeads', int],
  ['inProjWeight', nullable(tensor)], ['inProjBias', nullable(tensor)],
  ['biasK', nullable(tensor)], ['biasV', nullable(tensor)],
  ['addZeroAttn', bool], ['dropoutP', number],
  ['outProjWeight', tensor], ['outProjBias', nullable(tensor)],
  ['training', bool, true],
  ['keyPaddingMask', nullable(tensor), null],
  ['needWeights', bool, true],
  ['attnMask', nullable(tensor), null],
  ['useSeparateProjWeight', bool, false],
  ['qProjWeight', nullable(tensor), null],
  ['kProjWeight', nullable(tensor), null],
  ['vProjWeight', nullable(tensor), null],
  ['staticK', nullable(tensor), null],
  ['staticV', nullable(tensor), null],
  ['averageAttnWeights', bool, true],
] as const);

/**
 * multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight,
 * in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
 * training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
 * use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None, v_proj_weight=None,
 * static_k=None, static_v=None, average_attn_weights=True), PyTorch 1.13's: inputs are
 * (L, N, E) (sequence first) or unbatched (L, E); bool masks mark what is masked out (true =
 * not attended), float masks are added. Returns [attn_output, attn_weights or null].
 */
export function multiHeadAttentionForward(...args: ArgsOf<typeof mhaArgs>): [Tensor, Tensor | null] {
  const a = mhaArgs.parse(args);
  let { query, key, value, keyPaddingMask, attnMask } = a;
  const { numHeads, inProjWeight, inProjBias, biasK, biasV, staticK, staticV } = a;
  const isBatched = mhaShapeCheck(query, key, value, keyPaddingMask, attnMask, numHeads);
  if (!isBatched) {
    // As PyTorch: three new tensors (so the projections take the three-GEMM path).
    [query, key, value] = [query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)];
    if (keyPaddingMask !== null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  }
  const [tgtLen, bsz, embedDim] = query.shape;
  let srcLen = key.shape[0];
  if (keyPaddingMask !== null && keyPaddingMask.dtype !== 'bool' && !keyPaddingMask.isFloatingPoint()) {
    throw new Error('only bool and floating types of key_padding_mask are supported');
  }
  check(embedDim === a.embedDimToCheck, () => `was expecting embedding dimension of ${a.embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.trunc(embedDim / numHeads);
  check(headDim * numHeads === embedDim, () => `embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  if (a.useSeparateProjWeight) {
    check(sameShape(key.shape.slice(0, 2), value.shape.slice(0, 2)), () => `key's sequence and batch dims ${sizeRepr(key.shape.slice(0, 2))} do not match value's ${sizeRepr(value.shape.slice(0, 2))}`);
  } else {
    check(sameShape(key.shape, value.shape), () => `key shape ${sizeRepr(key.shape)} does not match value shape ${sizeRepr(value.shape)}`);
  }

  // in-projection
  let q: Tensor, k: Tensor, v: Tensor;
  if (!a.useSeparateProjWeight) {
    check(inProjWeight !== null, () => 'use_separate_proj_weight is False but in_proj_weight is None');
    [q, k, v] = inProjectionPacked(query, key, value, inProjWeight, inProjBias);
  } else {
    const { qProjWeight, kProjWeight, vProjWeight } = a;
    check(qProjWeight !== null, () => 'use_separate_proj_weight is True but q_proj_weight is None');
    check(kProjWeight !== null, () => 'use_separate_proj_weight is True but k_proj_weight is None');
    check(vProjWeight !== null, () => 'use_separate_proj_weight is True but v_proj_weight is None');
    const [bQ, bK, bV] = inProjBias === null ? [null, null, null] : inProjBias.chunk(3);
    [q, k, v] = inProjection(query, key, value, qProjWeight, kProjWeight, vProjWeight, bQ, bK, bV);
  }

  // attention mask as 3-D
  if (attnMask !== null) {
    if (attnMask.dtype === 'uint8') {
      attnMask = attnMask.to('bool');
    } else {
      const m = attnMask;
      check(m.isFloatingPoint() || m.dtype === 'bool', () => `Only float, byte, and bool types are supported for attn_mask, not torch.${m.dtype}`);
    }
    if (attnMask.dim() === 2) {
      if (!sameShape(attnMask.shape, [tgtLen, srcLen])) {
        throw new Error(`The shape of the 2D attn_mask is ${sizeRepr(attnMask.shape)}, but should be ${tupleRepr([tgtLen, srcLen])}.`);
      }
      attnMask = attnMask.unsqueeze(0);
    } else if (attnMask.dim() === 3) {
      if (!sameShape(attnMask.shape, [bsz * numHeads, tgtLen, srcLen])) {
        throw new Error(`The shape of the 3D attn_mask is ${sizeRepr(attnMask.shape)}, but should be ${tupleRepr([bsz * numHeads, tgtLen, srcLen])}.`);
      }
    } else {
      throw new Error(`attn_mask's dimension ${attnMask.dim()} is not supported`);
    }
  }

  // bias along the sequence dim
  if (biasK !== null && biasV !== null) {
    check(staticK === null, () => 'bias cannot be added to static key.');
    check(staticV === null, () => 'bias cannot be added to static value.');
    k = cat([k, biasK.repeat(1, bsz, 1)]);
    v = cat([v, biasV.repeat(1, bsz, 1)]);
    if (attnMask !== null) attnMask = padLast(attnMask);
    if (keyPaddingMask !== null) keyPaddingMask = padLast(keyPaddingMask);
  } else {
    check(biasK === null, () => '');
    check(biasV === null, () => '');
  }

  // heads into the batch dim: (N * H, L, headDim)
  q = q.contiguous().view(tgtLen, bsz * numHeads, headDim).transpose(0, 1);
  if (staticK === null) {
    k = k.contiguous().view(k.shape[0], bsz * numHeads, headDim).transpose(0, 1);
  } else {
    check(staticK.size(0) === bsz * numHeads, () => `expecting static_k.size(0) of ${bsz * numHeads}, but got ${staticK.size(0)}`);
    check(staticK.size(2) === headDim, () => `expecting static_k.size(2) of ${headDim}, but got ${staticK.size(2)}`);
    k = staticK;
  }
  if (staticV === null) {
    v = v.contiguous().view(v.shape[0], bsz * numHeads, headDim).transpose(0, 1);
  } else {
    check(staticV.size(0) === bsz * numHeads, () => `expecting static_v.size(0) of ${bsz * numHeads}, but got ${staticV.size(0)}`);
    check(staticV.size(2) === headDim, () => `expecting static_v.size(2) of ${headDim}, but got ${staticV.size(2)}`);
    v = staticV;
  }

  if (a.addZeroAttn) {
    const zeroShape = [bsz * numHeads, 1, headDim];
    k = cat([k, zeros(zeroShape, { dtype: k.dtype })], 1);
    v = cat([v, zeros(zeroShape, { dtype: v.dtype })], 1);
    if (attnMask !== null) attnMask = padLast(attnMask);
    if (keyPaddingMask !== null) keyPaddingMask = padLast(keyPaddingMask);
  }
  srcLen = k.size(1);

  // merge key padding and attention masks
  if (keyPaddingMask !== null) {
    const kpm = keyPaddingMask;
    check(sameShape(kpm.shape, [bsz, srcLen]), () => `expecting key_padding_mask shape of ${tupleRepr([bsz, srcLen])}, but got ${sizeRepr(kpm.shape)}`);
    keyPaddingMask = kpm.view(bsz, 1, 1, srcLen).expand(-1, numHeads, -1, -1).reshape(bsz * numHeads, 1, srcLen);
    if (attnMask === null) attnMask = keyPaddingMask;
    else if (attnMask.dtype === 'bool') attnMask = attnMask.logicalOr(keyPaddingMask);
    else attnMask = attnMask.maskedFill(keyPaddingMask, -Infinity);
  }
  if (attnMask !== null && attnMask.dtype === 'bool') attnMask = boolToAdditive(attnMask, q.dtype);

  const dropoutP = a.training ? a.dropoutP : 0;

  // attention and out-projection
  const E = q.shape[2];
  const qScaled = q.div(Math.sqrt(E));
  let weights = bmm(qScaled, k.transpose(-2, -1));
  // baddbmm(attn_mask, q, k^T): the mask broadcast over the scores.
  if (attnMask !== null) weights = weights.add(attnMask);
  weights = softmax(weights, -1);
  if (dropoutP > 0) weights = dropout(weights, dropoutP);
  let out = bmm(weights, v);
  out = out.transpose(0, 1).contiguous().view(tgtLen * bsz, embedDim);
  out = linear(out, a.outProjWeight, a.outProjBias);
  out = out.view(tgtLen, bsz, out.size(1));

  if (a.needWeights) {
    weights = weights.view(bsz, numHeads, tgtLen, srcLen);
    if (a.averageAttnWeights) weights = weights.sum(1).div(numHeads);
    if (!isBatched) return [out.squeeze(1), weights.squeeze(0)];
    return [out, weights];
  }
  return [isBatched ? out : out.squeeze(1), null];
}
