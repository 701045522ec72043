// The C++ standard library's unstable sorting algorithms as GCC's libstdc++ implements
// them (std::sort = introsort + final insertion sort, std::nth_element = introselect,
// std::partial_sort = heap select + heap sort), step for step, and ATen's
// quick_select_template. PyTorch's CPU kernels (sort, topk, kthvalue, median, mode) call
// these; where equal keys make the order ambiguous, reproducing the algorithm is the
// only way to return the indices PyTorch returns.
//
// Every function permutes `a[first, last)` in place; `less(x, y)` compares two elements
// (the elements are indices into the caller's values, so moving them moves (value, index)
// pairs as ATen's composite iterators do).

export type Less = (x: number, y: number) => boolean;
type Arr = Int32Array | Float64Array | number[];

const THRESHOLD = 16;

function lg(n: number): number {
  return 31 - Math.clz32(n);
}

function swap(a: Arr, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function moveMedianToFirst(a: Arr, result: number, x: number, y: number, z: number, less: Less): void {
  if (less(a[x], a[y])) {
    if (less(a[y], a[z])) swap(a, result, y);
    else if (less(a[x], a[z])) swap(a, result, z);
    else swap(a, result, x);
  } else if (less(a[x], a[z])) swap(a, result, x);
  else if (less(a[y], a[z])) swap(a, result, z);
  else swap(a, result, y);
}

function unguardedPartition(a: Arr, first: number, last: number, pivot: number, less: Less): number {
  for (;;) {
    while (less(a[first], a[pivot])) first++;
    last--;
    while (less(a[pivot], a[last])) last--;
    if (!(first < last)) return first;
    swap(a, first, last);
    first++;
  }
}

function unguardedPartitionPivot(a: Arr, first: number, last: number, less: Less): number {
  const mid = first + ((last - first) >> 1);
  moveMedianToFirst(a, first, first + 1, mid, last - 1, less);
  return unguardedPartition(a, first + 1, last, first, less);
}

function unguardedLinearInsert(a: Arr, last: number, less: Less): void {
  const val = a[last];
  let next = last - 1;
  while (less(val, a[next])) {
    a[last] = a[next];
    last = next;
    next--;
  }
  a[last] = val;
}

function insertionSort(a: Arr, first: number, last: number, less: Less): void {
  if (first === last) return;
  for (let i = first + 1; i !== last; i++) {
    if (less(a[i], a[first])) {
      const val = a[i];
      for (let k = i; k > first; k--) a[k] = a[k - 1];
      a[first] = val;
    } else {
      unguardedLinearInsert(a, i, less);
    }
  }
}

function finalInsertionSort(a: Arr, first: number, last: number, less: Less): void {
  if (last - first > THRESHOLD) {
    insertionSort(a, first, first + THRESHOLD, less);
    for (let i = first + THRESHOLD; i !== last; i++) unguardedLinearInsert(a, i, less);
  } else {
    insertionSort(a, first, last, less);
  }
}

// --- heaps ---

function pushHeap(a: Arr, first: number, hole: number, top: number, value: number, less: Less): void {
  let parent = (hole - 1) >> 1;
  while (hole > top && less(a[first + parent], value)) {
    a[first + hole] = a[first + parent];
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  a[first + hole] = value;
}

function adjustHeap(a: Arr, first: number, hole: number, len: number, value: number, less: Less): void {
  const top = hole;
  let child = hole;
  while (child < ((len - 1) >> 1)) {
    child = 2 * (child + 1);
    if (less(a[first + child], a[first + child - 1])) child--;
    a[first + hole] = a[first + child];
    hole = child;
  }
  if ((len & 1) === 0 && child === ((len - 2) >> 1)) {
    child = 2 * (child + 1);
    a[first + hole] = a[first + child - 1];
    hole = child - 1;
  }
  pushHeap(a, first, hole, top, value, less);
}

function makeHeap(a: Arr, first: number, last: number, less: Less): void {
  const len = last - first;
  if (len < 2) return;
  let parent = (len - 2) >> 1;
  for (;;) {
    adjustHeap(a, first, parent, len, a[first + parent], less);
    if (parent === 0) return;
    parent--;
  }
}

function popHeap(a: Arr, first: number, last: number, result: number, less: Less): void {
  const value = a[result];
  a[result] = a[first];
  adjustHeap(a, first, 0, last - first, value, less);
}

function heapSelect(a: Arr, first: number, middle: number, last: number, less: Less): void {
  makeHeap(a, first, middle, less);
  for (let i = middle; i < last; i++) if (less(a[i], a[first])) popHeap(a, first, middle, i, less);
}

function sortHeap(a: Arr, first: number, last: number, less: Less): void {
  while (last - first > 1) {
    last--;
    popHeap(a, first, last, last, less);
  }
}

// --- the public algorithms ---

function introsortLoop(a: Arr, first: number, last: number, depth: number, less: Less): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      heapSelect(a, first, last, last, less);
      sortHeap(a, first, last, less);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(a, first, last, less);
    introsortLoop(a, cut, last, depth, less);
    last = cut;
  }
}

/** std::sort(first, last, less). */
export function stdSort(a: Arr, first: number, last: number, less: Less): void {
  if (first === last) return;
  introsortLoop(a, first, last, lg(last - first) * 2, less);
  finalInsertionSort(a, first, last, less);
}

/** std::nth_element(first, nth, last, less). */
export function stdNthElement(a: Arr, first: number, nth: number, last: number, less: Less): void {
  if (first === last || nth === last) return;
  let depth = lg(last - first) * 2;
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(a, first, nth + 1, last, less);
      swap(a, first, nth);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(a, first, last, less);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(a, first, last, less);
}

/** std::partial_sort(first, middle, last, less). */
export function stdPartialSort(a: Arr, first: number, middle: number, last: number, less: Less): void {
  heapSelect(a, first, middle, last, less);
  sortHeap(a, first, middle, less);
}

/**
 * ATen's quick_select_template (Sedgewick's partitioning, TH heritage): moves the k-th
 * smallest element (by `gt`, "greater or NaN") of a[0, n) to position k, swapping values
 * and their indices together.
 */
export function quickSelect(vals: Float64Array, idx: Float64Array, n: number, k: number, gt: (x: number, y: number) => boolean): void {
  const sw = (i: number, j: number) => {
    const v = vals[i];
    vals[i] = vals[j];
    vals[j] = v;
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  };
  let L = 0;
  let R = n - 1;
  for (;;) {
    if (R <= L) return;
    if (R === L + 1) {
      if (gt(vals[L], vals[R])) sw(L, R);
      return;
    }
    const P = (L + R) >> 1;
    sw(P, L + 1);
    if (gt(vals[L + 1], vals[R])) sw(L + 1, R);
    if (gt(vals[L], vals[R])) sw(L, R);
    if (gt(vals[L + 1], vals[L])) sw(L + 1, L);
    let i = L + 1;
    let j = R;
    const piv = vals[L];
    for (;;) {
      do i++;
      while (gt(piv, vals[i]));
      do j--;
      while (gt(vals[j], piv));
      if (j < i) break;
      sw(i, j);
    }
    sw(L, j);
    if (j <= k) L = i;
    if (j >= k) R = j - 1;
  }
}
