// torch.distributed's optional native part: stores (store.h) and process groups on Gloo.
//
// Collectives run off the JS thread: each group has one worker thread that runs its
// collectives in the order they were issued (every rank issues them in the same order, as
// Gloo requires). A call returns a work id at once; wait(id) blocks the calling thread
// until it is done, and a thread-safe function tells JS when each one completes (the
// Promise of an asyncOp). Point-to-point send/recv are posted on the calling thread (as
// PyTorch does: two ranks exchanging with isend+irecv must not wait on one queue) and a
// small thread waits for them. The typed arrays an op reads or writes are kept alive by
// the JS side (src/distributed/work.ts) until the op is done.
#include <napi.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <unistd.h>

#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/alltoall.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/gather.h>
#include <gloo/math.h>
#include <gloo/reduce.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/store.h>
#include <gloo/scatter.h>
#include <gloo/transport/tcp/device.h>

#include "store.h"

namespace tld {

// ---- Stores, as JS externals ----

struct StoreRef {
  std::shared_ptr<Store> store;
};

static Napi::Value wrapStore(Napi::Env env, std::shared_ptr<Store> s) {
  return Napi::External<StoreRef>::New(env, new StoreRef{std::move(s)}, [](Napi::Env, StoreRef* r) { delete r; });
}

static std::shared_ptr<Store> storeArg(const Napi::Value& v) { return v.As<Napi::External<StoreRef>>().Data()->store; }

static Millis millisArg(const Napi::Value& v) { return Millis(static_cast<int64_t>(v.As<Napi::Number>().DoubleValue())); }

static std::vector<std::string> stringsArg(const Napi::Value& v) {
  Napi::Array a = v.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).As<Napi::String>().Utf8Value());
  return out;
}

static Napi::Value TcpStore(const Napi::CallbackInfo& info) {
  auto s = std::make_shared<TCPStore>(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::Number>().Int32Value(),
                                      info[2].As<Napi::Number>().Int32Value(), info[3].As<Napi::Boolean>().Value(), millisArg(info[4]),
                                      info[5].As<Napi::Boolean>().Value());
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("port", s->port());
  out.Set("handle", wrapStore(info.Env(), s));
  return out;
}

static Napi::Value MakeFileStore(const Napi::CallbackInfo& info) {
  return wrapStore(info.Env(), std::make_shared<FileStore>(info[0].As<Napi::String>().Utf8Value(), millisArg(info[1])));
}

static Napi::Value MakeHashStore(const Napi::CallbackInfo& info) { return wrapStore(info.Env(), std::make_shared<HashStore>(millisArg(info[0]))); }

static Napi::Value MakePrefixStore(const Napi::CallbackInfo& info) {
  return wrapStore(info.Env(), std::make_shared<PrefixStore>(info[0].As<Napi::String>().Utf8Value(), storeArg(info[1])));
}

static Napi::Value StoreSet(const Napi::CallbackInfo& info) {
  Napi::Uint8Array v = info[2].As<Napi::Uint8Array>();
  storeArg(info[0])->set(info[1].As<Napi::String>().Utf8Value(), Bytes(v.Data(), v.Data() + v.ByteLength()));
  return info.Env().Undefined();
}

static Napi::Value StoreGet(const Napi::CallbackInfo& info) {
  Bytes v = storeArg(info[0])->get(info[1].As<Napi::String>().Utf8Value());
  return Napi::Buffer<char>::Copy(info.Env(), v.data(), v.size());
}

static Napi::Value StoreAdd(const Napi::CallbackInfo& info) {
  int64_t v = storeArg(info[0])->add(info[1].As<Napi::String>().Utf8Value(), info[2].As<Napi::Number>().Int64Value());
  return Napi::Number::New(info.Env(), static_cast<double>(v));
}

static Napi::Value StoreCheck(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), storeArg(info[0])->check(stringsArg(info[1]))); }

static Napi::Value StoreWait(const Napi::CallbackInfo& info) {
  auto s = storeArg(info[0]);
  s->wait(stringsArg(info[1]), info[2].IsUndefined() ? s->timeout() : millisArg(info[2]));
  return info.Env().Undefined();
}

static Napi::Value StoreDelete(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), storeArg(info[0])->deleteKey(info[1].As<Napi::String>().Utf8Value()));
}

