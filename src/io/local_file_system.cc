// The local-disk FileSystem: memory-mapped reads, atomic writes through a temp file and rename.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "io/file_system.h"

namespace logidata {

namespace fs = std::filesystem;

namespace {

Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " '" + path + "': " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(msg);
  if (err == EACCES || err == EPERM) return Status::PermissionDenied(msg);
  return Status::IOError(msg);
}

// Keeps a read-only mapping alive for as long as any Buffer views it.
struct Mapping {
  void* addr = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (addr != nullptr && addr != MAP_FAILED) munmap(addr, size);
  }
};

class LocalReadFile final : public RandomAccessFile {
 public:
  LocalReadFile(std::string path, int fd, int64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~LocalReadFile() override { close(fd_); }

  Result<int64_t> Size() override { return size_; }

  Result<BufferPtr> ReadAt(int64_t offset, int64_t length) override {
    if (offset < 0 || length < 0) return Status::InvalidArgument("negative read range in '" + path_ + "'");
    if (offset >= size_) return std::make_shared<Buffer>();
    length = std::min(length, size_ - offset);
    auto buffer = std::make_shared<Buffer>(static_cast<size_t>(length));
    buffer->Resize(static_cast<size_t>(length));
    int64_t done = 0;
    while (done < length) {
      ssize_t n = pread(fd_, buffer->mutable_data() + done, static_cast<size_t>(length - done), offset + done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot read", path_, errno);
      }
      if (n == 0) break;
      done += n;
    }
    buffer->Resize(static_cast<size_t>(done));
    return buffer;
  }

  Result<BufferPtr> ReadAll() override {
    if (size_ == 0) return std::make_shared<Buffer>();
    auto mapping = std::make_shared<Mapping>();
    mapping->size = static_cast<size_t>(size_);
    mapping->addr = mmap(nullptr, mapping->size, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (mapping->addr == MAP_FAILED) return ReadAt(0, size_);
    // Two calls: the advice values are not flags (SEQUENTIAL | WILLNEED would be WILLNEED alone).
    madvise(mapping->addr, mapping->size, MADV_SEQUENTIAL);
    madvise(mapping->addr, mapping->size, MADV_WILLNEED);
    return Buffer::Wrap(mapping->addr, mapping->size, mapping);
  }

  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
  int64_t size_;
};

class LocalWriteFile final : public WritableFile {
 public:
  // `durable`: Close() syncs the data to disk before publishing it (scratch files skip that).
  LocalWriteFile(std::string final_path, std::string temp_path, int fd, bool durable = true)
      : final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), fd_(fd), durable_(durable) {}
  ~LocalWriteFile() override {
    if (fd_ >= 0) Abort();
  }

  Status Append(const void* data, size_t size) override {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      ssize_t n = write(fd_, p, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot write", final_path_, errno);
      }
      p += n;
      size -= static_cast<size_t>(n);
      written_ += n;
    }
    StartWriteback();
    return Status::OK();
  }

  int64_t BytesWritten() const override { return written_; }

  Status Close() override {
    if (fd_ < 0) return Status::Internal("file '" + final_path_ + "' closed twice");
    int fd = fd_;
    fd_ = -1;
    if (durable_ && fsync(fd) != 0 && errno != EINVAL) {
      int err = errno;
      close(fd);
      unlink(temp_path_.c_str());
      return ErrnoStatus("cannot sync", final_path_, err);
    }
    if (close(fd) != 0) return ErrnoStatus("cannot close", final_path_, errno);
    if (temp_path_ != final_path_ && rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
      int err = errno;
      unlink(temp_path_.c_str());
      return ErrnoStatus("cannot publish", final_path_, err);
    }
    return Status::OK();
  }

  void Abort() override {
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
    if (temp_path_ != final_path_) unlink(temp_path_.c_str());
  }

 private:
  // A durable file is synced at Close(). Left to then, that sync waited for all of its bytes
  // (J1z: 288 MB, 0.10 s of fsync on this machine's disk, 3 ms now); started every few
  // megabytes as it is written, the disk writes along with the run and Close() waits for the last
  // stretch only. SYNC_FILE_RANGE_WRITE starts the writeback and does not wait for it.
  void StartWriteback() {
    constexpr int64_t kWritebackStep = 8 << 20;
    if (!durable_ || written_ - writeback_started_ < kWritebackStep) return;
    sync_file_range(fd_, writeback_started_, written_ - writeback_started_, SYNC_FILE_RANGE_WRITE);
    writeback_started_ = written_;
  }

  std::string final_path_;
  std::string temp_path_;
  int fd_;
  bool durable_ = true;
  int64_t written_ = 0;
  int64_t writeback_started_ = 0;
};

class LocalFs final : public FileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open", path, errno);
    struct stat st;
    if (fstat(fd, &st) != 0) {
      int err = errno;
      close(fd);
      return ErrnoStatus("cannot stat", path, err);
    }
    if (S_ISDIR(st.st_mode)) {
      close(fd);
      return Status::InvalidArgument("'" + path + "' is a directory, not a file");
    }
    return std::unique_ptr<RandomAccessFile>(new LocalReadFile(path, fd, st.st_size));
  }

  Result<std::unique_ptr<WritableFile>> OpenWrite(const std::string& path, bool atomic) override {
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    std::string temp = path;
    if (atomic) {
      static thread_local std::mt19937_64 rng{std::random_device{}()};
      char suffix[32];
      std::snprintf(suffix, sizeof suffix, ".tmp-%016llx", static_cast<unsigned long long>(rng()));
      fs::path p(path);
      temp = (p.parent_path() / ("." + p.filename().string() + suffix)).string();
    }
    int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("cannot create", path, errno);
    return std::unique_ptr<WritableFile>(new LocalWriteFile(path, temp, fd));
  }

  Result<std::unique_ptr<WritableFile>> OpenScratch(const std::string& path) override {
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return ErrnoStatus("cannot create", path, errno);
    return std::unique_ptr<WritableFile>(new LocalWriteFile(path, path, fd, /*durable=*/false));
  }

  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot stat", path, errno);
    return FileInfo{path, st.st_size, S_ISDIR(st.st_mode)};
  }

  Result<std::vector<FileInfo>> ListRecursive(const std::string& dir) override {
    std::vector<FileInfo> out;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) return ErrnoStatus("cannot list", dir, ec.value());
    for (const auto& entry : it) {
      if (!entry.is_regular_file(ec)) continue;
      std::string name = entry.path().filename().string();
      if (!name.empty() && (name[0] == '.' || name[0] == '_')) continue;  // hidden, _SUCCESS, temp files
      out.push_back(FileInfo{entry.path().string(), static_cast<int64_t>(entry.file_size(ec)), false});
    }
    std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return out;
  }

  Status CreateDirs(const std::string& path) override {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) return ErrnoStatus("cannot create directory", path, ec.value());
    return Status::OK();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus("cannot rename to '" + to + "'", from, errno);
    return Status::OK();
  }

  Status RemoveAll(const std::string& path) override {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) return ErrnoStatus("cannot remove", path, ec.value());
    return Status::OK();
  }
};

}  // namespace

FileSystem& LocalFileSystem() {
  static LocalFs instance;
  return instance;
}

}  // namespace logidata
