// CsvChunkPlanner: cuts the files of one CSV scan into chunks of whole records, in file order,
// so that chunks can be tokenized and decoded in parallel. Plain files are memory-mapped and cut
// with a quote-parity scan (cheap, serial); compressed files are decompressed as a stream and
// cut the same way. The planner also skips each file's BOM and header (checking that every file
// has the first file's header) and tracks line numbers for error messages.
// Next() is thread-safe: callers take chunks one at a time under an internal mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "formats/csv/csv_decompressing_stream.h"
#include "formats/csv/csv_options.h"
#include "io/file_system.h"

namespace logidata {

struct CsvChunk {
  int64_t index = 0;           // 0, 1, 2… over the whole scan
  const std::string* path = nullptr;
  std::shared_ptr<const void> owner;  // keeps `data` alive
  const char* data = nullptr;
  size_t size = 0;
  int64_t first_line = 1;      // 1-based line number of data[0] in its file; 0: not counted
  const char* file_start = nullptr;  // the whole mapped file, when first_line is not counted
  // True when `data` lies in a read-only file mapping: once parsed, its pages may be dropped
  // from the process (ReleaseChunkPages) so resident memory stays at the chunks in flight.
  bool mapped = false;
  // Bytes after data + size that belong to the same buffer and may be read (the rest of the file
  // or of the downloaded object): a parser that over-reads its input, like simdjson, can then
  // parse the chunk in place instead of copying it next to padding. 0 for streamed chunks.
  size_t readable_after = 0;
};

// The 1-based line of `at` (inside chunk.data) in its file. Counts from the file's start when the
// planner did not count lines (an error path: O(file offset)).
int64_t ChunkLineAt(const CsvChunk& chunk, const char* at);

// Drops the whole pages of a parsed mapped chunk from this process (the page cache keeps them).
void ReleaseChunkPages(const CsvChunk& chunk);

class CsvChunkPlanner {
 public:
  // `header` is the expected header (field names as read) when options.header is set.
  CsvChunkPlanner(FileSystem* fs, std::vector<std::string> files, const CsvReadOptions& options,
                  std::vector<std::string> header, int64_t chunk_bytes);

  // The next chunk, or nullopt when every file is done.
  Result<std::optional<CsvChunk>> Next();
  // Chunks handed out so far (all of them once Next() returned nullopt).
  int64_t chunks_issued();
  // For readers without quoting (NDJSON): cut plain files at the first newline past each chunk's
  // nominal end without counting the lines before it — that serial scan of every byte otherwise
  // bounds the parallel readers. Chunks then come with first_line 0 (see ChunkLineAt).
  void SkipLineCounting() { count_lines_ = false; }

 private:
  Status OpenNextFile();
  Result<std::optional<CsvChunk>> NextMapped();
  Result<std::optional<CsvChunk>> NextStreamed();
  // Reads and checks the header at the start of `data`; returns the bytes it used.
  Result<size_t> ConsumeHeader(const char* data, size_t size, bool at_eof, bool* need_more);

  FileSystem* fs_;
  std::vector<std::string> files_;
  CsvReadOptions options_;
  std::vector<std::string> header_;
  size_t chunk_bytes_;
  bool count_lines_ = true;

  std::mutex mu_;
  size_t file_index_ = 0;  // the file being cut; == files_.size() at the end
  bool file_open_ = false;
  int64_t next_chunk_ = 0;
  int64_t line_ = 1;
  // Mapped file.
  BufferPtr mapped_;
  size_t pos_ = 0;
  // Compressed file.
  std::unique_ptr<DecompressingStream> stream_;
  std::string carry_;
  bool at_file_start_ = true;
};

// Strips a UTF-8 byte order mark; returns its length (0 or 3).
size_t BomLength(const char* data, size_t size);

}  // namespace logidata