static Napi::Value StoreNumKeys(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(storeArg(info[0])->numKeys())); }

static Napi::Value StoreSetTimeout(const Napi::CallbackInfo& info) {
  storeArg(info[0])->setTimeout(millisArg(info[1]));
  return info.Env().Undefined();
}

/** Gloo's view of one of our stores (its rendezvous calls it from the connecting thread). */
class GlooStore : public gloo::rendezvous::Store {
 public:
  explicit GlooStore(std::shared_ptr<tld::Store> s) : s_(std::move(s)) {}
  void set(const std::string& key, const std::vector<char>& data) override { s_->set(key, data); }
  std::vector<char> get(const std::string& key) override { return s_->get(key); }
  void wait(const std::vector<std::string>& keys) override { s_->wait(keys, s_->timeout()); }
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override { s_->wait(keys, timeout); }

 private:
  std::shared_ptr<tld::Store> s_;
};

// ---- Works ----

struct Work {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::string error;
};

static std::mutex worksMu;
static std::map<double, std::shared_ptr<Work>> works;
static double nextWorkId = 1;
static Napi::ThreadSafeFunction onComplete;
static bool haveOnComplete = false;

static std::pair<double, std::shared_ptr<Work>> newWork() {
  std::lock_guard<std::mutex> lock(worksMu);
  double id = nextWorkId++;
  auto w = std::make_shared<Work>();
  works[id] = w;
  return {id, w};
}

static void finish(double id, const std::shared_ptr<Work>& w, std::string error) {
  {
    std::lock_guard<std::mutex> lock(w->mu);
    w->done = true;
    w->error = std::move(error);
  }
  w->cv.notify_all();
  if (haveOnComplete) {
    onComplete.NonBlockingCall(new double(id), [](Napi::Env env, Napi::Function cb, double* idp) {
      double v = *idp;
      delete idp;
      cb.Call({Napi::Number::New(env, v)});
    });
  }
}

static std::shared_ptr<Work> findWork(double id) {
  std::lock_guard<std::mutex> lock(worksMu);
  auto it = works.find(id);
  if (it == works.end()) throw std::runtime_error("unknown work id");
  return it->second;
}

/** JS's completion listener: called with each finished work's id on the JS thread. */
static Napi::Value SetOnComplete(const Napi::CallbackInfo& info) {
  if (!haveOnComplete) {
    onComplete = Napi::ThreadSafeFunction::New(info.Env(), info[0].As<Napi::Function>(), "torchlette-distributed", 0, 1);
    onComplete.Unref(info.Env());
    haveOnComplete = true;
  }
  return info.Env().Undefined();
}

/** While ops are in flight the completion listener keeps the event loop alive (so Promises settle). */
static Napi::Value RefLoop(const Napi::CallbackInfo& info) {
  if (haveOnComplete) {
    if (info[0].As<Napi::Boolean>().Value()) onComplete.Ref(info.Env());
    else onComplete.Unref(info.Env());
  }
  return info.Env().Undefined();
}

/** Blocks until the work is done (timeoutMs < 0: no limit); returns its error or null, or undefined on timeout. */
static Napi::Value WaitWork(const Napi::CallbackInfo& info) {
  auto w = findWork(info[0].As<Napi::Number>().DoubleValue());
  double timeoutMs = info[1].As<Napi::Number>().DoubleValue();
  std::unique_lock<std::mutex> lock(w->mu);
  if (timeoutMs < 0) {
    w->cv.wait(lock, [&] { return w->done; });
  } else if (!w->cv.wait_for(lock, Millis(static_cast<int64_t>(timeoutMs)), [&] { return w->done; })) {
    return info.Env().Undefined();
  }
  if (w->error.empty()) return info.Env().Null();
  return Napi::String::New(info.Env(), w->error);
}

static Napi::Value IsCompleted(const Napi::CallbackInfo& info) {
  auto w = findWork(info[0].As<Napi::Number>().DoubleValue());
  std::lock_guard<std::mutex> lock(w->mu);
  return Napi::Boolean::New(info.Env(), w->done);
}

static Napi::Value ReleaseWork(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(worksMu);
  works.erase(info[0].As<Napi::Number>().DoubleValue());
  return info.Env().Undefined();
}

// ---- Process groups ----

struct Group {
  std::shared_ptr<gloo::Context> ctx;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> queue;
  bool stopping = false;
  std::thread worker;
  uint32_t tag = 0;
};

