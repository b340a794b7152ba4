#include "connectors/azure/azure_blob_file_system.h"

#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <random>

#include "connectors/azure/azure_shared_key.h"
#include "connectors/object_read_file.h"

namespace logidata {

namespace {

using AzureReadFile = ObjectReadFile<AzureBlobClient, &AzureBlobClient::GetBlobSize, &AzureBlobClient::GetBlob>;

// Block ids: base64 of "<8 random hex digits>-<6-digit index>", the same length for every block
// of a blob as Azure requires. The random part keeps two writers of the same name from committing
// each other's blocks.
class BlockIds {
 public:
  BlockIds() {
    std::random_device rd;
    std::snprintf(writer_, sizeof writer_, "%08x", static_cast<unsigned>(rd()));
  }
  std::string Next() {
    char raw[32];
    std::snprintf(raw, sizeof raw, "%s-%06d", writer_, ++count_);
    return azure::Base64Encode(raw);
  }

 private:
  char writer_[9];
  int count_ = 0;
};

class AzureWriteFile final : public WritableFile {
 public:
  AzureWriteFile(AzureBlobClient* client, std::string container, std::string blob, size_t block_bytes)
      : client_(client), container_(std::move(container)), blob_(std::move(blob)), block_bytes_(block_bytes) {}
  ~AzureWriteFile() override {
    if (!closed_) Abort();
  }

  Status Append(const void* data, size_t size) override {
    LD_RETURN_IF_ERROR(failed_);
    buffer_.append(static_cast<const char*>(data), size);
    written_ += static_cast<int64_t>(size);
    while (buffer_.size() >= block_bytes_) LD_RETURN_IF_ERROR(StageBlock(block_bytes_));
    return Status::OK();
  }
  int64_t BytesWritten() const override { return written_; }

  Status Close() override {
    if (closed_) return Status::OK();
    Status s = failed_;
    if (s.ok() && staged_.empty()) {
      s = client_->PutBlob(container_, blob_, buffer_);  // small file: one request, atomic by nature
    } else if (s.ok()) {
      if (!buffer_.empty()) s = StageBlock(buffer_.size());
      if (s.ok()) s = WaitForUploads(0);
      if (s.ok()) s = client_->PutBlockList(container_, blob_, staged_);
    }
    Abort();  // drops the buffer and the ids; nothing is left to undo after a commit
    return s;
  }

  // Uncommitted blocks are invisible and Azure deletes them after a week; there is no call to
  // discard them sooner, so waiting for the uploads in flight and dropping the list is the
  // whole abort.
  void Abort() override {
    (void)WaitForUploads(0);
    staged_.clear();
    buffer_.clear();
    closed_ = true;
  }

 private:
  // Put Blocks running while the writer fills the next block, so the network overlaps the
  // formatting; a file holds at most this many blocks in flight plus the one it fills.
  static constexpr size_t kBlocksInFlight = 2;

  Status StageBlock(size_t bytes) {
    if (staged_.size() >= AzureBlobFileSystem::kMaxBlocks) {
      return Status::InvalidArgument("az://" + container_ + "/" + blob_ + " would need more than " +
                                     std::to_string(AzureBlobFileSystem::kMaxBlocks) +
                                     " blocks, Azure's limit for one blob; raise block_size_kb");
    }
    LD_RETURN_IF_ERROR(WaitForUploads(kBlocksInFlight - 1));
    std::string id = ids_.Next();
    in_flight_.push_back(std::async(std::launch::async,
                                    [client = client_, container = container_, blob = blob_, id,
                                     block = buffer_.substr(0, bytes)] { return client->PutBlock(container, blob, id, block); }));
    staged_.push_back(std::move(id));
    buffer_.erase(0, bytes);
    return Status::OK();
  }

  // Waits until at most `keep` uploads are running. The first failure sticks: every later
  // Append and Close returns it.
  Status WaitForUploads(size_t keep) {
    while (in_flight_.size() > keep) {
      Status s = in_flight_.front().get();
      in_flight_.pop_front();
      if (failed_.ok() && !s.ok()) failed_ = s;
    }
    return failed_;
  }

