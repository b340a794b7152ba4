#include "connectors/s3/s3_file_system.h"

#include <mutex>

#include "connectors/object_read_file.h"

namespace logidata {

namespace {

using S3ReadFile = ObjectReadFile<S3Client, &S3Client::HeadObject, &S3Client::GetObject>;

class S3WriteFile final : public WritableFile {
 public:
  S3WriteFile(S3Client* client, std::string bucket, std::string key)
      : client_(client), bucket_(std::move(bucket)), key_(std::move(key)) {}
  ~S3WriteFile() override {
    if (!closed_) Abort();
  }

  Status Append(const void* data, size_t size) override {
    buffer_.append(static_cast<const char*>(data), size);
    written_ += static_cast<int64_t>(size);
    if (buffer_.size() >= S3FileSystem::kPartBytes) return FlushPart();
    return Status::OK();
  }
  int64_t BytesWritten() const override { return written_; }

  Status Close() override {
    if (closed_) return Status::OK();
    Status s;
    if (upload_id_.empty()) {
      s = client_->PutObject(bucket_, key_, buffer_);  // small file: one PUT, atomic by nature
    } else {
      s = buffer_.empty() ? Status::OK() : FlushPart();
      if (s.ok()) s = client_->CompleteMultipartUpload(bucket_, key_, upload_id_, etags_);
    }
    if (!s.ok()) {
      Abort();
      return s;
    }
    closed_ = true;
    buffer_.clear();
    return Status::OK();
  }

  void Abort() override {
    if (!upload_id_.empty()) (void)client_->AbortMultipartUpload(bucket_, key_, upload_id_);
    upload_id_.clear();
    buffer_.clear();
    closed_ = true;
  }

 private:
  Status FlushPart() {
    if (upload_id_.empty()) {
      LD_ASSIGN_OR_RETURN(upload_id_, client_->CreateMultipartUpload(bucket_, key_));
    }
    LD_ASSIGN_OR_RETURN(std::string etag, client_->UploadPart(bucket_, key_, upload_id_, static_cast<int>(etags_.size()) + 1, buffer_));
    etags_.push_back(etag);
    buffer_.clear();
    return Status::OK();
  }

  S3Client* client_;
  std::string bucket_, key_, upload_id_;
  std::vector<std::string> etags_;
  std::string buffer_;
  int64_t written_ = 0;
  bool closed_ = false;
};

std::string DirPrefix(const std::string& key) {
  if (key.empty() || key.back() == '/') return key;
  return key + "/";
}

}  // namespace

Result<std::unique_ptr<RandomAccessFile>> S3FileSystem::OpenRead(const std::string& path) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseS3Path(path));
  return std::unique_ptr<RandomAccessFile>(new S3ReadFile(&client_, loc.first, loc.second, path));
}

Result<std::unique_ptr<WritableFile>> S3FileSystem::OpenWrite(const std::string& path, bool) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseS3Path(path));
  if (loc.second.empty()) return Status::InvalidArgument("'" + path + "' names no object key");
  return std::unique_ptr<WritableFile>(new S3WriteFile(&client_, loc.first, loc.second));
}

Result<FileInfo> S3FileSystem::Stat(const std::string& path) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseS3Path(path));
  if (!loc.second.empty() && loc.second.back() != '/') {
    auto size = client_.HeadObject(loc.first, loc.second);
    if (size.ok()) return FileInfo{path, *size, false};
    if (!size.status().IsNotFound()) return size.status();
  }
  LD_ASSIGN_OR_RETURN(auto under, client_.List(loc.first, DirPrefix(loc.second), 1));
  if (under.empty()) return Status::NotFound("'" + path + "' does not exist");
  return FileInfo{path, 0, true};
}

Result<std::vector<FileInfo>> S3FileSystem::ListObjects(const std::string& dir) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseS3Path(dir));
  LD_ASSIGN_OR_RETURN(auto objects, client_.List(loc.first, DirPrefix(loc.second)));
  std::vector<FileInfo> out;
  for (const auto& o : objects) {
    if (!o.key.empty() && o.key.back() == '/') continue;  // folder markers
    out.push_back({"s3://" + loc.first + "/" + o.key, o.size, false});
  }
  return out;
}

Status S3FileSystem::DeleteObject(const std::string& path) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseS3Path(path));
  Status st = client_.DeleteObject(loc.first, loc.second);
  return st.IsNotFound() ? Status::OK() : st;
}

Status S3FileSystem::CreateDirs(const std::string&) { return Status::OK(); }  // prefixes need no creation

Status S3FileSystem::Rename(const std::string& from, const std::string& to) {
  LD_ASSIGN_OR_RETURN(auto src, ParseS3Path(from));
  LD_ASSIGN_OR_RETURN(auto dst, ParseS3Path(to));
  if (src.first != dst.first) return Status::Unsupported("S3 rename across buckets");
  auto single = client_.HeadObject(src.first, src.second);
  if (single.ok()) {
    LD_RETURN_IF_ERROR(client_.CopyObject(src.first, src.second, dst.second));
    return client_.DeleteObject(src.first, src.second);
  }
  LD_ASSIGN_OR_RETURN(auto objects, client_.List(src.first, DirPrefix(src.second)));
  if (objects.empty()) return Status::NotFound("cannot rename '" + from + "': it does not exist");
  const std::string from_prefix = DirPrefix(src.second), to_prefix = DirPrefix(dst.second);
  // Copy everything first, then delete: a failure midway leaves the source complete.
  for (const auto& o : objects) {
    LD_RETURN_IF_ERROR(client_.CopyObject(src.first, o.key, to_prefix + o.key.substr(from_prefix.size())));
  }
  for (const auto& o : objects) LD_RETURN_IF_ERROR(client_.DeleteObject(src.first, o.key));
  return Status::OK();
}

Status S3FileSystem::RemoveAll(const std::string& path) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseS3Path(path));
  if (!loc.second.empty()) {
    auto single = client_.HeadObject(loc.first, loc.second);
    if (single.ok()) return client_.DeleteObject(loc.first, loc.second);
  }
  LD_ASSIGN_OR_RETURN(auto objects, client_.List(loc.first, DirPrefix(loc.second)));
  for (const auto& o : objects) LD_RETURN_IF_ERROR(client_.DeleteObject(loc.first, o.key));
  return Status::OK();
}

}  // namespace logidata
