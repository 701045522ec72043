#include "parallel.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
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

// How long an idle worker spins for the next job before it sleeps. Training loops
// issue kernels every few microseconds; waking a sleeping thread costs tens.
constexpr auto kSpin = std::chrono::microseconds(300);

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

// Each worker has its own job slot, written by the caller only while that worker is
// idle, so a worker can never read a half-written job or run one twice.
struct alignas(64) Slot {
  std::atomic<uint64_t> seq{0};
  JobFn fn = nullptr;
  void* ctx = nullptr;
  int nthreads = 1;
};

struct Pool {
  std::mutex mu;  // with cv: sleeping workers
  std::condition_variable cv;
  std::mutex owner;  // held by the JS thread that runs a job
  std::vector<std::thread> workers;
  Slot* slots = nullptr;
  std::atomic<int> pending{0};
  std::atomic<bool> stop{false};
  int sleeping = 0;
  int size = 1;  // threads including the caller

  void worker(int tid) {
    Slot& slot = slots[tid];
    // Slots start at 0. (Reading the counter here instead could miss a job posted
    // before this thread got to run, and deadlock the caller.)
    uint64_t seen = 0;
    for (;;) {
      // Spin, then sleep, until this slot gets a new job or the pool stops.
      auto start = std::chrono::steady_clock::now();
      int spins = 0;
      while (slot.seq.load(std::memory_order_acquire) == seen && !stop.load(std::memory_order_relaxed)) {
        TL_PAUSE();
        if (++spins == 256) {
          spins = 0;
          if (std::chrono::steady_clock::now() - start > kSpin) {
            std::unique_lock<std::mutex> lock(mu);
            sleeping++;
            cv.wait(lock, [&] { return slot.seq.load(std::memory_order_acquire) != seen || stop.load(); });
            sleeping--;
            start = std::chrono::steady_clock::now();
          }
        }
      }
      if (stop.load()) return;
      seen = slot.seq.load(std::memory_order_acquire);
      t_in_job = true;
      slot.fn(slot.ctx, tid, slot.nthreads);
      t_in_job = false;
      pending.fetch_sub(1, std::memory_order_acq_rel);
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
    delete[] slots;
    slots = new Slot[n];
    stop.store(false);
    size = n;
    for (int tid = 1; tid < n; tid++) workers.emplace_back([this, tid] { worker(tid); });
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
  p.pending.store(n - 1, std::memory_order_relaxed);
  for (int tid = 1; tid < n; tid++) {
    Slot& s = p.slots[tid];
    s.fn = fn;
    s.ctx = ctx;
    s.nthreads = n;
    s.seq.fetch_add(1, std::memory_order_acq_rel);
  }
  {
    std::lock_guard<std::mutex> lock(p.mu);
    if (p.sleeping > 0) p.cv.notify_all();
  }
  t_in_job = true;
  fn(ctx, 0, n);
  t_in_job = false;
  int spins = 0;
  while (p.pending.load(std::memory_order_acquire) != 0) {
    TL_PAUSE();
    if (++spins > 4096) std::this_thread::yield();
  }
  p.owner.unlock();
}

void Barrier::wait() {
  int gen = generation_.load(std::memory_order_acquire);
  if (count_.fetch_add(1, std::memory_order_acq_rel) + 1 == n_) {
    count_.store(0, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    return;
  }
  int spins = 0;
  while (generation_.load(std::memory_order_acquire) == gen) {
    TL_PAUSE();
    if (++spins > 4096) std::this_thread::yield();
  }
}

// ---- Scratch memory ----

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

Scratch& thread_scratch(int slot) {
  thread_local Scratch slots[6];
  return slots[slot];
}

}  // namespace tl
