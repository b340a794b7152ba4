#include "formats/parquet/parquet_reader.h"

#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/column_converter.h"
#include "formats/parquet/thrift_codec.h"

namespace logidata::parquet {
namespace {

constexpr int64_t kFooterProbe = 64 * 1024;

Status Corrupt(const std::string& path, const std::string& what) {
  return Status::DataError("corrupt Parquet file '" + path + "': " + what);
}

}  // namespace

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(FileSystem& fs, const std::string& path) {
  LD_ASSIGN_OR_RETURN(auto file, fs.OpenRead(path));
  return Open(std::move(file));
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(std::unique_ptr<RandomAccessFile> file) {
  std::unique_ptr<ParquetReader> r(new ParquetReader());
  r->file_ = std::move(file);
  const std::string& path = r->file_->path();
  LD_ASSIGN_OR_RETURN(r->file_size_, r->file_->Size());
  const int64_t size = r->file_size_;
  if (size < 12) return Corrupt(path, "file is " + std::to_string(size) + " bytes, too small for Parquet");
  int64_t probe = std::min(size, kFooterProbe);
  LD_ASSIGN_OR_RETURN(BufferPtr tail, r->file_->ReadAt(size - probe, probe));
  if (static_cast<int64_t>(tail->size()) != probe) return Corrupt(path, "short read of the footer");
  const uint8_t* end = tail->data() + probe;
  if (std::memcmp(end - 4, "PARE", 4) == 0) {
    return Status::Unsupported("unsupported: encrypted Parquet file '" + path + "'");
  }
  if (std::memcmp(end - 4, "PAR1", 4) != 0) return Corrupt(path, "missing PAR1 magic at the end (not a Parquet file or truncated)");
  uint32_t footer_len;
  std::memcpy(&footer_len, end - 8, 4);
  if (static_cast<int64_t>(footer_len) > size - 12) {
    return Corrupt(path, "footer length " + std::to_string(footer_len) + " exceeds the file");
  }
  BufferPtr footer_buf = tail;
  const uint8_t* footer = end - 8 - footer_len;
  if (static_cast<int64_t>(footer_len) + 8 > probe) {
    LD_ASSIGN_OR_RETURN(footer_buf, r->file_->ReadAt(size - 8 - footer_len, footer_len));
    if (footer_buf->size() != footer_len) return Corrupt(path, "short read of the footer");
    footer = footer_buf->data();
  }
  LD_ASSIGN_OR_RETURN(BufferPtr head, r->file_->ReadAt(0, 4));
  if (head->size() != 4 || std::memcmp(head->data(), "PAR1", 4) != 0) return Corrupt(path, "missing PAR1 magic at the start");
  auto parsed = DeserializeFileMetaData(footer, footer_len, &r->meta_, "footer of '" + path + "'");
  if (!parsed.ok()) return parsed.status();
  r->data_end_ = size - 8 - footer_len;
  std::map<std::string, std::string> timezones;
  if (r->meta_.__isset.key_value_metadata) {
    for (const auto& kv : r->meta_.key_value_metadata) {
      if (kv.key != kTimezonesMetadataKey || !kv.__isset.value) continue;
      auto parsed_tz = nlohmann::json::parse(kv.value, nullptr, false);
      if (!parsed_tz.is_object()) continue;
      for (const auto& [column, zone] : parsed_tz.items()) {
        if (zone.is_string()) timezones[column] = zone.get<std::string>();
      }
    }
  }
  auto schema = ParquetSchema::Make(r->meta_.schema, timezones);
  if (!schema.ok()) return schema.status().WithContext(path);
  r->schema_ = std::move(schema).value();
  const size_t leaves = r->schema_.leaves().size();
  int64_t total_rows = 0;
  for (size_t g = 0; g < r->meta_.row_groups.size(); ++g) {
    const auto& rg = r->meta_.row_groups[g];
    if (rg.columns.size() != leaves) {
      return Corrupt(path, "row group " + std::to_string(g) + " has " + std::to_string(rg.columns.size()) +
                               " columns, schema has " + std::to_string(leaves));
    }
    if (rg.num_rows < 0) return Corrupt(path, "row group " + std::to_string(g) + " has a negative row count");
    total_rows += rg.num_rows;
  }
  if (r->meta_.num_rows != total_rows) {
    // Trust the row groups: some writers leave the file-level count stale.
    r->meta_.num_rows = total_rows;
  }
  return r;
}

ColumnStatistics ParquetReader::Statistics(int row_group, int column) const {
  const auto& chunk = meta_.row_groups[static_cast<size_t>(row_group)].columns[static_cast<size_t>(column)];
  if (!chunk.__isset.meta_data) return {};
  return DecodeStatistics(schema_.leaves()[static_cast<size_t>(column)], chunk.meta_data);
}

std::vector<int> ParquetReader::SelectRowGroups(const std::vector<ParquetPredicate>& predicates) const {
  std::vector<int> out;
  for (int g = 0; g < num_row_groups(); ++g) {
    bool keep = true;
    for (const auto& p : predicates) {
      int c = schema()->FieldIndex(p.column);
      if (c < 0) continue;
      if (!MayMatch(p, Statistics(g, c), row_group_num_rows(g))) { keep = false; break; }
    }
    if (keep) out.push_back(g);
  }
  return out;
}

Result<ColumnPtr> ParquetReader::ReadColumn(int row_group, int column) const {
  const auto& rg = meta_.row_groups[static_cast<size_t>(row_group)];
  const auto& chunk = rg.columns[static_cast<size_t>(column)];
  const LeafColumn& leaf = schema_.leaves()[static_cast<size_t>(column)];
  auto where = [&] {
    return "'" + path() + "' column '" + leaf.name + "' row group " + std::to_string(row_group);
  };
  if (chunk.__isset.file_path && !chunk.file_path.empty()) {
    return Status::Unsupported("unsupported: column chunk stored in another file (" + where() + ")");
  }
  if (chunk.__isset.encrypted_column_metadata) return Status::Unsupported("unsupported: encrypted column (" + where() + ")");
  if (!chunk.__isset.meta_data) return Status::DataError("corrupt Parquet file: no column metadata for " + where());
  const auto& meta = chunk.meta_data;
  if (meta.type != leaf.physical) return Status::DataError("corrupt Parquet file: column type disagrees with the schema for " + where());
  if (meta.num_values == 0 && rg.num_rows == 0) return Column::MakeNull(leaf.type, 0);
  int64_t start = meta.data_page_offset;
  if (meta.__isset.dictionary_page_offset && meta.dictionary_page_offset > 0 && meta.dictionary_page_offset < start) {
    start = meta.dictionary_page_offset;
  }
  if (start < 4 || start >= data_end_ || meta.total_compressed_size < 0) {
    return Status::DataError("corrupt Parquet file: column chunk offset out of range for " + where());
  }
  // Some writers under-report total_compressed_size; read to the footer at most.
  int64_t len = std::min(meta.total_compressed_size, data_end_ - start);
  LD_ASSIGN_OR_RETURN(BufferPtr bytes, file_->ReadAt(start, len));
  ChunkData data;
  Status st = ReadColumnChunk(leaf, meta, bytes->data(), bytes->size(), &data);
  if (!st.ok()) return st.WithContext(where());
  auto converted = ConvertChunk(leaf, data, rg.num_rows);
  if (!converted.ok()) return converted.status().WithContext(where());
  return converted;
}

Result<BatchPtr> ParquetReader::ReadRowGroup(int row_group, const std::vector<int>& columns) const {
  if (row_group < 0 || row_group >= num_row_groups()) {
    return Status::InvalidArgument("row group " + std::to_string(row_group) + " out of range");
  }
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  for (int c : columns) {
    if (c < 0 || c >= schema()->num_fields()) return Status::InvalidArgument("column index out of range");
    LD_ASSIGN_OR_RETURN(ColumnPtr col, ReadColumn(row_group, c));
    fields.push_back(schema()->field(c));
    cols.push_back(std::move(col));
  }
  return Batch::Make(MakeSchema(std::move(fields)), std::move(cols), row_group_num_rows(row_group));
}

Result<BatchPtr> ParquetReader::ReadRowGroup(int row_group) const {
  std::vector<int> all(static_cast<size_t>(schema()->num_fields()));
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  return ReadRowGroup(row_group, all);
}

Result<std::vector<BatchPtr>> ParquetReader::ReadAll() const {
  std::vector<BatchPtr> out;
  for (int g = 0; g < num_row_groups(); ++g) {
    LD_ASSIGN_OR_RETURN(BatchPtr b, ReadRowGroup(g));
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace logidata::parquet
