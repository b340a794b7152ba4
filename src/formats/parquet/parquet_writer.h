// ParquetWriter: our Parquet file writer, usable without the executor. Write() buffers batches
// until a row group is full, then encodes its columns in parallel (options.num_threads) and
// appends them to the file; Close() writes the footer and publishes the file (atomic through the
// FileSystem). Not thread-safe: one caller at a time; batches are written in call order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "formats/parquet/column_chunk_writer.h"
#include "io/file_system.h"
#include "parquet_types.h"
#include "types/batch.h"

namespace logidata::parquet {

// What encoding row groups needs kept from one to the next: a ColumnEncodeScratch per encoding
// thread and the bytes of the last row group's chunks (for their capacity). The writers of one
// loader (one per partition) share one: the loader flushes one writer at a time.
struct RowGroupEncodeScratch {
  std::vector<ColumnEncodeScratch> workers;
  std::vector<std::string> chunk_bytes;  // by column
};

struct ParquetWriteOptions {
  pq::CompressionCodec::type compression = pq::CompressionCodec::ZSTD;
  int compression_level = 0;             // 0 = codec default
  int64_t row_group_size = 1 << 20;      // rows per row group
  int64_t page_size = 1 << 20;           // uncompressed bytes per data page (approximate)
  int64_t dictionary_size_limit = 1 << 20;
  bool dictionary = true;
  int num_threads = 1;                   // columns encoded concurrently
  // Kept between row groups when set; when null each row group's encode buffers are freed after
  // it (less memory between row groups, more page faults).
  std::shared_ptr<RowGroupEncodeScratch> scratch;
};

class ParquetWriter {
 public:
  static Result<std::unique_ptr<ParquetWriter>> Open(std::unique_ptr<WritableFile> file, SchemaPtr schema,
                                                     ParquetWriteOptions options);
  static Result<std::unique_ptr<ParquetWriter>> Open(FileSystem& fs, const std::string& path, SchemaPtr schema,
                                                     ParquetWriteOptions options);
  ~ParquetWriter();

  // REQUIRES: batch->schema() has the writer's field names and types.
  Status Write(const BatchPtr& batch);
  // Flushes the last row group, writes the footer and publishes the file.
  Status Close();
  // Close() in two steps: Finish() writes everything but leaves the file unpublished, Publish()
  // makes it visible (loaders finish when input ends and publish at commit).
  Status Finish();
  Status Publish();
  // Discards the file; safe to call at any time.
  void Abort();

  int64_t rows_written() const { return rows_written_; }
  int64_t bytes_written() const { return file_ ? file_->BytesWritten() : 0; }

 private:
  ParquetWriter(std::unique_ptr<WritableFile> file, SchemaPtr schema, ParquetWriteOptions options);
  Status FlushRowGroup();

  std::unique_ptr<WritableFile> file_;
  SchemaPtr schema_;
  ParquetWriteOptions options_;
  std::vector<BatchPtr> pending_;
  int64_t pending_rows_ = 0;
  int64_t rows_written_ = 0;
  int64_t offset_ = 0;
  std::vector<pq::RowGroup> row_groups_;
  bool finished_ = false;
  bool closed_ = false;
};

}  // namespace logidata::parquet
