// PyTorch 1.13's public names (test/fixtures/api_names.json, written by
// scripts/fixtures/api_names.py from real PyTorch) against torchlette's: every name
// either has a camelCased counterpart or sits on the commented LEFT_OUT list below.
// The floors are the coverage reached so far; raising them is how the gaps close.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../src/index.js';
import { loadFixture } from './helpers/fixtures.js';

const names = loadFixture<Record<Namespace, string[]>>('api_names.json');
type Namespace = 'nn' | 'functional' | 'optim' | 'lrScheduler' | 'init' | 'linalg' | 'tensor' | 'torchFunctions';

/** PyTorch's snake_case name as torchlette spells it: index_add_ -> indexAdd_, atleast_1d -> atleast1d. */
export function camel(name: string): string {
  const inplace = name.endsWith('_') ? '_' : '';
  const base = inplace ? name.slice(0, -1) : name;
  return base.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) + inplace;
}

// Names torchlette deliberately does not offer, by reason. A pattern covers a family.
const LEFT_OUT: Record<string, (string | RegExp)[]> = {
  'CUDA, other devices and vendor libraries (torchlette runs on the CPU; Tensor.cpu() and .to() exist)': [
    'cuda', 'is_cuda', 'ipu', 'is_ipu', 'xpu', 'is_xpu', 'is_mps', 'is_vulkan', 'is_ort', 'is_meta', 'is_mkldnn', 'to_mkldnn',
    'record_stream', 'pin_memory', 'is_pinned', 'is_vulkan_available', /^cudnn_/, /^miopen_/, /^mkldnn_/, /^fbgemm_/,
  ],
  'quantized tensors (no quantized dtypes)': [
    /^q_/, 'int_repr', 'dequantize', /^quantize_per/, /^quantized_/, 'qscheme', /^fake_quantize/, 'choose_qparams_optimized',
    'fused_moving_avg_obs_fake_quant', 'empty_quantized', 'is_quantized',
  ],
  'sparse layouts (torchlette tensors are strided; Embedding(sparse=True) is refused)': [
    /^to_sparse/, 'is_sparse', 'is_sparse_csr', 'coalesce', 'is_coalesced', 'indices', 'values', 'crow_indices', 'col_indices',
    'ccol_indices', 'row_indices', 'dense_dim', 'sparse_dim', 'sparse_mask', /^sparse_resize/, 'to_dense', 'smm', 'sspaddmm',
    'hspmm', 'dsmm', 'hsmm', 'saddmm', /^sparse_.*_tensor$/, /_indices_copy$/, 'values_copy', 'indices_copy', 'resize_as_sparse_',
    'to_padded_tensor', 'is_nested',
  ],
  'complex numbers (no complex dtypes)': [
    'H', 'mH', 'conj', 'conj_physical', 'conj_physical_', 'is_conj', 'resolve_conj', 'angle', 'real', 'imag', 'cdouble', 'cfloat',
    'chalf', 'polar', 'complex', /^view_as_(real|complex)/, 'stft', 'istft', 'linalg.eig', 'linalg.eigvals',
  ],
  'float16 and bfloat16 (no half-precision dtypes)': ['half', 'bfloat16'],
  'named tensors (a prototype feature in PyTorch)': ['align_as', 'align_to', 'has_names', 'names', 'refine_names', 'rename', 'rename_', 'name', 'align_tensors'],
  'TorchScript, typing helpers and interpreter internals': [
    'import_ir_module', 'import_ir_module_from_buffer', 'parse_ir', 'parse_schema', 'parse_type_comment', 'merge_type_from_type_comment',
    'unify_type_list', 'fork', 'wait', 'classproperty', 'candidate', 'obj', 'Callable', 'Set', 'Union', 'compiled_with_cxx11_abi',
    'prepare_multiprocessing_environment', 'read_vitals', 'set_vital', 'vitals_enabled', 'set_flush_denormal',
  ],
  'autocast / mixed precision (no reduced-precision dtypes to cast to)': [/autocast/],
  'removed or deprecated in 1.13 with a linalg replacement (use torch.linalg.*)': [
    'symeig', 'eig', 'lstsq', 'solve', 'matrix_rank', 'reinforce', 'volatile', 'torch.chain_matmul',
  ],
  'raw memory, processes and foreign buffers (data lives in JS typed arrays)': [
    'data_ptr', 'storage_type', 'is_shared', 'share_memory_', 'set_', 'is_set_to', 'from_dlpack', 'to_dlpack', 'numpy', 'from_numpy',
    'from_file', 'get_file_path', 'resize', 'resize_as', 'as_subclass',
  ],
  "SyncBatchNorm's raw kernels (nn.SyncBatchNorm computes them with ops)": [/^batch_norm_(backward|elemt|gather|stats|update)/],
  "internal kernels behind public functions (native_*, *_copy twins of views, the grid sampler's raw entry points)": [
    /^native_/, /_copy$/, 'grid_sampler', 'grid_sampler_2d', 'grid_sampler_3d', 'affine_grid_generator', 'norm_except_dim', 'segment_reduce',
    'conv_tbc', 'embedding_renorm_',
  ],
  'the abstract base classes of torch.nn that are not used directly': ['Container', 'RNNBase', 'RNNCellBase'],
};

