// The stores of store.h. The TCP protocol is ours (not PyTorch's wire format): a request
// is one command byte and two length-prefixed strings, a reply one status byte and one
// length-prefixed string. Blocking reads (get/wait) poll with a short back-off, so the
// server never holds waiting clients and a client can give up exactly at its timeout.
#include "store.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tld {

using Clock = std::chrono::steady_clock;

// ---- Store: blocking operations on top of tryGet ----

Bytes Store::get(const std::string& key) {
  wait({key}, timeout());
  Bytes value;
  if (!tryGet(key, &value)) throw std::runtime_error("key '" + key + "' was deleted while waiting for it");
  return value;
}

void Store::wait(const std::vector<std::string>& keys, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  int sleepUs = 100;
  for (;;) {
    if (check(keys)) return;
    if (timeout.count() > 0 && Clock::now() >= deadline) throw TimeoutError("Socket Timeout");
    std::this_thread::sleep_for(std::chrono::microseconds(sleepUs));
    sleepUs = std::min(sleepUs * 2, 10000);
  }
}

bool Store::check(const std::vector<std::string>& keys) {
  Bytes scratch;
  for (const auto& key : keys) {
    if (!tryGet(key, &scratch)) return false;
  }
  return true;
}

static int64_t parseInt(const Bytes& value, const std::string& key) {
  std::string s(value.begin(), value.end());
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw std::runtime_error("the value of key '" + key + "' is not an integer, so add() cannot increment it");
}

static Bytes intBytes(int64_t v) {
  std::string s = std::to_string(v);
  return Bytes(s.begin(), s.end());
}

// ---- HashStore ----

void HashStore::set(const std::string& key, const Bytes& value) {
  std::lock_guard<std::mutex> lock(mu_);
  data_[key] = value;
}

bool HashStore::tryGet(const std::string& key, Bytes* value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = data_.find(key);
  if (it == data_.end()) return false;
  *value = it->second;
  return true;
}

int64_t HashStore::add(const std::string& key, int64_t delta) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = data_.find(key);
  int64_t v = (it == data_.end() ? 0 : parseInt(it->second, key)) + delta;
  data_[key] = intBytes(v);
  return v;
}

bool HashStore::deleteKey(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  return data_.erase(key) > 0;
}

int64_t HashStore::numKeys() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(data_.size());
}

// ---- FileStore ----

static void throwErrno(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

FileStore::FileStore(const std::string& path, Millis timeout) : Store(timeout), dir_(path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    // PyTorch's users pass an empty file (tempfile); ours is a directory in its place.
    if (st.st_size != 0) throw std::runtime_error("FileStore: " + path + " is a non-empty file; pass a new path or an empty file");
    unlink(path.c_str());
  }
  if (mkdir(path.c_str(), 0777) != 0 && errno != EEXIST) throwErrno("FileStore: cannot create " + path);
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw std::runtime_error("FileStore: " + path + " is not a directory");
}

std::string FileStore::file(const std::string& key) const {
  static const char* hex = "0123456789abcdef";
  std::string name = dir_ + "/k";
  for (unsigned char c : key) {
    name += hex[c >> 4];
    name += hex[c & 15];
  }
  return name;
}

static bool readFile(const std::string& path, Bytes* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

static void writeFileAtomically(const std::string& path, const Bytes& value) {
  std::string tmp = path + ".tmp" + std::to_string(getpid()) + "_" + std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throwErrno("FileStore: cannot write " + tmp);
    out.write(value.data(), static_cast<std::streamsize>(value.size()));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) throwErrno("FileStore: cannot rename " + tmp);
}

void FileStore::set(const std::string& key, const Bytes& value) { writeFileAtomically(file(key), value); }

bool FileStore::tryGet(const std::string& key, Bytes* value) { return readFile(file(key), value); }

int64_t FileStore::add(const std::string& key, int64_t delta) {
  std::string lockPath = dir_ + "/.lock";
  int fd = open(lockPath.c_str(), O_CREAT | O_RDWR, 0666);
  if (fd < 0) throwErrno("FileStore: cannot open " + lockPath);
  if (flock(fd, LOCK_EX) != 0) {
    close(fd);
    throwErrno("FileStore: cannot lock " + lockPath);
  }
  int64_t v = 0;
  try {
    Bytes old;
    v = (readFile(file(key), &old) ? parseInt(old, key) : 0) + delta;
    writeFileAtomically(file(key), intBytes(v));
  } catch (...) {
    flock(fd, LOCK_UN);
    close(fd);
    throw;
  }
  flock(fd, LOCK_UN);
  close(fd);
  return v;
}

