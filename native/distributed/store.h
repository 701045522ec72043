// Key-value stores for torch.distributed (PyTorch's c10d stores): rendezvous and user
// coordination. All of them live in C++ so that Gloo's threads and a JS thread that is
// blocked in a collective can both use them: the TCP store's server runs on its own
// threads inside rank 0, so a synchronous call on any JS thread can never deadlock it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tld {

using Bytes = std::vector<char>;
using Millis = std::chrono::milliseconds;

/** A store operation that ran past its timeout (PyTorch raises RuntimeError for these too). */
struct TimeoutError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  explicit Store(Millis timeout) : timeout_(timeout.count()) {}
  virtual ~Store() = default;

  virtual void set(const std::string& key, const Bytes& value) = 0;
  /** Non-blocking read: false when the key is absent. */
  virtual bool tryGet(const std::string& key, Bytes* value) = 0;
  /** Adds `delta` to the key's decimal integer value (0 when absent) and returns the result. */
  virtual int64_t add(const std::string& key, int64_t delta) = 0;
  virtual bool deleteKey(const std::string& key) = 0;
  virtual int64_t numKeys() = 0;

  /** Blocks until the key exists (polling), up to the store's timeout. */
  Bytes get(const std::string& key);
  void wait(const std::vector<std::string>& keys, Millis timeout);
  bool check(const std::vector<std::string>& keys);

  Millis timeout() const { return Millis(timeout_.load()); }
  void setTimeout(Millis t) { timeout_ = t.count(); }

 protected:
  std::atomic<int64_t> timeout_;
};

/** An in-process map (PyTorch's HashStore). */
class HashStore : public Store {
 public:
  explicit HashStore(Millis timeout) : Store(timeout) {}
  void set(const std::string& key, const Bytes& value) override;
  bool tryGet(const std::string& key, Bytes* value) override;
  int64_t add(const std::string& key, int64_t delta) override;
  bool deleteKey(const std::string& key) override;
  int64_t numKeys() override;

 private:
  std::mutex mu_;
  std::map<std::string, Bytes> data_;
};

/** Keys are `prefix/key` in the underlying store (PyTorch's PrefixStore). */
class PrefixStore : public Store {
 public:
  PrefixStore(std::string prefix, std::shared_ptr<Store> base)
      : Store(base->timeout()), prefix_(std::move(prefix)), base_(std::move(base)) {}
  void set(const std::string& key, const Bytes& value) override { base_->set(k(key), value); }
  bool tryGet(const std::string& key, Bytes* value) override { return base_->tryGet(k(key), value); }
  int64_t add(const std::string& key, int64_t delta) override { return base_->add(k(key), delta); }
  bool deleteKey(const std::string& key) override { return base_->deleteKey(k(key)); }
  int64_t numKeys() override { return base_->numKeys(); }

 private:
  std::string k(const std::string& key) const { return prefix_ + "/" + key; }
  std::string prefix_;
  std::shared_ptr<Store> base_;
};

/**
 * A store in a shared directory, one file per key (hex-encoded name), written by rename so
 * readers never see half a value; add() holds an flock. Works across processes on one
 * machine or on a shared file system.
 */
class FileStore : public Store {
 public:
  FileStore(const std::string& path, Millis timeout);
  void set(const std::string& key, const Bytes& value) override;
  bool tryGet(const std::string& key, Bytes* value) override;
  int64_t add(const std::string& key, int64_t delta) override;
  bool deleteKey(const std::string& key) override;
  int64_t numKeys() override;

 private:
  std::string file(const std::string& key) const;
  std::string dir_;
};

/** The TCP store's server: an accept thread and one thread per client; the data is a HashStore. */
class TCPStoreServer {
 public:
  TCPStoreServer(const std::string& host, int port);
  ~TCPStoreServer();
  int port() const { return port_; }

 private:
  void acceptLoop();
  void serve(int fd);
  int listenFd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  HashStore data_{Millis(0)};
  std::thread acceptThread_;
  std::mutex clientsMu_;
  std::vector<int> clientFds_;
  std::vector<std::thread> clientThreads_;
};

/** A client of TCPStoreServer; rank 0's TCPStore owns the server as well. */
class TCPStore : public Store {
 public:
  TCPStore(const std::string& host, int port, int worldSize, bool isMaster, Millis timeout, bool waitForWorkers);
  ~TCPStore() override;
  void set(const std::string& key, const Bytes& value) override;
  bool tryGet(const std::string& key, Bytes* value) override;
  int64_t add(const std::string& key, int64_t delta) override;
  bool deleteKey(const std::string& key) override;
  int64_t numKeys() override;
  int port() const { return port_; }

 private:
  void sendAll(const std::string& bytes);
  void recvAll(char* out, size_t n);
  std::string request(char cmd, const std::string& a, const std::string& b);
  std::unique_ptr<TCPStoreServer> server_;
  std::mutex mu_;
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace tld
