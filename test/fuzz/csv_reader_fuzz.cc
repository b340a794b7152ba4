// Fuzzes the CSV reader: arbitrary bytes are read as one in-memory file with a few option
// combinations chosen by the first input byte. Oracles: no crash or sanitizer report; the SIMD
// tokenizer agrees with the scalar one; every batch is valid; and reading in tiny parallel chunks
// gives exactly the same rows, or the same error, as reading the file in one chunk.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "formats/csv/csv_modules.h"
#include "formats/csv/csv_tokenizer.h"
#include "io/file_system.h"

namespace logidata {
namespace {

// A read-only file system holding one file, so the fuzzer never touches the disk.
class OneFileSystem final : public FileSystem {
 public:
  explicit OneFileSystem(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override {
    if (path != kPath) return Status::NotFound(path);
    return std::unique_ptr<RandomAccessFile>(new File(&bytes_));
  }
  Result<std::unique_ptr<WritableFile>> OpenWrite(const std::string& path, bool) override {
    return Status::PermissionDenied(path);
  }
  Result<FileInfo> Stat(const std::string& path) override {
    if (path != kPath) return Status::NotFound(path);
    return FileInfo{kPath, static_cast<int64_t>(bytes_.size()), false};
  }
  Result<std::vector<FileInfo>> ListRecursive(const std::string& dir) override { return Status::NotFound(dir); }
  Status CreateDirs(const std::string&) override { return Status::OK(); }
  Status Rename(const std::string&, const std::string&) override { return Status::OK(); }
  Status RemoveAll(const std::string&) override { return Status::OK(); }

  static constexpr const char* kPath = "/fuzz/in.csv";

 private:
  class File final : public RandomAccessFile {
   public:
    explicit File(const std::string* bytes) : bytes_(bytes) {}
    Result<int64_t> Size() override { return static_cast<int64_t>(bytes_->size()); }
    Result<BufferPtr> ReadAt(int64_t offset, int64_t length) override {
      size_t off = std::min(static_cast<size_t>(offset), bytes_->size());
      size_t n = std::min(static_cast<size_t>(length), bytes_->size() - off);
      // A copy (not a view), so reads past the end are caught by the sanitizer.
      return Buffer::CopyOf(bytes_->data() + off, n);
    }
    const std::string& path() const override { return path_; }

   private:
    const std::string* bytes_;
    std::string path_ = kPath;
  };
  std::string bytes_;
};

class Collector final : public Emitter {
 public:
  Status Emit(int, BatchPtr batch) override {
    Status st = batch->Validate();
    if (!st.ok()) {
      std::fprintf(stderr, "invalid batch: %s\n", st.ToString().c_str());
      std::abort();
    }
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      for (const auto& column : batch->columns()) {
        text += column->IsNull(r) ? "<null>" : column->GetValue(r).ToString();
        text += '\x1f';
      }
      text += '\n';
    }
    return Status::OK();
  }
  std::string text;
};

// Reads the file fully; returns the rows as text, or the error message.
std::string ReadAll(OneFileSystem& fs, nlohmann::json config) {
  BindContext ctx;
  ctx.config = &config;
  ctx.fs = &fs;
  auto op = MakeCsvExtractOperator(ctx);
  if (!op.ok()) return "bind error: " + op.status().ToString();
  ExecContext exec;
  exec.fs = &fs;
  Status st = (*op)->Open(exec);
  if (!st.ok()) return "open error: " + st.ToString();
  auto state = (*op)->MakeThreadState();
  Collector out;
  while (true) {
    auto more = (*op)->Produce(state.get(), out);
    if (!more.ok()) return "error: " + more.status().ToString();
    if (!*more) break;
  }
  return out.text;
}

void CheckTokenizers(const std::string& bytes, const CsvDialect& dialect, int columns) {
  std::vector<int> all;
  for (int c = 0; c < columns; ++c) all.push_back(c);
  CsvTokenizer tokenizer(dialect, columns, all);
  TokenizedRecords simd, scalar;
  tokenizer.Tokenize(bytes.data(), bytes.size(), &simd);
  tokenizer.TokenizeScalar(bytes.data(), bytes.size(), &scalar);
  bool same = simd.num_rows == scalar.num_rows && simd.problems.size() == scalar.problems.size();
  for (int c = 0; same && c < columns; ++c) {
    for (int64_t r = 0; same && r < simd.num_rows; ++r) {
      const FieldSpan a = simd.spans[static_cast<size_t>(c)][static_cast<size_t>(r)];
      const FieldSpan b = scalar.spans[static_cast<size_t>(c)][static_cast<size_t>(r)];
      same = a.begin == b.begin && a.end == b.end;
    }
  }
  if (!same) {
    std::fprintf(stderr, "SIMD and scalar tokenizers disagree\n");
    std::abort();
  }
}

}  // namespace
}  // namespace logidata

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace logidata;
  if (size == 0 || size > 64 * 1024) return 0;
  const uint8_t mode = data[0];
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  OneFileSystem fs(bytes);

  nlohmann::json config = {{"path", OneFileSystem::kPath}};
  switch (mode % 4) {
    case 0: break;
    case 1: config["delimiter"] = ";"; config["quote"] = "'"; break;
    case 2: config["escape"] = "\\"; break;
    case 3: config["quote"] = ""; config["delimiter"] = "\t"; break;
  }
  if (mode & 4) config["header"] = false;
  if (mode & 8) config["on_error"] = "skip";
  if (mode & 16) config["encoding"] = "latin-1";
  if (mode & 32) config["null_values"] = {"", "NA"};
  if (mode & 64) config["infer_rows"] = 2;

  CsvDialect dialect;
  if (mode % 4 == 1) dialect = CsvDialect{';', '\'', '\''};
  if (mode % 4 == 3) dialect = CsvDialect{'\t', '\0', '\0'};
  if (mode % 4 != 2) CheckTokenizers(bytes, dialect, 1 + (mode >> 6));

  config["chunk_bytes"] = 1 << 20;
  std::string whole = ReadAll(fs, config);
  config["chunk_bytes"] = 1 + (mode >> 5);
  std::string chunked = ReadAll(fs, config);
  if (whole != chunked) {
    std::fprintf(stderr, "chunked read differs:\n--- whole\n%s\n--- chunked\n%s\n", whole.c_str(), chunked.c_str());
    std::abort();
  }
  return 0;
}
