#include "transforms/spill_file.h"

#include <cstring>
#include <random>

#include "transforms/null_column.h"

namespace logidata {

namespace {

constexpr uint64_t kBatchMagic = 0x314c4c4950534c44ULL;  // "LDSPILL1"
// A partitioned spill keeps a writer per partition per thread (2 threads x 16 partitions = 32
// writers), and their buffers are outside the memory budget: 256 KiB bounds them to 8 MB where
// 1 MiB allowed 32 MB, and writes of 256 KiB are still large for the disk.
constexpr size_t kFlushBytes = 256 << 10;
// A batch starts with {magic, rows, columns, the batch's length in bytes, header included}.
constexpr size_t kBatchHeaderWords = 4;
constexpr size_t kBatchHeaderBytes = kBatchHeaderWords * sizeof(uint64_t);

// 16-byte alignment: decimal (int128) values are read in place and may use aligned SIMD loads.
size_t Pad16(size_t n) { return (n + 15) & ~size_t{15}; }

struct ColumnHeader {
  uint64_t validity_len;
  uint64_t values_len;
  uint64_t data_len;
};

// validity_len of a column whose every row is NULL: no buffers follow. Unread columns are all
// NULL, and writing their full width would cost disk and, read back, memory for nothing.
constexpr uint64_t kAllNullColumn = ~uint64_t{0};

}  // namespace

SpillDirectory::SpillDirectory(FileSystem* fs, std::filesystem::path root, std::string prefix) : fs_(fs) {
  std::random_device rd;
  if (root.empty()) root = std::filesystem::temp_directory_path();
  dir_ = root / (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
}

SpillDirectory::~SpillDirectory() {
  if (created_.load()) (void)fs_->RemoveAll(dir_.string());
}

Result<std::string> SpillDirectory::NewPath() {
  if (!created_.exchange(true)) {
    Status st = fs_->CreateDirs(dir_.string());
    if (!st.ok()) return st.WithContext("creating spill folder");
  }
  return (dir_ / ("part-" + std::to_string(next_++) + ".spill")).string();
}

SpillWriter::SpillWriter(std::unique_ptr<WritableFile> file, std::string path)
    : file_(std::move(file)), path_(std::move(path)) {
  buffer_.reserve(kFlushBytes + 4096);
}

SpillWriter::~SpillWriter() {
  if (!closed_) file_->Abort();
}

Result<std::unique_ptr<SpillWriter>> SpillWriter::Open(FileSystem& fs, std::string path) {
  auto file = fs.OpenScratch(path);
  if (!file.ok()) return file.status().WithContext("opening spill file " + path);
  return std::unique_ptr<SpillWriter>(new SpillWriter(std::move(file).value(), std::move(path)));
}

void SpillWriter::Put(const void* data, size_t size) {
  buffer_.append(static_cast<const char*>(data), size);
  size_t padded = Pad16(buffer_.size());
  buffer_.resize(padded, '\0');
}

Status SpillWriter::Flush() {
  if (buffer_.empty()) return Status::OK();
  Status st = file_->Append(buffer_.data(), buffer_.size());
  bytes_ += static_cast<int64_t>(buffer_.size());
  buffer_.clear();
  if (!st.ok()) return st.WithContext("writing spill file " + path_);
  return Status::OK();
}

Status SpillWriter::Write(const Batch& batch) {
  const int64_t n = batch.num_rows();
  // head[3], the batch's whole length, is filled in below: a reader then fetches a batch with
  // one read of exactly its bytes. buffer_ is flushed only between batches, so the batch being
  // written is still all in it.
  const size_t start = buffer_.size();
  uint64_t head[kBatchHeaderWords] = {kBatchMagic, static_cast<uint64_t>(n), static_cast<uint64_t>(batch.num_columns()), 0};
  Put(head, sizeof(head));
  for (const auto& column : batch.columns()) {
    const Column& c = *column;
    const DataType& t = c.type();
    ColumnHeader h{};
    if (n > 0 && c.null_count() == n && t.id != TypeId::kNull) {
      h.validity_len = kAllNullColumn;
      Put(&h, sizeof(h));
      continue;
    }
    h.validity_len = c.validity() != nullptr ? static_cast<uint64_t>(BitmapBytes(n)) : 0;
    std::vector<int32_t> rebased;
    const void* values = c.values_buffer()->data();
    const void* data = nullptr;
    if (t.IsVarLength()) {
      const int32_t* o = c.offsets();
      h.values_len = static_cast<uint64_t>(n + 1) * 4;
      h.data_len = static_cast<uint64_t>(o[n] - o[0]);
      data = c.string_data() + o[0];
      if (o[0] != 0) {
        rebased.assign(o, o + n + 1);
        for (auto& x : rebased) x -= o[0];
        values = rebased.data();
      }
    } else if (t.id == TypeId::kBool || t.id == TypeId::kNull) {
      h.values_len = static_cast<uint64_t>(BitmapBytes(n));
    } else {
      h.values_len = static_cast<uint64_t>(n * t.ByteWidth());
    }
    Put(&h, sizeof(h));
    if (h.validity_len > 0) Put(c.validity(), h.validity_len);
    Put(values, h.values_len);
    if (h.data_len > 0) Put(data, h.data_len);
  }
  const uint64_t batch_bytes = buffer_.size() - start;
  std::memcpy(buffer_.data() + start + 3 * sizeof(uint64_t), &batch_bytes, sizeof(batch_bytes));
  if (buffer_.size() >= kFlushBytes) return Flush();
  return Status::OK();
}

Status SpillWriter::Close() {
  LD_RETURN_IF_ERROR(Flush());
  closed_ = true;
  Status st = file_->Close();
  if (!st.ok()) return st.WithContext("closing spill file " + path_);
  return Status::OK();
}

Result<std::unique_ptr<SpillReader>> SpillReader::Open(FileSystem& fs, const std::string& path, SchemaPtr schema) {
  auto file = fs.OpenRead(path);
  if (!file.ok()) return file.status().WithContext("opening spill file");
  auto size = (*file)->Size();
  if (!size.ok()) return size.status().WithContext("reading spill file " + path);
  return std::unique_ptr<SpillReader>(new SpillReader(std::move(file).value(), *size, path, std::move(schema)));
}

Result<BatchPtr> SpillReader::Next() {
  if (pos_ >= size_) return BatchPtr();
  auto corrupt = [&](const std::string& what) {
    return Status::DataError("spill file " + path_ + " is corrupt at byte " + std::to_string(pos_) + ": " + what);
  };
  auto read = [&](int64_t length) -> Result<BufferPtr> {
    auto bytes = file_->ReadAt(pos_, length);
    if (!bytes.ok()) return bytes.status().WithContext("reading spill file " + path_);
    if (static_cast<int64_t>((*bytes)->size()) != length) return corrupt("truncated batch");
    return std::move(bytes).value();
  };
  if (size_ - pos_ < static_cast<int64_t>(kBatchHeaderBytes)) return corrupt("truncated batch header");
  LD_ASSIGN_OR_RETURN(BufferPtr header, read(kBatchHeaderBytes));
  uint64_t head[kBatchHeaderWords];
  std::memcpy(head, header->data(), sizeof(head));
  if (head[0] != kBatchMagic) return corrupt("bad batch marker");
  if (head[2] != static_cast<uint64_t>(schema_->num_fields())) return corrupt("column count differs from schema");
  if (head[3] < kBatchHeaderBytes || head[3] > static_cast<uint64_t>(size_ - pos_)) {
    return corrupt("batch length " + std::to_string(head[3]) + " outside the file");
  }
  // The batch's columns are views into this one buffer: it lives as long as the batch does.
  LD_ASSIGN_OR_RETURN(BufferPtr bytes, read(static_cast<int64_t>(head[3])));
  const int64_t n = static_cast<int64_t>(head[1]);
  const uint8_t* base = bytes->data();
  const size_t size = bytes->size();
  size_t at = kBatchHeaderBytes;
  auto take = [&](size_t len, const uint8_t** out) -> bool {
    if (len > size - at) return false;
    *out = base + at;
    at = std::min(size, at + Pad16(len));
    return true;
  };
  std::shared_ptr<void> owner = bytes;
  std::vector<ColumnPtr> columns;
  const uint8_t* p;
  for (int c = 0; c < schema_->num_fields(); ++c) {
    const DataType& t = schema_->field(c).type;
    if (!take(sizeof(ColumnHeader), &p)) return corrupt("truncated column header");
    ColumnHeader h;
    std::memcpy(&h, p, sizeof(h));
    if (h.validity_len == kAllNullColumn) {
      columns.push_back(AllNullColumn(t, n));
      continue;
    }
    const uint8_t *validity = nullptr, *values = nullptr, *data = nullptr;
    if (h.validity_len > 0 && !take(h.validity_len, &validity)) return corrupt("truncated validity");
    if (!take(h.values_len, &values)) return corrupt("truncated values");
    if (h.data_len > 0 && !take(h.data_len, &data)) return corrupt("truncated data");
    BufferPtr vb = h.validity_len > 0 ? Buffer::Wrap(validity, h.validity_len, owner) : nullptr;
    BufferPtr xb = Buffer::Wrap(values, h.values_len, owner);
    BufferPtr db = t.IsVarLength() ? Buffer::Wrap(data != nullptr ? data : values, h.data_len, owner) : nullptr;
    columns.push_back(std::make_shared<const Column>(t, n, vb, xb, db));
  }
  pos_ += static_cast<int64_t>(head[3]);
  return Batch::Make(schema_, std::move(columns), n);
}

Result<std::vector<BatchPtr>> ReadSpillFiles(FileSystem& fs, const std::vector<std::string>& paths, SchemaPtr schema) {
  std::vector<BatchPtr> out;
  for (const auto& path : paths) {
    LD_ASSIGN_OR_RETURN(auto reader, SpillReader::Open(fs, path, schema));
    while (true) {
      LD_ASSIGN_OR_RETURN(BatchPtr b, reader->Next());
      if (b == nullptr) break;
      if (b->num_rows() > 0) out.push_back(std::move(b));
    }
  }
  return out;
}

Status SpillPartitions::Write(int partition, const Batch& batch) {
  auto& w = writers_[static_cast<size_t>(partition)];
  if (w == nullptr) {
    LD_ASSIGN_OR_RETURN(std::string path, dir_->NewPath());
    LD_ASSIGN_OR_RETURN(w, SpillWriter::Open(*dir_->fs(), path));
  }
  return w->Write(batch);
}

Status SpillPartitions::WritePartitioned(const Batch& batch, const uint64_t* hashes, std::span<const int32_t> rows) {
  const int64_t n = rows.empty() ? batch.num_rows() : static_cast<int64_t>(rows.size());
  std::vector<std::vector<int32_t>> parts(kSpillPartitions);
  for (int64_t i = 0; i < n; ++i) {
    int32_t r = rows.empty() ? static_cast<int32_t>(i) : rows[static_cast<size_t>(i)];
    parts[static_cast<size_t>(parent_.ChildOf(hashes[i]))].push_back(r);
  }
  for (int p = 0; p < kSpillPartitions; ++p) {
    const auto& idx = parts[static_cast<size_t>(p)];
    if (idx.empty()) continue;
    LD_RETURN_IF_ERROR(Write(p, *TakeBatch(batch, idx)));
  }
  return Status::OK();
}

Status SpillPartitions::Close(std::vector<std::vector<std::string>>* paths) {
  paths->resize(kSpillPartitions);
  for (int p = 0; p < kSpillPartitions; ++p) {
    auto& w = writers_[static_cast<size_t>(p)];
    if (w == nullptr) continue;
    LD_RETURN_IF_ERROR(w->Close());
    (*paths)[static_cast<size_t>(p)].push_back(w->path());
    w.reset();
  }
  return Status::OK();
}

int64_t SpillPartitions::bytes_written() const {
  int64_t total = 0;
  for (const auto& w : writers_) {
    if (w != nullptr) total += w->bytes_written();
  }
  return total;
}


std::string SpillPartitionId::Name() const {
  std::string out;
  for (int d = 1; d <= depth; ++d) {
    if (!out.empty()) out += ".";
    out += std::to_string((prefix >> (kSpillPartitionBits * (depth - d))) & (kSpillPartitions - 1));
  }
  return out.empty() ? "all" : out;
}

Result<BatchPtr> SpillFileStream::Next() {
  while (true) {
    if (reader_ == nullptr) {
      if (next_file_ >= paths_.size()) return BatchPtr();
      LD_ASSIGN_OR_RETURN(reader_, SpillReader::Open(fs_, paths_[next_file_++], schema_));
    }
    LD_ASSIGN_OR_RETURN(BatchPtr b, reader_->Next());
    if (b == nullptr) {
      reader_.reset();
      continue;
    }
    if (b->num_rows() > 0) return b;
  }
}

Result<int64_t> SpillFilesBytes(FileSystem& fs, const std::vector<std::string>& paths) {
  int64_t total = 0;
  for (const auto& path : paths) {
    LD_ASSIGN_OR_RETURN(FileInfo info, fs.Stat(path));
    total += info.size;
  }
  return total;
}

Result<std::vector<std::vector<std::string>>> RepartitionSpillFiles(SpillDirectory* dir, const std::vector<std::string>& paths,
                                                                    const SchemaPtr& schema, SpillPartitionId parent,
                                                                    const RowHasher& hash_rows) {
  SpillPartitions children(dir, parent);
  SpillFileStream in(*dir->fs(), paths, schema);
  std::vector<uint64_t> hashes;
  while (true) {
    LD_ASSIGN_OR_RETURN(BatchPtr b, in.Next());
    if (b == nullptr) break;
    LD_RETURN_IF_ERROR(hash_rows(*b, &hashes));
    LD_RETURN_IF_ERROR(children.WritePartitioned(*b, hashes.data()));
  }
  std::vector<std::vector<std::string>> out;
  LD_RETURN_IF_ERROR(children.Close(&out));
  // The parent's files are never read again: give their disk space back now (best effort).
  for (const auto& path : paths) (void)dir->fs()->RemoveAll(path);
  return out;
}

namespace {

Status VisitSpilledPiece(SpillDirectory* dir, SpillPartitionId id, const std::vector<std::string>& paths, bool splittable,
                         const SchemaPtr& schema, int64_t limit, const RowHasher& hash_rows, const SpilledPieceVisitor& visit) {
  LD_ASSIGN_OR_RETURN(const int64_t bytes, SpillFilesBytes(*dir->fs(), paths));
  if (!splittable || bytes <= limit || !id.CanSplit()) return visit(paths, bytes);
  LD_ASSIGN_OR_RETURN(auto children, RepartitionSpillFiles(dir, paths, schema, id, hash_rows));
  children.resize(kSpillPartitions);
  for (int c = 0; c < kSpillPartitions; ++c) {
    const auto& child = children[static_cast<size_t>(c)];
    if (child.empty()) continue;
    LD_ASSIGN_OR_RETURN(const int64_t child_bytes, SpillFilesBytes(*dir->fs(), child));
    LD_RETURN_IF_ERROR(VisitSpilledPiece(dir, id.Child(c), child, child_bytes < bytes / 10 * 9, schema, limit, hash_rows, visit));
  }
  return Status::OK();
}

}  // namespace

Status ForEachSpilledPiece(SpillDirectory* dir, SpillPartitionId id, const std::vector<std::string>& paths,
                           const SchemaPtr& schema, int64_t limit, const RowHasher& hash_rows,
                           const SpilledPieceVisitor& visit) {
  return VisitSpilledPiece(dir, id, paths, /*splittable=*/true, schema, limit, hash_rows, visit);
}

}  // namespace logidata
