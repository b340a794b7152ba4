// ObjectReadFile: a RandomAccessFile over one object of an object store (S3, Azure Blob). The
// size is asked once (a HEAD), ranges are ranged GETs, ReadAll one GET. `Client` is the store's
// client: Result<int64_t> Size(container, name) and Result<std::string> Get(container, name,
// offset, length = -1), given as member pointers so each store keeps its own names.
// Thread-safe: the size is cached under a lock; GETs are independent.
#pragma once

#include <algorithm>
#include <mutex>
#include <string>

#include "io/file_system.h"

namespace logidata {

template <typename Client, auto kSize, auto kGet>
class ObjectReadFile final : public RandomAccessFile {
 public:
  ObjectReadFile(Client* client, std::string container, std::string name, std::string path)
      : client_(client), container_(std::move(container)), name_(std::move(name)), path_(std::move(path)) {}

  Result<int64_t> Size() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (size_ < 0) {
      LD_ASSIGN_OR_RETURN(size_, (client_->*kSize)(container_, name_));
    }
    return size_;
  }

  Result<BufferPtr> ReadAt(int64_t offset, int64_t length) override {
    if (offset < 0 || length < 0) return Status::InvalidArgument("negative read range in '" + path_ + "'");
    LD_ASSIGN_OR_RETURN(int64_t size, Size());
    if (offset >= size || length == 0) return std::make_shared<Buffer>();
    length = std::min(length, size - offset);
    LD_ASSIGN_OR_RETURN(std::string bytes, (client_->*kGet)(container_, name_, offset, length));
    return Buffer::CopyOf(bytes.data(), bytes.size());
  }

  Result<BufferPtr> ReadAll() override {
    LD_ASSIGN_OR_RETURN(std::string bytes, (client_->*kGet)(container_, name_, 0, -1));
    {
      std::lock_guard<std::mutex> lock(mu_);
      size_ = static_cast<int64_t>(bytes.size());
    }
    return Buffer::CopyOf(bytes.data(), bytes.size());
  }

  const std::string& path() const override { return path_; }

 private:
  Client* client_;
  std::string container_, name_, path_;
  std::mutex mu_;
  int64_t size_ = -1;
};

}  // namespace logidata
