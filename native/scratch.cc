// Scratch buffers (common.h): one grow-only, 64-byte-aligned block per slot, shared by the
// threaded pool (parallel.cc) and the single-threaded WebAssembly build (wasm/parallel_serial.cc).
#include <cstdlib>

#include "common.h"

namespace tl {

void* Scratch::get(size_t need) {
  if (need <= bytes) return p;
  if (p) std::free(p);
  size_t size = (need + 63) & ~static_cast<size_t>(63);
  p = std::aligned_alloc(64, size);
  bytes = p ? size : 0;
  return p;
}

Scratch::~Scratch() {
  if (p) std::free(p);
}

}  // namespace tl
