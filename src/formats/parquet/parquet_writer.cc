#include "formats/parquet/parquet_writer.h"

#include <algorithm>
#include <numeric>

#include <nlohmann/json.hpp>

#include "common/parallel_for.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/thrift_codec.h"

namespace logidata::parquet {

ParquetWriter::ParquetWriter(std::unique_ptr<WritableFile> file, SchemaPtr schema, ParquetWriteOptions options)
    : file_(std::move(file)), schema_(std::move(schema)), options_(options) {}

ParquetWriter::~ParquetWriter() {
  if (!closed_) Abort();
}

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(std::unique_ptr<WritableFile> file, SchemaPtr schema,
                                                           ParquetWriteOptions options) {
  if (options.row_group_size <= 0) return Status::InvalidArgument("row_group_size must be positive");
  if (options.page_size <= 0) return Status::InvalidArgument("page_size must be positive");
  if (schema->num_fields() == 0) return Status::InvalidArgument("cannot write a Parquet file without columns");
  std::unique_ptr<ParquetWriter> w(new ParquetWriter(std::move(file), std::move(schema), options));
  LD_RETURN_IF_ERROR(w->file_->Append("PAR1", 4));
  w->offset_ = 4;
  return w;
}

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(FileSystem& fs, const std::string& path, SchemaPtr schema,
                                                           ParquetWriteOptions options) {
  LD_ASSIGN_OR_RETURN(auto file, fs.OpenWrite(path, /*atomic=*/true));
  return Open(std::move(file), std::move(schema), options);
}

Status ParquetWriter::Write(const BatchPtr& batch) {
  if (closed_ || finished_) return Status::Internal("write after close");
  if (batch->num_columns() != schema_->num_fields()) {
    return Status::InvalidArgument("batch has " + std::to_string(batch->num_columns()) + " columns, the Parquet file " +
                                   std::to_string(schema_->num_fields()));
  }
  for (int i = 0; i < batch->num_columns(); ++i) {
    if (batch->column(i)->type() != schema_->field(i).type) {
      return Status::InvalidArgument("column '" + schema_->field(i).name + "' is " + batch->column(i)->type().ToString() +
                                     ", expected " + schema_->field(i).type.ToString());
    }
  }
  int64_t offset = 0;
  while (offset < batch->num_rows()) {
    int64_t take = std::min(batch->num_rows() - offset, options_.row_group_size - pending_rows_);
    pending_.push_back(offset == 0 && take == batch->num_rows() ? batch : SliceBatch(*batch, offset, take));
    pending_rows_ += take;
    offset += take;
    if (pending_rows_ >= options_.row_group_size) LD_RETURN_IF_ERROR(FlushRowGroup());
  }
  return Status::OK();
}

Status ParquetWriter::FlushRowGroup() {
  if (pending_rows_ == 0) return Status::OK();
  const int n = schema_->num_fields();
  ColumnWriteOptions copts;
  copts.compression = options_.compression;
  copts.compression_level = options_.compression_level;
  copts.page_size = options_.page_size;
  copts.dictionary_size_limit = options_.dictionary_size_limit;
  copts.dictionary = options_.dictionary;
  std::vector<Result<EncodedChunk>> chunks(static_cast<size_t>(n), Status::Internal("column not encoded"));
  // Largest columns first: the threads then finish together instead of one encoding the last big
  // column alone while the pipeline waits for the row group (longest-processing-time order; the
  // orders table's two text columns came last in schema order). J1z: 4.2-4.5 s -> 3.7-4.0 s.
  std::vector<int64_t> bytes(static_cast<size_t>(n), 0);
  for (const auto& b : pending_) {
    for (int c = 0; c < n; ++c) bytes[static_cast<size_t>(c)] += b->column(c)->ByteSize();
  }
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return bytes[static_cast<size_t>(a)] > bytes[static_cast<size_t>(b)]; });
  RowGroupEncodeScratch own_scratch;  // when none is kept between row groups
  RowGroupEncodeScratch& scratch = options_.scratch ? *options_.scratch : own_scratch;
  const int threads = std::max(1, std::min(options_.num_threads, n));
  if (static_cast<int>(scratch.workers.size()) < threads) scratch.workers.resize(static_cast<size_t>(threads));
  scratch.chunk_bytes.resize(static_cast<size_t>(n));
  ParallelForWithWorker(n, threads, [&](int task, int worker) {
    const int c = order[static_cast<size_t>(task)];
    std::vector<ColumnPtr> pieces;
    pieces.reserve(pending_.size());
    for (const auto& b : pending_) pieces.push_back(b->column(c));
    chunks[static_cast<size_t>(c)] = EncodeColumnChunk(schema_->field(c), pieces, copts, &scratch.workers[static_cast<size_t>(worker)],
                                                       std::move(scratch.chunk_bytes[static_cast<size_t>(c)]));
  });

  pq::RowGroup rg;
  rg.num_rows = pending_rows_;
  rg.total_byte_size = 0;
  int64_t start = offset_;
  for (int c = 0; c < n; ++c) {
    auto& r = chunks[static_cast<size_t>(c)];
    if (!r.ok()) return r.status().WithContext("column '" + schema_->field(c).name + "'");
    EncodedChunk& chunk = r.value();
    pq::ColumnChunk cc;
    pq::ColumnMetaData meta = chunk.meta;
    meta.data_page_offset += offset_;
    if (meta.__isset.dictionary_page_offset) meta.dictionary_page_offset += offset_;
    cc.file_offset = meta.__isset.dictionary_page_offset ? meta.dictionary_page_offset : meta.data_page_offset;
    cc.__set_meta_data(meta);
    LD_RETURN_IF_ERROR(file_->Append(chunk.bytes.data(), chunk.bytes.size()));
    offset_ += static_cast<int64_t>(chunk.bytes.size());
    scratch.chunk_bytes[static_cast<size_t>(c)] = std::move(chunk.bytes);
    rg.total_byte_size += meta.total_uncompressed_size;
    rg.columns.push_back(std::move(cc));
  }
  rg.__set_file_offset(start);
  rg.__set_total_compressed_size(offset_ - start);
  rg.__set_ordinal(static_cast<int16_t>(row_groups_.size()));
  row_groups_.push_back(std::move(rg));
  rows_written_ += pending_rows_;
  pending_.clear();
  pending_rows_ = 0;
  return Status::OK();
}

