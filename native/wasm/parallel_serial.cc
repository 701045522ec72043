// native/parallel.cc for the single-threaded WebAssembly build (no std::thread in
// wasi-libc without the threads proposal): one thread, every job runs its parts in
// order on the calling thread. The kernels never wait on one another inside a job
// (no barriers), so running parts one after another is the same computation.

#include "../common.h"
#include "../parallel.h"

namespace tl {

int num_threads() { return 1; }

// One thread only: requests for more are accepted and ignored (getNumThreads says 1).
void set_num_threads(int) {}

void run_parallel(int n, JobFn fn, void* ctx) {
  for (int tid = 0; tid < n; tid++) fn(ctx, tid, n);
}

Scratch& thread_scratch(int slot) {
  static Scratch slots[kScratchSlots];
  return slots[slot];
}

}  // namespace tl
