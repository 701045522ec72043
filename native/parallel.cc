// The thread pool. A job is n parts; the calling thread and the workers claim parts
// from one atomic counter, so on a busy machine a worker the OS has not scheduled
// simply finds nothing left to do: the caller runs that part itself instead of
// waiting for it (machines here are shared; FACTS.md on oversubscription).
//
// Claims are tagged with the job's sequence number: a worker that wakes late can
// never run a part of a job that already ended, nor touch its (stack) context.
#include "parallel.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "common.h"

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#define TL_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define TL_PAUSE() asm volatile("yield")
#else
#define TL_PAUSE() ((void)0)
#endif

namespace tl {

namespace {

// An idle worker spins briefly for the next job (training loops issue kernels every
// few microseconds; waking a sleeping thread costs tens), then yields its core to
// whatever else is runnable, then sleeps.
constexpr auto kSpin = std::chrono::microseconds(30);
constexpr auto kYield = std::chrono::microseconds(300);

int default_threads() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

thread_local bool t_in_job = false;

struct Pool {
  std::mutex mu;  // with cv: sleeping workers
  std::condition_variable cv;
  std::mutex owner;  // held by the JS thread that runs a job
  std::vector<std::thread> workers;
  std::atomic<bool> stop{false};
  int sleeping = 0;  // guarded by mu
  int size = 1;      // threads including the caller

  // The current job. `seq` is bumped (odd while the descriptor is written) around
  // every change of fn/ctx/parts, as a seqlock; `claim` holds (seq << 32) | next part.
  std::atomic<uint64_t> seq{0};
  std::atomic<JobFn> fn{nullptr};
  std::atomic<void*> ctx{nullptr};
  std::atomic<int> parts{0};
  std::atomic<uint64_t> claim{0};
  std::atomic<int> done{0};

  // Claims and runs parts of job `s` until none is left.
  void work(uint64_t s, JobFn f, void* c, int n) {
    for (;;) {
      uint64_t v = claim.load(std::memory_order_acquire);
      if ((v >> 32) != s) return;
      const int part = static_cast<int>(v & 0xffffffffu);
      if (part >= n) return;
      if (!claim.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) continue;
      t_in_job = true;
      f(c, part, n);
      t_in_job = false;
      done.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void worker() {
    uint64_t seen = 0;
    for (;;) {
      // Spin, then sleep, until a new job (or stop).
      auto start = std::chrono::steady_clock::now();
      int spins = 0;
      while (seq.load(std::memory_order_acquire) == seen && !stop.load(std::memory_order_relaxed)) {
        TL_PAUSE();
        if (++spins == 64) {
          spins = 0;
          const auto idle = std::chrono::steady_clock::now() - start;
          if (idle > kSpin && idle <= kYield) std::this_thread::yield();
          if (idle > kYield) {
            std::unique_lock<std::mutex> lock(mu);
            sleeping++;
            cv.wait(lock, [&] { return seq.load(std::memory_order_acquire) != seen || stop.load(); });
            sleeping--;
            start = std::chrono::steady_clock::now();
          }
        }
      }
      if (stop.load()) return;
      // Read a consistent descriptor (seqlock), then help with that job.
      const uint64_t s1 = seq.load(std::memory_order_acquire);
      if (s1 & 1) continue;  // being written
      JobFn f = fn.load(std::memory_order_acquire);
      void* c = ctx.load(std::memory_order_acquire);
      const int n = parts.load(std::memory_order_acquire);
      if (seq.load(std::memory_order_acquire) != s1) continue;
      seen = s1;
      work(s1, f, c, n);
    }
  }

  void resize(int n) {
    if (n < 1) n = 1;
    if (n > 256) n = 256;
    if (n == size && static_cast<int>(workers.size()) == n - 1) return;
    stop.store(true);
    {
      std::lock_guard<std::mutex> lock(mu);
      cv.notify_all();
    }
    for (auto& t : workers) t.join();
    workers.clear();
    stop.store(false);
    size = n;
    for (int i = 1; i < n; i++) workers.emplace_back([this] { worker(); });
  }
};

Pool& pool() {
  static Pool* p = [] {
    Pool* q = new Pool();  // never destroyed: workers must outlive late kernel calls at exit
    q->resize(default_threads());
    return q;
  }();
  return *p;
}

}  // namespace

int num_threads() { return pool().size; }

void set_num_threads(int n) {
  Pool& p = pool();
  std::lock_guard<std::mutex> own(p.owner);
  p.resize(n);
}

void run_parallel(int n, JobFn fn, void* ctx) {
  Pool& p = pool();
  if (n > p.size) n = p.size;
  if (n <= 1 || t_in_job || !p.owner.try_lock()) {
    fn(ctx, 0, 1);
    return;
  }
  // Publish the job: seq odd while the descriptor changes, then even and claimable.
  const uint64_t s = p.seq.load(std::memory_order_relaxed) + 2;
  p.seq.store(s - 1, std::memory_order_release);
  p.fn.store(fn, std::memory_order_relaxed);
  p.ctx.store(ctx, std::memory_order_relaxed);
  p.parts.store(n, std::memory_order_relaxed);
  p.done.store(0, std::memory_order_relaxed);
  p.claim.store(s << 32, std::memory_order_release);
  p.seq.store(s, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(p.mu);
    if (p.sleeping > 0) p.cv.notify_all();
  }
  p.work(s, fn, ctx, n);
  int spins = 0;
  while (p.done.load(std::memory_order_acquire) != n) {
    TL_PAUSE();
    if (++spins > 2048) std::this_thread::yield();
  }
  p.owner.unlock();
}

// ---- Scratch memory ----

Scratch& thread_scratch(int slot) {
  thread_local Scratch slots[kScratchSlots];
  return slots[slot];
}

}  // namespace tl