function leftOut(ns: Namespace, name: string): boolean {
  const qualified = ns === 'linalg' ? `linalg.${name}` : ns === 'torchFunctions' ? `torch.${name}` : name;
  return Object.values(LEFT_OUT).some((list) => list.some((p) => (typeof p === 'string' ? p === name || p === qualified : p.test(name))));
}

const tensorInstance = torch.zeros(1) as unknown as Record<string, unknown>;
const lookup: Record<Namespace, (name: string) => unknown> = {
  nn: (n) => (torch.nn as Record<string, unknown>)[n],
  functional: (n) => (torch.nn.functional as Record<string, unknown>)[camel(n)],
  optim: (n) => (torch.optim as Record<string, unknown>)[n],
  lrScheduler: (n) => (torch.optim.lrScheduler as Record<string, unknown>)[n],
  init: (n) => (torch.nn.init as Record<string, unknown>)[camel(n)],
  linalg: (n) => ((torch as Record<string, unknown>).linalg as Record<string, unknown> | undefined)?.[camel(n)],
  tensor: (n) => (camel(n) in tensorInstance ? true : undefined),
  torchFunctions: (n) => (torch as Record<string, unknown>)[camel(n)],
};

/** Coverage reached so far, per namespace (fraction of the names not left out). */
const FLOOR: Record<Namespace, number> = {
  nn: 1, functional: 1, optim: 1, lrScheduler: 1, init: 1, linalg: 1, tensor: 0.985, torchFunctions: 0.97,
};

export function coverage(ns: Namespace): { have: number; total: number; missing: string[] } {
  const counted = names[ns].filter((n) => !leftOut(ns, n));
  const missing = counted.filter((n) => lookup[ns](n) === undefined);
  return { have: counted.length - missing.length, total: counted.length, missing };
}

for (const ns of Object.keys(FLOOR) as Namespace[]) {
  test(`${ns}: PyTorch's public names have torchlette counterparts`, () => {
    const { have, total, missing } = coverage(ns);
    const ratio = have / total;
    if (process.env.API_COVERAGE_REPORT) console.log(`${ns}: ${have}/${total} (${(100 * ratio).toFixed(1)}%) missing: ${missing.map(camel).join(' ')}`);
    assert.ok(ratio >= FLOOR[ns], `${ns}: ${have}/${total} = ${(100 * ratio).toFixed(1)}% < floor ${100 * FLOOR[ns]}%; missing: ${missing.map(camel).join(', ')}`);
  });
}

test('every left-out name exists in PyTorch 1.13 (the list names real things)', () => {
  const all = new Set(Object.values(names).flat().concat(names.linalg.map((n) => `linalg.${n}`), names.torchFunctions.map((n) => `torch.${n}`)));
  for (const list of Object.values(LEFT_OUT)) {
    for (const p of list) {
      if (typeof p === 'string') assert.ok(all.has(p), `left-out name ${p} is not a PyTorch name`);
      else assert.ok([...all].some((n) => p.test(n)), `left-out pattern ${p} matches no PyTorch name`);
    }
  }
});