struct GroupRef {
  std::shared_ptr<Group> group;
};

static void runQueue(std::shared_ptr<Group> g) {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(g->mu);
      g->cv.wait(lock, [&] { return g->stopping || !g->queue.empty(); });
      if (g->queue.empty()) return;
      job = std::move(g->queue.front());
      g->queue.pop_front();
    }
    job();
  }
}

static void stopGroup(const std::shared_ptr<Group>& g, bool join) {
  {
    std::lock_guard<std::mutex> lock(g->mu);
    if (g->stopping) return;
    g->stopping = true;
  }
  g->cv.notify_all();
  if (g->worker.joinable()) {
    if (join) g->worker.join();
    else g->worker.detach();  // at exit: a collective may still be blocked on a peer
  }
}

static std::shared_ptr<Group> groupArg(const Napi::Value& v) {
  auto g = v.As<Napi::External<GroupRef>>().Data()->group;
  if (!g->ctx) throw std::runtime_error("the process group has been destroyed");
  return g;
}

/** newGroup(store, rank, size, timeoutMs, hostname, iface): Gloo's full-mesh rendezvous through the store. */
static Napi::Value NewGroup(const Napi::CallbackInfo& info) {
  auto store = storeArg(info[0]);
  int rank = info[1].As<Napi::Number>().Int32Value();
  int size = info[2].As<Napi::Number>().Int32Value();
  Millis timeout = millisArg(info[3]);
  gloo::transport::tcp::attr attr;
  std::string iface = info[5].As<Napi::String>().Utf8Value();
  if (!iface.empty()) attr.iface = iface;
  else attr.hostname = info[4].As<Napi::String>().Utf8Value();
  auto dev = gloo::transport::tcp::CreateDevice(attr);
  auto ctx = std::make_shared<gloo::rendezvous::Context>(rank, size);
  ctx->setTimeout(timeout);
  GlooStore glooStore(store);
  ctx->connectFullMesh(glooStore, dev);
  auto g = std::make_shared<Group>();
  g->ctx = ctx;
  g->worker = std::thread(runQueue, g);
  return Napi::External<GroupRef>::New(info.Env(), new GroupRef{g}, [](Napi::Env, GroupRef* r) {
    stopGroup(r->group, false);
    delete r;
  });
}

static Napi::Value DestroyGroup(const Napi::CallbackInfo& info) {
  auto g = info[0].As<Napi::External<GroupRef>>().Data()->group;
  stopGroup(g, true);
  g->ctx.reset();
  return info.Env().Undefined();
}

static Napi::Value SetGroupTimeout(const Napi::CallbackInfo& info) {
  groupArg(info[0])->ctx->setTimeout(millisArg(info[1]));
  return info.Env().Undefined();
}

/** Queues a job on the group's worker and returns its work id. */
static Napi::Value enqueue(Napi::Env env, const std::shared_ptr<Group>& g, std::function<void(const std::shared_ptr<gloo::Context>&, uint32_t)> fn) {
  auto [id, w] = newWork();
  std::lock_guard<std::mutex> lock(g->mu);
  if (g->stopping) throw std::runtime_error("the process group has been destroyed");
  uint32_t tag = g->tag++;
  std::shared_ptr<gloo::Context> ctx = g->ctx;
  g->queue.push_back([ctx, fn, tag, id = id, w = w] {
    std::string error;
    try {
      fn(ctx, tag);
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "Gloo error";
    }
    finish(id, w, error);
  });
  g->cv.notify_all();
  return Napi::Number::New(env, id);
}

// Element kinds, as src/distributed/dtypes.ts numbers them.
enum Kind { F32 = 0, F64 = 1, I32 = 2, I64 = 3, U8 = 4 };
enum Op { SUM = 0, PRODUCT = 1, MIN = 2, MAX = 3 };

template <typename T>
static void (*reduceFn(int op))(void*, const void*, const void*, size_t) {
  switch (op) {
    case SUM: return &gloo::sum<T>;
    case PRODUCT: return &gloo::product<T>;
    case MIN: return &gloo::min<T>;
    case MAX: return &gloo::max<T>;
  }
  throw std::runtime_error("unknown reduce op");
}