Status ParquetWriter::Close() {
  LD_RETURN_IF_ERROR(Finish());
  return Publish();
}

Status ParquetWriter::Publish() {
  if (closed_) return Status::OK();
  if (!finished_) return Status::Internal("Publish() before Finish()");
  closed_ = true;
  return file_->Close();
}

Status ParquetWriter::Finish() {
  if (closed_ || finished_) return Status::OK();
  LD_RETURN_IF_ERROR(FlushRowGroup());
  pq::FileMetaData meta;
  meta.version = 1;
  pq::SchemaElement root;
  root.__set_name("schema");
  root.__set_num_children(schema_->num_fields());
  meta.schema.push_back(root);
  for (const auto& f : schema_->fields()) meta.schema.push_back(SchemaElementFor(f));
  meta.num_rows = rows_written_;
  meta.row_groups = row_groups_;
  meta.__set_created_by("logidata parquet writer 1.0");
  nlohmann::json zones = nlohmann::json::object();
  for (const auto& f : schema_->fields()) {
    if (f.type.id == TypeId::kTimestamp && !f.type.timezone.empty() && f.type.timezone != "UTC") {
      zones[f.name] = f.type.timezone;
    }
  }
  if (!zones.empty()) {
    pq::KeyValue kv;
    kv.key = kTimezonesMetadataKey;
    kv.__set_value(zones.dump());
    meta.__set_key_value_metadata({kv});
  }
  std::vector<pq::ColumnOrder> orders(static_cast<size_t>(schema_->num_fields()));
  for (auto& o : orders) o.__set_TYPE_ORDER(pq::TypeDefinedOrder());
  meta.__set_column_orders(orders);
  std::string footer;
  LD_RETURN_IF_ERROR(SerializeFileMetaData(meta, &footer));
  uint32_t len = static_cast<uint32_t>(footer.size());
  footer.append(reinterpret_cast<const char*>(&len), 4);
  footer.append("PAR1");
  LD_RETURN_IF_ERROR(file_->Append(footer.data(), footer.size()));
  finished_ = true;
  return Status::OK();
}

void ParquetWriter::Abort() {
  if (file_ && !closed_) file_->Abort();
  closed_ = true;
}

}  // namespace logidata::parquet