  AzureBlobClient* client_;
  std::string container_, blob_;
  size_t block_bytes_;
  BlockIds ids_;
  std::vector<std::string> staged_;   // every block id, in order, uploaded or in flight
  std::deque<std::future<Status>> in_flight_;
  Status failed_;
  std::string buffer_;
  int64_t written_ = 0;
  bool closed_ = false;
};

std::string DirPrefix(const std::string& name) {
  if (name.empty() || name.back() == '/') return name;
  return name + "/";
}

}  // namespace

Result<std::unique_ptr<RandomAccessFile>> AzureBlobFileSystem::OpenRead(const std::string& path) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseAzurePath(path));
  return std::unique_ptr<RandomAccessFile>(new AzureReadFile(&client_, loc.first, loc.second, path));
}

Result<std::unique_ptr<WritableFile>> AzureBlobFileSystem::OpenWrite(const std::string& path, bool) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseAzurePath(path));
  if (loc.second.empty()) return Status::InvalidArgument("'" + path + "' names no blob");
  return std::unique_ptr<WritableFile>(new AzureWriteFile(&client_, loc.first, loc.second, block_bytes_));
}

Result<FileInfo> AzureBlobFileSystem::Stat(const std::string& path) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseAzurePath(path));
  if (!loc.second.empty() && loc.second.back() != '/') {
    auto size = client_.GetBlobSize(loc.first, loc.second);
    if (size.ok()) return FileInfo{path, *size, false};
    if (!size.status().IsNotFound()) return size.status();
  }
  LD_ASSIGN_OR_RETURN(auto under, client_.List(loc.first, DirPrefix(loc.second), 1));
  if (under.empty()) return Status::NotFound("'" + path + "' does not exist");
  return FileInfo{path, 0, true};
}

Result<std::vector<FileInfo>> AzureBlobFileSystem::ListObjects(const std::string& dir) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseAzurePath(dir));
  LD_ASSIGN_OR_RETURN(auto blobs, client_.List(loc.first, DirPrefix(loc.second)));
  std::vector<FileInfo> out;
  for (const auto& b : blobs) {
    if (!b.name.empty() && b.name.back() == '/') continue;  // folder markers
    out.push_back({"az://" + loc.first + "/" + b.name, b.size, false});
  }
  return out;
}

Status AzureBlobFileSystem::DeleteObject(const std::string& path) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseAzurePath(path));
  Status st = client_.DeleteBlob(loc.first, loc.second);
  return st.IsNotFound() ? Status::OK() : st;
}

Status AzureBlobFileSystem::CreateDirs(const std::string&) { return Status::OK(); }  // prefixes need no creation

Status AzureBlobFileSystem::Rename(const std::string& from, const std::string& to) {
  LD_ASSIGN_OR_RETURN(auto src, ParseAzurePath(from));
  LD_ASSIGN_OR_RETURN(auto dst, ParseAzurePath(to));
  if (src.first != dst.first) return Status::Unsupported("Azure Blob rename across containers");
  if (!src.second.empty() && client_.GetBlobSize(src.first, src.second).ok()) {
    LD_RETURN_IF_ERROR(client_.CopyBlob(src.first, src.second, dst.second));
    return client_.DeleteBlob(src.first, src.second);
  }
  LD_ASSIGN_OR_RETURN(auto blobs, client_.List(src.first, DirPrefix(src.second)));
  if (blobs.empty()) return Status::NotFound("cannot rename '" + from + "': it does not exist");
  const std::string from_prefix = DirPrefix(src.second), to_prefix = DirPrefix(dst.second);
  // Copy everything first, then delete: a failure midway leaves the source complete.
  for (const auto& b : blobs) {
    LD_RETURN_IF_ERROR(client_.CopyBlob(src.first, b.name, to_prefix + b.name.substr(from_prefix.size())));
  }
  for (const auto& b : blobs) LD_RETURN_IF_ERROR(client_.DeleteBlob(src.first, b.name));
  return Status::OK();
}

Status AzureBlobFileSystem::RemoveAll(const std::string& path) {
  LD_ASSIGN_OR_RETURN(auto loc, ParseAzurePath(path));
  if (!loc.second.empty() && client_.GetBlobSize(loc.first, loc.second).ok()) {
    return client_.DeleteBlob(loc.first, loc.second);
  }
  LD_ASSIGN_OR_RETURN(auto blobs, client_.List(loc.first, DirPrefix(loc.second)));
  for (const auto& b : blobs) LD_RETURN_IF_ERROR(client_.DeleteBlob(loc.first, b.name));
  return Status::OK();
}

}  // namespace logidata
