#include "formats/csv/csv_chunk_planner.h"

#include <cstring>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#include "formats/csv/csv_record_scan.h"
#include "formats/csv/csv_tokenizer.h"
#include "formats/csv/csv_value_parser.h"

namespace logidata {

namespace {

constexpr size_t kStreamReadBytes = 1 << 20;

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out + "]";
}

}  // namespace

void ReleaseChunkPages(const CsvChunk& chunk) {
  if (!chunk.mapped || chunk.size == 0) return;
  static const uintptr_t kPage = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  // Only pages entirely inside the chunk: the partial ones at either end belong to neighbours too.
  uintptr_t begin = (reinterpret_cast<uintptr_t>(chunk.data) + kPage - 1) & ~(kPage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(chunk.data) + chunk.size) & ~(kPage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

size_t BomLength(const char* data, size_t size) {
  if (size >= 3 && static_cast<unsigned char>(data[0]) == 0xEF && static_cast<unsigned char>(data[1]) == 0xBB &&
      static_cast<unsigned char>(data[2]) == 0xBF) {
    return 3;
  }
  return 0;
}

int64_t ChunkLineAt(const CsvChunk& chunk, const char* at) {
  if (chunk.first_line > 0) return chunk.first_line + CountNewlines(chunk.data, static_cast<size_t>(at - chunk.data));
  return 1 + CountNewlines(chunk.file_start, static_cast<size_t>(at - chunk.file_start));
}

CsvChunkPlanner::CsvChunkPlanner(FileSystem* fs, std::vector<std::string> files, const CsvReadOptions& options,
                                 std::vector<std::string> header, int64_t chunk_bytes)
    : fs_(fs),
      files_(std::move(files)),
      options_(options),
      header_(std::move(header)),
      chunk_bytes_(static_cast<size_t>(std::max<int64_t>(chunk_bytes, 1))) {}

Result<std::optional<CsvChunk>> CsvChunkPlanner::Next() {
  std::lock_guard<std::mutex> lock(mu_);
  while (file_index_ < files_.size()) {
    if (!file_open_) LD_RETURN_IF_ERROR(OpenNextFile());
    auto chunk = stream_ ? NextStreamed() : NextMapped();
    if (!chunk.ok()) {
      file_index_ = files_.size();  // stop handing out chunks after an error
      return chunk.status();
    }
    if (chunk->has_value()) return chunk;
    // This file is done.
    file_open_ = false;
    mapped_.reset();
    stream_.reset();
    carry_.clear();
    ++file_index_;
  }
  return std::optional<CsvChunk>();
}

int64_t CsvChunkPlanner::chunks_issued() {
  std::lock_guard<std::mutex> lock(mu_);
  return next_chunk_;
}

Status CsvChunkPlanner::OpenNextFile() {
  const std::string& path = files_[file_index_];
  LD_ASSIGN_OR_RETURN(auto file, fs_->OpenRead(path));
  line_ = 1;
  pos_ = 0;
  at_file_start_ = true;
  CsvCompression compression = ResolveCsvCompression(options_.compression, path);
  if (compression == CsvCompression::kNone) {
    LD_ASSIGN_OR_RETURN(mapped_, file->ReadAll());
  } else {
    LD_ASSIGN_OR_RETURN(stream_, DecompressingStream::Make(compression, std::move(file)));
  }
  file_open_ = true;
  return Status::OK();
}

Result<size_t> CsvChunkPlanner::ConsumeHeader(const char* data, size_t size, bool at_eof, bool* need_more) {
  *need_more = false;
  size_t used = options_.skip_bom ? BomLength(data, size) : 0;
  if (!options_.header) return used;
  std::vector<std::string> fields;
  std::string error;
  size_t consumed = SplitRecord(data + used, size - used, options_.dialect, &fields, &error);
  bool complete = consumed < size - used || (consumed > 0 && data[used + consumed - 1] == '\n');
  if (!complete && !at_eof) {
    *need_more = true;
    return 0;
  }
  const std::string& path = files_[file_index_];
  if (!error.empty()) return Status::DataError(path + ":1:1: " + error + " in the header");
  if (consumed == 0) return used;  // an empty file
  if (options_.encoding == CsvEncoding::kLatin1) {
    for (auto& f : fields) {
      std::string utf8;
      AppendLatin1AsUtf8(f, &utf8);
      f = std::move(utf8);
    }
  }
  if (fields != header_) {
    return Status::DataError(path + ":1: the header " + JoinNames(fields) + " differs from the first file's " +
                             JoinNames(header_) + "; all files of one extract must share a header");
  }
  line_ += CountNewlines(data + used, consumed);
  return used + consumed;
}

Result<std::optional<CsvChunk>> CsvChunkPlanner::NextMapped() {
  const char* data = mapped_->data_as<char>();
  const size_t size = mapped_->size();
  if (at_file_start_) {
    at_file_start_ = false;
    bool need_more;
    LD_ASSIGN_OR_RETURN(pos_, ConsumeHeader(data, size, /*at_eof=*/true, &need_more));
  }
  if (pos_ >= size) return std::optional<CsvChunk>();
  CsvChunk chunk;
  chunk.index = next_chunk_++;
  chunk.path = &files_[file_index_];
  chunk.owner = mapped_;
  // Local files come back as views of a private read-only mapping (not owned buffers).
  chunk.mapped = !mapped_->owned();
  chunk.data = data + pos_;
  chunk.first_line = line_;
  size_t end = size;
  if (!count_lines_ && !options_.dialect.quoting() && !options_.dialect.has_separate_escape()) {
    chunk.first_line = 0;
    chunk.file_start = data;
    if (size - pos_ > chunk_bytes_) {
      const void* nl = std::memchr(data + pos_ + chunk_bytes_, '\n', size - pos_ - chunk_bytes_);
      if (nl != nullptr) end = static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
    }
  } else if (size - pos_ > chunk_bytes_) {
    RecordEnd r = FindRecordEnd(data, pos_, pos_ + chunk_bytes_, size, options_.dialect);
    if (r.found) {
      end = r.end;
      line_ += r.newlines;
    }
  }
  chunk.size = end - pos_;
  chunk.readable_after = size - end;
  pos_ = end;
  return std::optional<CsvChunk>(std::move(chunk));
}

Result<std::optional<CsvChunk>> CsvChunkPlanner::NextStreamed() {
  // Fill the carry-over buffer up to a chunk (or the end of the stream).
  while (carry_.size() < chunk_bytes_ + 1 && !stream_->eof()) {
    LD_RETURN_IF_ERROR(stream_->Read(&carry_, std::max(kStreamReadBytes, chunk_bytes_ + 1 - carry_.size())));
  }
  size_t start = 0;
  if (at_file_start_) {
    bool need_more = true;
    while (true) {
      LD_ASSIGN_OR_RETURN(start, ConsumeHeader(carry_.data(), carry_.size(), stream_->eof(), &need_more));
      if (!need_more) break;
      LD_RETURN_IF_ERROR(stream_->Read(&carry_, kStreamReadBytes));
    }
    at_file_start_ = false;
  }
  if (start >= carry_.size()) {
    carry_.clear();
    return std::optional<CsvChunk>();
  }
  size_t end = carry_.size();
  int64_t newlines = 0;
  if (!stream_->eof() || carry_.size() - start > chunk_bytes_) {
    size_t nominal = std::min(start + chunk_bytes_, carry_.size());
    RecordEnd r = FindRecordEnd(carry_.data(), start, nominal, carry_.size(), options_.dialect);
    // A record longer than what is buffered: read on until it ends.
    while (!r.found && !stream_->eof()) {
      LD_RETURN_IF_ERROR(stream_->Read(&carry_, kStreamReadBytes));
      r = FindRecordEnd(carry_.data(), start, nominal, carry_.size(), options_.dialect);
    }
    end = r.found ? r.end : carry_.size();
    newlines = r.newlines;
  }
  auto bytes = std::make_shared<std::string>(carry_.data() + start, end - start);
  carry_.erase(0, end);
  CsvChunk chunk;
  chunk.index = next_chunk_++;
  chunk.path = &files_[file_index_];
  chunk.data = bytes->data();
  chunk.size = bytes->size();
  chunk.owner = std::move(bytes);
  chunk.first_line = line_;
  line_ += newlines;
  return std::optional<CsvChunk>(std::move(chunk));
}

}  // namespace logidata