/** Calls f with a null T* of the kind's element type (a type tag). */
template <typename F>
static void dispatch(int kind, F f) {
  switch (kind) {
    case F32: return f(static_cast<float*>(nullptr));
    case F64: return f(static_cast<double*>(nullptr));
    case I32: return f(static_cast<int32_t*>(nullptr));
    case I64: return f(static_cast<int64_t*>(nullptr));
    case U8: return f(static_cast<uint8_t*>(nullptr));
  }
  throw std::runtime_error("unsupported element kind");
}

struct Span {
  void* data;
  size_t bytes;
};

static Span spanArg(const Napi::Value& v) {
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  return {static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset(), a.ByteLength()};
}

static size_t elementSize(int kind) {
  static const size_t sizes[] = {4, 8, 4, 8, 1};
  return sizes[kind];
}

// allReduce(group, buf, kind, op)
static Napi::Value AllReduce(const Napi::CallbackInfo& info) {
  Span s = spanArg(info[1]);
  int kind = info[2].As<Napi::Number>().Int32Value(), op = info[3].As<Napi::Number>().Int32Value();
  return enqueue(info.Env(), groupArg(info[0]), [=](const std::shared_ptr<gloo::Context>& sp, uint32_t tag) {
    dispatch(kind, [&](auto* t) {
      using T = std::remove_pointer_t<decltype(t)>;
      gloo::AllreduceOptions opts(sp);
      opts.setOutput<T>(static_cast<T*>(s.data), s.bytes / sizeof(T));
      opts.setReduceFunction(reduceFn<T>(op));
      opts.setTag(tag);
      gloo::allreduce(opts);
    });
  });
}

// broadcast(group, buf, kind, root)
static Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  Span s = spanArg(info[1]);
  int kind = info[2].As<Napi::Number>().Int32Value(), root = info[3].As<Napi::Number>().Int32Value();
  return enqueue(info.Env(), groupArg(info[0]), [=](const std::shared_ptr<gloo::Context>& sp, uint32_t tag) {
    dispatch(kind, [&](auto* t) {
      using T = std::remove_pointer_t<decltype(t)>;
      gloo::BroadcastOptions opts(sp);
      opts.setOutput<T>(static_cast<T*>(s.data), s.bytes / sizeof(T));
      opts.setRoot(root);
      opts.setTag(tag);
      gloo::broadcast(opts);
    });
  });
}

// reduce(group, buf, kind, op, root)
static Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Span s = spanArg(info[1]);
  int kind = info[2].As<Napi::Number>().Int32Value(), op = info[3].As<Napi::Number>().Int32Value(), root = info[4].As<Napi::Number>().Int32Value();
  return enqueue(info.Env(), groupArg(info[0]), [=](const std::shared_ptr<gloo::Context>& sp, uint32_t tag) {
    dispatch(kind, [&](auto* t) {
      using T = std::remove_pointer_t<decltype(t)>;
      gloo::ReduceOptions opts(sp);
      opts.setOutput<T>(static_cast<T*>(s.data), s.bytes / sizeof(T));
      opts.setReduceFunction(reduceFn<T>(op));
      opts.setRoot(root);
      opts.setTag(tag);
      gloo::reduce(opts);
    });
  });
}

// allGather(group, input, output (size x input), kind)
static Napi::Value AllGather(const Napi::CallbackInfo& info) {
  Span in = spanArg(info[1]), out = spanArg(info[2]);
  int kind = info[3].As<Napi::Number>().Int32Value();
  return enqueue(info.Env(), groupArg(info[0]), [=](const std::shared_ptr<gloo::Context>& sp, uint32_t tag) {
    dispatch(kind, [&](auto* t) {
      using T = std::remove_pointer_t<decltype(t)>;
      gloo::AllgatherOptions opts(sp);
      opts.setInput<T>(static_cast<T*>(in.data), in.bytes / sizeof(T));
      opts.setOutput<T>(static_cast<T*>(out.data), out.bytes / sizeof(T));
      opts.setTag(tag);
      gloo::allgather(opts);
    });
  });
}