bool FileStore::deleteKey(const std::string& key) { return unlink(file(key).c_str()) == 0; }

int64_t FileStore::numKeys() {
  DIR* d = opendir(dir_.c_str());
  if (!d) throwErrno("FileStore: cannot list " + dir_);
  int64_t n = 0;
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 0 && name[0] == 'k' && name.find(".tmp") == std::string::npos) n++;
  }
  closedir(d);
  return n;
}

// ---- The wire format ----

static void put32(std::string& s, uint32_t v) {
  char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  s.append(b, 4);
}

static uint32_t get32(const char* b) {
  return (uint32_t(uint8_t(b[0])) << 24) | (uint32_t(uint8_t(b[1])) << 16) | (uint32_t(uint8_t(b[2])) << 8) | uint32_t(uint8_t(b[3]));
}

/** Reads exactly n bytes; false when the peer closed or an error occurred. */
static bool readExact(int fd, char* out, size_t n) {
  while (n > 0) {
    ssize_t r = ::recv(fd, out, n, 0);
    if (r <= 0) {
      if (r < 0 && errno == EINTR) continue;
      return false;
    }
    out += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

static bool writeExact(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      return false;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

static bool readString(int fd, std::string* out) {
  char len[4];
  if (!readExact(fd, len, 4)) return false;
  out->resize(get32(len));
  return out->empty() || readExact(fd, &(*out)[0], out->size());
}

// ---- TCPStoreServer ----

TCPStoreServer::TCPStoreServer(const std::string& host, int port) {
  (void)host;  // the master listens on every interface, as PyTorch's does
  listenFd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (listenFd_ < 0) throwErrno("TCPStore: socket");
  int one = 1;
  setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    close(listenFd_);
    errno = err;
    throwErrno("The server socket has failed to listen on any local network address. port: " + std::to_string(port));
  }
  if (listen(listenFd_, 128) != 0) throwErrno("TCPStore: listen");
  socklen_t len = sizeof addr;
  getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptThread_ = std::thread([this] { acceptLoop(); });
}

TCPStoreServer::~TCPStoreServer() {
  stopping_ = true;
  shutdown(listenFd_, SHUT_RDWR);
  close(listenFd_);
  acceptThread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(clientsMu_);
    for (int fd : clientFds_) shutdown(fd, SHUT_RDWR);
    threads.swap(clientThreads_);
  }
  for (auto& t : threads) t.join();
}

void TCPStoreServer::acceptLoop() {
  while (!stopping_) {
    int fd = accept(listenFd_, nullptr, nullptr);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lock(clientsMu_);
    if (stopping_) {
      close(fd);
      return;
    }
    clientFds_.push_back(fd);
    clientThreads_.emplace_back([this, fd] { serve(fd); });
  }
}

void TCPStoreServer::serve(int fd) {
  for (;;) {
    char cmd;
    std::string a, b;
    if (!readExact(fd, &cmd, 1) || !readString(fd, &a) || !readString(fd, &b)) break;
    char status = 0;
    std::string payload;
    try {
      switch (cmd) {
        case 'S': data_.set(a, Bytes(b.begin(), b.end())); break;
        case 'G': {
          Bytes v;
          status = data_.tryGet(a, &v) ? 1 : 0;
          payload.assign(v.begin(), v.end());
          break;
        }
        case 'A': payload = std::to_string(data_.add(a, std::stoll(b))); break;
        case 'D': status = data_.deleteKey(a) ? 1 : 0; break;
        case 'N': payload = std::to_string(data_.numKeys()); break;
        default: status = 2; payload = "unknown command";
      }
    } catch (const std::exception& e) {
      status = 2;
      payload = e.what();
    }
    std::string reply(1, status);
    put32(reply, static_cast<uint32_t>(payload.size()));
    reply += payload;
    if (!writeExact(fd, reply.data(), reply.size())) break;
  }
  std::lock_guard<std::mutex> lock(clientsMu_);
  for (auto it = clientFds_.begin(); it != clientFds_.end(); ++it) {
    if (*it == fd) {
      clientFds_.erase(it);
      break;
    }
  }
  close(fd);
}

// ---- TCPStore (client) ----

static int connectWithRetry(const std::string& host, int port, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int sleepMs = 1;
  for (;;) {
    addrinfo* res = nullptr;
    std::string portStr = std::to_string(port);
    if (getaddrinfo(host.c_str(), portStr.c_str(), &hints, &res) == 0) {
      for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
          freeaddrinfo(res);
          int one = 1;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          return fd;
        }
        close(fd);
      }
      freeaddrinfo(res);
    }
    if (Clock::now() >= deadline) {
      std::ostringstream msg;
      msg << "The client socket has timed out after " << timeout.count() / 1000.0 << "s while trying to connect to (" << host << ", " << port << ").";
      throw TimeoutError(msg.str());
    }
    std::this_thread::sleep_for(Millis(sleepMs));
    sleepMs = std::min(sleepMs * 2, 100);
  }
}

