// A persistent thread pool: workers are created once (and on setNumThreads), spin
// briefly after each job so back-to-back kernels start fast, then sleep. The calling
// (JS) thread always runs part 0 of a job itself.
#pragma once

#include <atomic>
#include <cstdint>

namespace tl {

using JobFn = void (*)(void* ctx, int tid, int nthreads);

// Threads a kernel may use (the pool size + the caller). Default: the CPUs this
// process may run on.
int num_threads();
void set_num_threads(int n);

// Runs fn(ctx, tid, n) for tid in [0, n) on n threads and returns when all are done.
// Runs inline (n = 1) when called from inside a job or while another JS thread holds
// the pool, so nested parallel kernels never deadlock or oversubscribe.
void run_parallel(int n, JobFn fn, void* ctx);

template <class F> void parallel(int n, F&& f) {
  if (n <= 1) {
    f(0, 1);
    return;
  }
  run_parallel(
      n, [](void* ctx, int tid, int nth) { (*static_cast<F*>(ctx))(tid, nth); }, &f);
}

// Threads worth using for `work` units when one thread should get at least `grain`.
inline int threads_for(int64_t work, int64_t grain) {
  int n = num_threads();
  int64_t useful = work / (grain > 0 ? grain : 1);
  if (useful < n) n = useful < 1 ? 1 : static_cast<int>(useful);
  return n;
}

// [begin, end) of part `tid` of `n` parts of [0, total).
inline void split_range(int64_t total, int tid, int n, int64_t& begin, int64_t& end) {
  int64_t base = total / n, extra = total % n;
  begin = tid * base + (tid < extra ? tid : extra);
  end = begin + base + (tid < extra ? 1 : 0);
}

}  // namespace tl
