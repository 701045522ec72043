// native/parallel.cc for the threaded WebAssembly build (wasm threads: shared memory +
// atomics, no std::thread). The workers are Web Workers / worker_threads that
// src/backend/wasm/threads.ts starts, each instantiating this module over the same
// shared memory and then calling tl_worker_main, which never returns: it waits for
// jobs here. The JS thread that calls the kernels publishes a job and runs parts of it
// itself, like the native pool's caller.
//
// A job is n parts claimed one at a time from an atomic counter by whoever is awake
// (the caller included), so a job completes even when no worker has started yet (a
// worker starts some milliseconds after its Worker is created) or a worker is parked
// by the OS: parts never wait on one another. Which thread runs which part does not
// change a result: the kernels' parts write disjoint outputs (or partials indexed by
// part).
//
// Waiting: workers spin briefly after a job (back-to-back kernels start fast), then
// sleep in memory.atomic.wait32. The caller waits for the last part by spinning, then,
// where its thread may block (Node's main thread may; a browser page's main thread may
// not: Atomics.wait throws there), in memory.atomic.wait32. Every sleep has a timeout
// and re-checks what it waits for, so a missed notify costs at most kSleepNs instead
// of a hang, and a thread that must stop (a worker terminated at process exit) is
// never parked forever; the caller counts its sleeps that timed out with no part
// finished (tl_pool_stalls: tests assert none happen on tiny jobs).
//
// A worker whose part traps (a kernel fault) catches it in its JS start function and
// calls tl_worker_failed: the caller, which would otherwise wait forever for that part,
// traps too (the JS side turns that into an error naming the failure) and later jobs
// run on the calling thread alone.
//
// No thread_local (the C library here is built without threads): a thread is told
// apart by its stack, which tl_worker_main's caller allocated (see thread_index).
#include <atomic>
#include <cstdint>
#include <cstdlib>

#include "../common.h"
#include "../parallel.h"

namespace tl {
namespace {

constexpr int kMaxThreads = 64;  // the caller + 63 workers
constexpr int kSpin = 1 << 16;   // polls before sleeping (tens of microseconds)
constexpr int64_t kSleepNs = 1000000000;  // the longest sleep before re-checking (1 s)

// The job descriptor. `gen` changes (odd while the descriptor is written) when a job is
// published; workers sleep on it.
std::atomic<int32_t> g_gen{0};
std::atomic<JobFn> g_fn{nullptr};
std::atomic<void*> g_ctx{nullptr};
std::atomic<int32_t> g_parts{0};
// (gen << 32) | the next unclaimed part: a claim names its job, so a worker that read
// a finished job's descriptor claims nothing of the next one.
std::atomic<uint64_t> g_claim{0};
std::atomic<int32_t> g_done{0};  // parts finished; the caller sleeps on it
std::atomic<int32_t> g_in_job{0};
std::atomic<int32_t> g_failed{0};  // a worker's part trapped: no more jobs for workers
std::atomic<const char*> g_failure{nullptr};  // the worker's error text (may be null)
std::atomic<int32_t> g_stalls{0};  // caller sleeps that timed out with no part finished

int g_threads = 1;         // what num_threads() reports (setNumThreads / the default)
int g_main_can_wait = 0;   // the caller's thread may block (Node), or must spin (a page)
std::atomic<int32_t> g_workers{0};  // workers that have entered tl_worker_main
uintptr_t g_stack_lo[kMaxThreads], g_stack_hi[kMaxThreads];  // worker i's stack (index 0 unused)

Scratch g_scratch[kMaxThreads][kScratchSlots];

int32_t* addr(std::atomic<int32_t>& a) { return reinterpret_cast<int32_t*>(&a); }

// Sleeps while `a` holds `value`, at most kSleepNs; true when it timed out.
bool wait_while(std::atomic<int32_t>& a, int32_t value) {
  return __builtin_wasm_memory_atomic_wait32(addr(a), value, kSleepNs) == 2;
}

void notify(std::atomic<int32_t>& a) { __builtin_wasm_memory_atomic_notify(addr(a), ~0u); }

// Claims and runs parts of job `gen` until none is left.
void help(int32_t gen, JobFn fn, void* ctx, int n) {
  for (;;) {
    uint64_t c = g_claim.load(std::memory_order_acquire);
    int part;
    do {
      if (static_cast<int32_t>(c >> 32) != gen) return;
      part = static_cast<int>(c & 0xffffffffu);
      if (part >= n) return;
    } while (!g_claim.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel));
    fn(ctx, part, n);
    if (g_done.fetch_add(1, std::memory_order_acq_rel) + 1 == n) notify(g_done);
  }
}

// 0 for the caller's thread, i for worker i: the worker whose stack holds a local of
// this call. Workers' stacks are disjoint blocks the JS side allocated.
int thread_index() {
  volatile char here = 0;
  const uintptr_t sp = reinterpret_cast<uintptr_t>(&here);
  const int w = g_workers.load(std::memory_order_acquire);
  for (int i = 1; i <= w; i++)
    if (sp >= g_stack_lo[i] && sp < g_stack_hi[i]) return i;
  return 0;
}

}  // namespace

int num_threads() { return g_threads; }

void set_num_threads(int n) { g_threads = n < 1 ? 1 : n > kMaxThreads ? kMaxThreads : n; }