TCPStore::TCPStore(const std::string& host, int port, int worldSize, bool isMaster, Millis timeout, bool waitForWorkers)
    : Store(timeout) {
  if (isMaster) server_ = std::make_unique<TCPStoreServer>(host, port);
  port_ = isMaster ? server_->port() : port;
  fd_ = connectWithRetry(isMaster ? "127.0.0.1" : host, port_, timeout);
  // As PyTorch's: every store of the job counts itself in "init/"; the master waits for all.
  if (worldSize > 0) {
    add("init/", 1);
    if (isMaster && waitForWorkers) {
      auto deadline = Clock::now() + timeout;
      for (;;) {
        Bytes v;
        if (tryGet("init/", &v) && parseInt(v, "init/") >= worldSize) break;
        if (Clock::now() >= deadline) throw TimeoutError("Timed out after " + std::to_string(timeout.count() / 1000) + "s waiting for clients. " + std::string(v.begin(), v.end()) + "/" + std::to_string(worldSize) + " clients joined.");
        std::this_thread::sleep_for(Millis(2));
      }
    }
  }
}

TCPStore::~TCPStore() {
  if (fd_ >= 0) {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
  }
  server_.reset();
}

std::string TCPStore::request(char cmd, const std::string& a, const std::string& b) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string msg(1, cmd);
  put32(msg, static_cast<uint32_t>(a.size()));
  msg += a;
  put32(msg, static_cast<uint32_t>(b.size()));
  msg += b;
  if (!writeExact(fd_, msg.data(), msg.size())) throw std::runtime_error(std::string("TCPStore: the connection to the store was lost (") + std::strerror(errno) + ")");
  pollfd p{fd_, POLLIN, 0};
  int64_t t = timeout_.load();
  int ready = poll(&p, 1, t > 0 ? static_cast<int>(std::min<int64_t>(t, 1 << 30)) : -1);
  if (ready == 0) throw TimeoutError("Socket Timeout");
  char head[5];
  std::string payload;
  if (ready < 0 || !readExact(fd_, head, 5)) throw std::runtime_error("TCPStore: the connection to the store was lost (the server closed it)");
  payload.resize(get32(head + 1));
  if (!payload.empty() && !readExact(fd_, &payload[0], payload.size())) throw std::runtime_error("TCPStore: the connection to the store was lost");
  if (head[0] == 2) throw std::runtime_error(payload);
  return std::string(1, head[0]) + payload;
}

void TCPStore::set(const std::string& key, const Bytes& value) { request('S', key, std::string(value.begin(), value.end())); }

bool TCPStore::tryGet(const std::string& key, Bytes* value) {
  std::string r = request('G', key, "");
  if (r[0] != 1) return false;
  value->assign(r.begin() + 1, r.end());
  return true;
}

int64_t TCPStore::add(const std::string& key, int64_t delta) { return std::stoll(request('A', key, std::to_string(delta)).substr(1)); }

bool TCPStore::deleteKey(const std::string& key) { return request('D', key, "")[0] == 1; }

int64_t TCPStore::numKeys() { return std::stoll(request('N', "", "").substr(1)); }

}  // namespace tld