// gather(group, input, output (root: size x input; others: null), kind, root)
static Napi::Value Gather(const Napi::CallbackInfo& info) {
  Span in = spanArg(info[1]);
  Span out = info[2].IsNull() ? Span{nullptr, 0} : spanArg(info[2]);
  int kind = info[3].As<Napi::Number>().Int32Value(), root = info[4].As<Napi::Number>().Int32Value();
  return enqueue(info.Env(), groupArg(info[0]), [=](const std::shared_ptr<gloo::Context>& sp, uint32_t tag) {
    dispatch(kind, [&](auto* t) {
      using T = std::remove_pointer_t<decltype(t)>;
      gloo::GatherOptions opts(sp);
      opts.setInput<T>(static_cast<T*>(in.data), in.bytes / sizeof(T));
      if (out.data) opts.setOutput<T>(static_cast<T*>(out.data), out.bytes / sizeof(T));
      opts.setRoot(root);
      opts.setTag(tag);
      gloo::gather(opts);
    });
  });
}

// scatter(group, inputs (root: array of size buffers; others: null), output, kind, root)
static Napi::Value Scatter(const Napi::CallbackInfo& info) {
  std::vector<Span> ins;
  if (!info[1].IsNull()) {
    Napi::Array a = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) ins.push_back(spanArg(a.Get(i)));
  }
  Span out = spanArg(info[2]);
  int kind = info[3].As<Napi::Number>().Int32Value(), root = info[4].As<Napi::Number>().Int32Value();
  return enqueue(info.Env(), groupArg(info[0]), [=](const std::shared_ptr<gloo::Context>& sp, uint32_t tag) {
    dispatch(kind, [&](auto* t) {
      using T = std::remove_pointer_t<decltype(t)>;
      gloo::ScatterOptions opts(sp);
      if (!ins.empty()) {
        std::vector<T*> ptrs;
        for (const Span& s : ins) ptrs.push_back(static_cast<T*>(s.data));
        opts.setInputs<T>(ptrs, out.bytes / sizeof(T));
      }
      opts.setOutput<T>(static_cast<T*>(out.data), out.bytes / sizeof(T));
      opts.setRoot(root);
      opts.setTag(tag);
      gloo::scatter(opts);
    });
  });
}

// allToAll(group, input, output, kind): equal chunks per rank
static Napi::Value AllToAll(const Napi::CallbackInfo& info) {
  Span in = spanArg(info[1]), out = spanArg(info[2]);
  int kind = info[3].As<Napi::Number>().Int32Value();
  return enqueue(info.Env(), groupArg(info[0]), [=](const std::shared_ptr<gloo::Context>& sp, uint32_t tag) {
    dispatch(kind, [&](auto* t) {
      using T = std::remove_pointer_t<decltype(t)>;
      gloo::AlltoallOptions opts(sp);
      opts.setInput<T>(static_cast<T*>(in.data), in.bytes / sizeof(T));
      opts.setOutput<T>(static_cast<T*>(out.data), out.bytes / sizeof(T));
      opts.setTag(tag);
      gloo::alltoall(opts);
    });
  });
}

static Napi::Value Barrier(const Napi::CallbackInfo& info) {
  return enqueue(info.Env(), groupArg(info[0]), [](const std::shared_ptr<gloo::Context>& sp, uint32_t tag) {
    gloo::BarrierOptions opts(sp);
    opts.setTag(tag);
    gloo::barrier(opts);
  });
}

// Point to point: posted here, waited for by a thread of its own. PyTorch's slot for a tag.
static uint64_t p2pSlot(uint32_t tag) { return gloo::Slot::build(0x09, tag); }

/** sendRecv(group, buf, peer (-1: any source on recv), tag, isSend) -> work id; recv's source is reported by sourceRank(id). */
static std::mutex sourcesMu;
static std::map<double, int> sources;