void run_parallel(int n, JobFn fn, void* ctx) {
  if (n > g_threads) n = g_threads;
  // Nested (a part that starts a job), no worker yet or a worker failed: the whole job
  // here, in order.
  if (n <= 1 || g_in_job.load(std::memory_order_acquire) || g_workers.load(std::memory_order_acquire) == 0 ||
      g_failed.load(std::memory_order_acquire)) {
    for (int tid = 0; tid < n; tid++) fn(ctx, tid, n);
    return;
  }
  g_in_job.store(1, std::memory_order_release);
  const int32_t gen = g_gen.load(std::memory_order_relaxed);
  g_gen.store(gen + 1, std::memory_order_release);  // odd: being written
  g_fn.store(fn, std::memory_order_relaxed);
  g_ctx.store(ctx, std::memory_order_relaxed);
  g_parts.store(n, std::memory_order_relaxed);
  g_done.store(0, std::memory_order_relaxed);
  g_claim.store(static_cast<uint64_t>(static_cast<uint32_t>(gen + 2)) << 32, std::memory_order_release);
  g_gen.store(gen + 2, std::memory_order_release);
  notify(g_gen);
  help(gen + 2, fn, ctx, n);
  for (int i = 0; g_done.load(std::memory_order_acquire) < n; i++) {
    if (g_failed.load(std::memory_order_acquire)) {
      g_in_job.store(0, std::memory_order_release);
      __builtin_trap();  // the failed part will never finish; addon.ts reports why
    }
    if (g_main_can_wait && i >= kSpin) {
      const int32_t d = g_done.load(std::memory_order_acquire);
      if (d < n && wait_while(g_done, d) && g_done.load(std::memory_order_acquire) == d) g_stalls.fetch_add(1);
    }
  }
  g_in_job.store(0, std::memory_order_release);
}

Scratch& thread_scratch(int slot) { return g_scratch[thread_index()][slot]; }

}  // namespace tl

#define EXPORT(name) extern "C" __attribute__((export_name(#name), visibility("default")))

// Whether the calling JS thread may block in Atomics.wait (1 in Node, 0 on a page's
// main thread).
EXPORT(tl_set_main_can_wait) void tl_set_main_can_wait(int32_t can) { tl::g_main_can_wait = can; }

// A worker's stack (64-byte aligned), or 0.
EXPORT(tl_alloc_stack) void* tl_alloc_stack(uint32_t bytes) { return std::malloc(bytes); }

// Workers that have started (entered tl_worker_main).
EXPORT(tl_workers) int32_t tl_workers() { return tl::g_workers.load(); }

// Called by a worker's JS start function when its part trapped (threads.ts): wakes the
// caller, which then traps instead of waiting for that part.
// `text`: the error, 0-terminated (or null).
EXPORT(tl_worker_failed) void tl_worker_failed(const char* text) {
  tl::g_failure.store(text);
  tl::g_failed.store(1);
  tl::notify(tl::g_done);
}

// Whether a worker failed (the pool is then off): 0, or its error text.
EXPORT(tl_pool_failure) const char* tl_pool_failure() {
  return tl::g_failed.load() ? (tl::g_failure.load() ? tl::g_failure.load() : "(no message)") : nullptr;
}

// Tests the failure path: a job whose part traps when a worker runs it (the caller's
// part waits for that, at most a second or two).
EXPORT(tl_test_worker_trap) void tl_test_worker_trap() {
  tl::run_parallel(
      2,
      [](void*, int, int) {
        if (tl::thread_index() != 0) __builtin_trap();
        for (int i = 0; i < 1000000000 && !tl::g_failed.load(); i++) {
        }
      },
      nullptr);
}

// The caller's sleeps that timed out without progress (a missed wake-up costs one).
EXPORT(tl_pool_stalls) int32_t tl_pool_stalls() { return tl::g_stalls.load(); }

// A worker's loop, called once on its thread with its stack [lo, hi) (already the
// stack pointer's range: the JS side set __stack_pointer to hi). Never returns.
EXPORT(tl_worker_main) void tl_worker_main(uint32_t lo, uint32_t hi) {
  using namespace tl;
  // Register the stack before counting the worker in: thread_index reads both.
  static std::atomic<int32_t> s_slots{0};
  const int me = s_slots.fetch_add(1) + 1;
  if (me >= kMaxThreads) return;
  g_stack_lo[me] = lo;
  g_stack_hi[me] = hi;
  // Workers are counted in order: wait for the ones registered before this one.
  while (g_workers.load(std::memory_order_acquire) != me - 1) {
  }
  g_workers.store(me, std::memory_order_release);
  int32_t seen = g_gen.load(std::memory_order_acquire);
  for (;;) {
    int32_t gen = 0;
    for (int i = 0;; i++) {
      gen = g_gen.load(std::memory_order_acquire);
      if (gen != seen && !(gen & 1)) break;
      if (i >= kSpin) {
        wait_while(g_gen, gen);
        i = 0;
      }
    }
    seen = gen;
    // Read the descriptor, then check it is still this job's (it may already be done
    // and the next one half-written).
    JobFn fn = g_fn.load(std::memory_order_acquire);
    void* ctx = g_ctx.load(std::memory_order_acquire);
    const int n = g_parts.load(std::memory_order_acquire);
    if (g_gen.load(std::memory_order_acquire) != gen) continue;
    help(gen, fn, ctx, n);
  }
}
