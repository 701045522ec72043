// malloc for the threaded WebAssembly build. Debian's wasi-libc is built without
// threads, so its dlmalloc takes no lock; kernels allocate on worker threads (scratch
// buffers, std::vector partials), so this file replaces it (defining these symbols
// keeps the linker from pulling dlmalloc out of libc.a): size classes of 4 steps per
// power of two from 64 bytes, one free list per class, one spin lock, memory from memory.grow
// (memory.grow: wasi-libc's sbrk takes whole pages only). Freed blocks are reused, never returned: the kernels'
// buffers are grow-only scratch and short-lived vectors, so the working set stays that
// of the largest call. Every block is 64-byte aligned (SIMD loads, aligned_alloc(64)).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

constexpr size_t kHeader = 64;  // keeps the payload 64-byte aligned; the class is stored in it
constexpr int kClasses = 4 * 27;  // up to 64 << 26 = 4 GiB

struct FreeBlock {
  FreeBlock* next;
};

std::atomic<int32_t> g_lock{0};
FreeBlock* g_free[kClasses];
extern "C" char __heap_base;  // the first free byte after the data and the stack (wasm-ld)
uintptr_t g_top = 0, g_end = 0;  // the unused rest of the last growth

// `bytes` (a multiple of 64) at a 64-byte aligned address, or 0. Called under the lock.
uintptr_t grow(size_t bytes) {
  if (g_top == 0) {
    g_top = (reinterpret_cast<uintptr_t>(&__heap_base) + 63) & ~uintptr_t(63);
    g_end = static_cast<uintptr_t>(__builtin_wasm_memory_size(0)) * 65536;
  }
  if (g_end - g_top < bytes) {
    const size_t need = bytes - (g_end - g_top);
    const size_t pages = (need + 65535) / 65536;
    const intptr_t old = __builtin_wasm_memory_grow(0, pages);
    if (old < 0) return 0;
    const uintptr_t start = static_cast<uintptr_t>(old) * 65536;
    if (start != g_end) g_top = start;  // someone else grew the memory in between
    g_end = start + pages * 65536;
    if (g_end - g_top < bytes) return 0;
  }
  const uintptr_t p = g_top;
  g_top += bytes;
  return p;
}

struct Lock {
  Lock() {
    int32_t expected = 0;
    while (!g_lock.compare_exchange_weak(expected, 1, std::memory_order_acquire)) expected = 0;
  }
  ~Lock() { g_lock.store(0, std::memory_order_release); }
};

// The class holding `n` bytes, and its size: 64 << e scaled by (4 + m) / 4.
int class_of(size_t n) {
  if (n <= 64) return 0;
  const int e = 31 - __builtin_clz(static_cast<uint32_t>((n - 1) >> 6));  // 64 << e < n
  // 4 steps between 64 << e and 64 << (e + 1): the first step that holds n.
  const size_t base = size_t(64) << e;
  int m = 1;
  while (m < 4 && base + (base >> 2) * m < n) m++;
  return 4 * e + m;  // class 4e + m has size base * (4 + m) / 4; m = 4 is the next power
}

size_t class_size(int c) {
  if (c == 0) return 64;
  const int e = (c - 1) / 4, m = (c - 1) % 4 + 1;
  const size_t base = size_t(64) << e;
  return base + (base >> 2) * m;
}

void* alloc(size_t n) {
  if (n > (size_t(3) << 30)) return nullptr;
  const int c = class_of(n == 0 ? 1 : n);
  const size_t size = class_size(c);
  Lock lock;
  if (FreeBlock* b = g_free[c]) {
    g_free[c] = b->next;
    return b;
  }
  const uintptr_t got = grow(kHeader + ((size + 63) & ~size_t(63)));
  if (got == 0) return nullptr;
  char* payload = reinterpret_cast<char*>(got + kHeader);
  reinterpret_cast<int32_t*>(payload)[-1] = c;
  return payload;
}

int class_of_block(void* p) { return reinterpret_cast<int32_t*>(p)[-1]; }

}  // namespace

extern "C" {

// Failures return null without setting errno: errno is thread-local once atomics are
// on, and this C library has no thread-local storage set up (nothing here reads it).
void* malloc(size_t n) { return alloc(n); }

void free(void* p) {
  if (!p) return;
  const int c = class_of_block(p);
  Lock lock;
  FreeBlock* b = static_cast<FreeBlock*>(p);
  b->next = g_free[c];
  g_free[c] = b;
}

void* calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return nullptr;
  void* p = malloc(count * size);
  if (p) std::memset(p, 0, count * size);
  return p;
}

size_t malloc_usable_size(void* p) { return p ? class_size(class_of_block(p)) : 0; }

void* realloc(void* p, size_t n) {
  if (!p) return malloc(n);
  const size_t have = malloc_usable_size(p);
  if (n <= have) return p;
  void* q = malloc(n);
  if (!q) return nullptr;
  std::memcpy(q, p, have);
  free(p);
  return q;
}

// Blocks are 64-byte aligned; larger alignments are refused (nothing here asks).
void* aligned_alloc(size_t align, size_t n) {
  if (align > 64 || (align & (align - 1))) return nullptr;
  return malloc(n);
}

int posix_memalign(void** out, size_t align, size_t n) {
  if (align > 64 || (align & (align - 1)) || align < sizeof(void*)) return 22;  // EINVAL
  void* p = malloc(n);
  if (!p) return 48;  // ENOMEM (WASI's value)
  *out = p;
  return 0;
}

void* memalign(size_t align, size_t n) { return aligned_alloc(align, n); }

// wasi-libc's internal names for the same functions (defined here too, or the linker
// pulls in dlmalloc for them).
void* __libc_malloc(size_t n) { return malloc(n); }
void __libc_free(void* p) { free(p); }
void* __libc_calloc(size_t count, size_t size) { return calloc(count, size); }

}  // extern "C"