static Napi::Value SendRecv(const Napi::CallbackInfo& info) {
  auto g = groupArg(info[0]);
  Span s = spanArg(info[1]);
  int peer = info[2].As<Napi::Number>().Int32Value();
  uint32_t tag = info[3].As<Napi::Number>().Uint32Value();
  bool isSend = info[4].As<Napi::Boolean>().Value();
  std::shared_ptr<gloo::Context> ctx = g->ctx;
  std::shared_ptr<gloo::transport::UnboundBuffer> buf(ctx->createUnboundBuffer(s.data, s.bytes));
  if (isSend) {
    buf->send(peer, p2pSlot(tag));
  } else if (peer >= 0) {
    buf->recv(peer, p2pSlot(tag));
  } else {
    std::vector<int> all;
    for (int r = 0; r < ctx->size; r++)
      if (r != ctx->rank) all.push_back(r);
    buf->recv(all, p2pSlot(tag));
  }
  auto [id, w] = newWork();
  Millis timeout = ctx->getTimeout();
  std::thread([ctx, buf, isSend, timeout, id = id, w = w] {
    std::string error;
    try {
      int src = -1;
      bool ok = isSend ? buf->waitSend(timeout) : buf->waitRecv(&src, timeout);
      if (!ok) error = "Timed out waiting " + std::to_string(timeout.count()) + "ms for " + (isSend ? "send" : "recv") + " operation to complete";
      if (!isSend) {
        std::lock_guard<std::mutex> lock(sourcesMu);
        sources[id] = src;
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    finish(id, w, error);
  }).detach();
  return Napi::Number::New(info.Env(), id);
}

static Napi::Value SourceRank(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(sourcesMu);
  double id = info[0].As<Napi::Number>().DoubleValue();
  auto it = sources.find(id);
  int src = it == sources.end() ? -1 : it->second;
  if (it != sources.end()) sources.erase(it);
  return Napi::Number::New(info.Env(), src);
}

static Napi::Value Hostname(const Napi::CallbackInfo& info) {
  char name[256] = {0};
  gethostname(name, sizeof name - 1);
  return Napi::String::New(info.Env(), name);
}

/** Entry points turn C++ errors (Gloo's, the stores') into JS Errors with the same message. */
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
static Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("tcpStore", Napi::Function::New(env, guarded<TcpStore>));
  exports.Set("fileStore", Napi::Function::New(env, guarded<MakeFileStore>));
  exports.Set("hashStore", Napi::Function::New(env, guarded<MakeHashStore>));
  exports.Set("prefixStore", Napi::Function::New(env, guarded<MakePrefixStore>));
  exports.Set("storeSet", Napi::Function::New(env, guarded<StoreSet>));
  exports.Set("storeGet", Napi::Function::New(env, guarded<StoreGet>));
  exports.Set("storeAdd", Napi::Function::New(env, guarded<StoreAdd>));
  exports.Set("storeCheck", Napi::Function::New(env, guarded<StoreCheck>));
  exports.Set("storeWait", Napi::Function::New(env, guarded<StoreWait>));
  exports.Set("storeDelete", Napi::Function::New(env, guarded<StoreDelete>));
  exports.Set("storeNumKeys", Napi::Function::New(env, guarded<StoreNumKeys>));
  exports.Set("storeSetTimeout", Napi::Function::New(env, guarded<StoreSetTimeout>));
  exports.Set("setOnComplete", Napi::Function::New(env, guarded<SetOnComplete>));
  exports.Set("refLoop", Napi::Function::New(env, guarded<RefLoop>));
  exports.Set("waitWork", Napi::Function::New(env, guarded<WaitWork>));
  exports.Set("isCompleted", Napi::Function::New(env, guarded<IsCompleted>));
  exports.Set("releaseWork", Napi::Function::New(env, guarded<ReleaseWork>));
  exports.Set("newGroup", Napi::Function::New(env, guarded<NewGroup>));
  exports.Set("destroyGroup", Napi::Function::New(env, guarded<DestroyGroup>));
  exports.Set("setGroupTimeout", Napi::Function::New(env, guarded<SetGroupTimeout>));
  exports.Set("allReduce", Napi::Function::New(env, guarded<AllReduce>));
  exports.Set("broadcast", Napi::Function::New(env, guarded<Broadcast>));
  exports.Set("reduce", Napi::Function::New(env, guarded<Reduce>));
  exports.Set("allGather", Napi::Function::New(env, guarded<AllGather>));
  exports.Set("gather", Napi::Function::New(env, guarded<Gather>));
  exports.Set("scatter", Napi::Function::New(env, guarded<Scatter>));
  exports.Set("allToAll", Napi::Function::New(env, guarded<AllToAll>));
  exports.Set("barrier", Napi::Function::New(env, guarded<Barrier>));
  exports.Set("sendRecv", Napi::Function::New(env, guarded<SendRecv>));
  exports.Set("sourceRank", Napi::Function::New(env, guarded<SourceRank>));
  exports.Set("hostname", Napi::Function::New(env, guarded<Hostname>));
  (void)elementSize;
  return exports;
}

}  // namespace tld

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return tld::Init(env, exports); }

NODE_API_MODULE(torchlette_distributed, InitModule)
