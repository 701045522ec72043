// Rounding of scalars that torchvision does in Python (round()) or that ATen's kernels
// do with nearbyint (grid_sample's nearest mode): halves go to the even neighbour.
// Tensors are rounded with Tensor.round(), which does the same.

/** Python's round(v) / C's nearbyint(v): round half to even. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
