#include "formats/parquet/parquet_extract_operator.h"

#include <algorithm>

#include "formats/parquet/hive_partitioning.h"

namespace logidata::parquet {
namespace {

// The folder a pattern's matches are relative to: the pattern itself for a directory, else the
// part before the first wildcard, cut back to a '/'.
std::string DatasetRoot(FileSystem& fs, const std::string& pattern) {
  auto info = fs.Stat(pattern);
  if (info.ok() && info->is_directory) return pattern;
  size_t wild = pattern.find_first_of("*?[");
  std::string prefix = wild == std::string::npos ? pattern : pattern.substr(0, wild);
  size_t slash = prefix.rfind('/');
  return slash == std::string::npos ? "" : prefix.substr(0, slash);
}

std::string RelativeTo(const std::string& root, const std::string& path) {
  if (root.empty()) return path;
  std::string r = root;
  if (r.back() != '/') r.push_back('/');
  return path.rfind(r, 0) == 0 ? path.substr(r.size()) : path;
}

}  // namespace

Result<std::unique_ptr<ParquetExtractOperator>> ParquetExtractOperator::Bind(const BindContext& ctx) {
  const auto& cfg = ctx.cfg();
  if (!cfg.contains("path") || !cfg["path"].is_string() || cfg["path"].get<std::string>().empty()) {
    return ConfigError("/path", "a Parquet file, glob or folder is required");
  }
  std::unique_ptr<ParquetExtractOperator> op(new ParquetExtractOperator());
  op->fs_ = ctx.fs != nullptr ? ctx.fs : &LocalFileSystem();
  LD_ASSIGN_OR_RETURN(const std::string pattern, ctx.ResolvePath(cfg["path"].get<std::string>(), "/path"));
  const bool hive = cfg.value("hive_partitioning", true);
  auto listed = op->fs_->Expand(pattern);
  if (!listed.ok()) return listed.status().WithContext("extract.parquet path '" + pattern + "'");
  std::vector<FileInfo> infos;
  for (auto& f : *listed) {
    if (f.is_directory) continue;
    // In a directory, skip files that are not data (_SUCCESS, .crc, hidden and staging files).
    std::string name = f.path.substr(f.path.rfind('/') + 1);
    if (name.empty() || name[0] == '_' || name[0] == '.' || name.find(".tmp-") != std::string::npos) continue;
    infos.push_back(std::move(f));
  }
  if (infos.empty()) return Status::NotFound("no Parquet files match '" + pattern + "'");

  // Schema from the first file.
  auto first = ParquetReader::Open(*op->fs_, infos[0].path);
  if (!first.ok()) return first.status();
  std::vector<Field> fields = (*first)->schema()->fields();
  op->num_file_columns_ = static_cast<int>(fields.size());

  // Partition columns: key=value folders below the dataset root.
  const std::string root = DatasetRoot(*op->fs_, pattern);
  std::vector<std::vector<std::pair<std::string, std::string>>> parts;
  for (const auto& f : infos) parts.push_back(hive ? ParseHivePath(RelativeTo(root, f.path)) : decltype(parts)::value_type{});
  if (!parts.empty()) {
    for (const auto& part : parts[0]) {
      const std::string& key = part.first;
      if (std::find_if(fields.begin(), fields.end(), [&](const Field& x) { return x.name == key; }) == fields.end()) {
        op->partition_names_.push_back(key);
      }
    }
  }
  std::vector<DataType> partition_types;
  for (const auto& key : op->partition_names_) {
    std::vector<std::string> texts;
    for (const auto& p : parts) {
      for (const auto& [k, v] : p) if (k == key) texts.push_back(v);
    }
    partition_types.push_back(InferPartitionType(texts));
    fields.push_back(Field{key, partition_types.back(), true});
  }
  for (size_t i = 0; i < infos.size(); ++i) {
    SourceFile sf;
    sf.path = infos[i].path;
    for (size_t k = 0; k < op->partition_names_.size(); ++k) {
      std::string text;
      for (const auto& [key, v] : parts[i]) if (key == op->partition_names_[k]) text = v;
      sf.partition_values.push_back(PartitionValue(text, partition_types[k]));
    }
    if (i == 0) sf.reader = std::move(first).value();
    op->files_.push_back(std::move(sf));
  }
  op->output_schemas_ = {MakeSchema(std::move(fields))};
  return op;
}

void ParquetExtractOperator::SetRequiredColumns(const std::vector<int>& columns) {
  required_ = columns;
  std::sort(required_.begin(), required_.end());
  required_.erase(std::unique(required_.begin(), required_.end()), required_.end());
}

Status ParquetExtractOperator::Open(ExecContext& ctx) {
  exec_ = &ctx;
  if (ctx.fs != nullptr) fs_ = ctx.fs;
  const Schema& out = *output_schemas_[0];
  work_.clear();
  for (size_t f = 0; f < files_.size(); ++f) {
    SourceFile& sf = files_[f];
    // Partition values prune whole files.
    bool keep = true;
    for (const auto& p : filters_) {
      for (size_t k = 0; k < partition_names_.size(); ++k) {
        if (p.column != partition_names_[k]) continue;
        ColumnStatistics s;
        s.min = sf.partition_values[k];
        s.max = sf.partition_values[k];
        s.null_count = sf.partition_values[k].is_null() ? 1 : 0;
        if (sf.partition_values[k].is_null()) { s.min.reset(); s.max.reset(); }
        if (!MayMatch(p, s, 1)) keep = false;
      }
    }
    if (!keep) continue;
    if (!sf.reader) {
      LD_ASSIGN_OR_RETURN(sf.reader, ParquetReader::Open(*fs_, sf.path));
      const Schema& s = *sf.reader->schema();
      for (int c = 0; c < num_file_columns_; ++c) {
        int idx = s.FieldIndex(out.field(c).name);
        if (idx < 0) {
          return Status::DataError("Parquet file '" + sf.path + "' has no column '" + out.field(c).name +
                                   "' (all files of a dataset need the first file's columns)");
        }
        if (s.field(idx).type != out.field(c).type) {
          return Status::DataError("Parquet file '" + sf.path + "' column '" + out.field(c).name + "' is " +
                                   s.field(idx).type.ToString() + ", the first file has " + out.field(c).type.ToString());
        }
      }
    }
    std::vector<ParquetPredicate> file_filters;
    for (const auto& p : filters_) {
      if (std::find(partition_names_.begin(), partition_names_.end(), p.column) == partition_names_.end()) {
        file_filters.push_back(p);
      }
    }
    for (int g : sf.reader->SelectRowGroups(file_filters)) work_.push_back(WorkItem{f, g});
  }
  next_ = 0;
  return Status::OK();
}

Result<bool> ParquetExtractOperator::Produce(OperatorState* state, Emitter& out) {
  (void)state;
  size_t index = next_.fetch_add(1);
  if (index >= work_.size()) return false;
  if (exec_ != nullptr) LD_RETURN_IF_ERROR(exec_->CheckCancelled());
  const WorkItem& w = work_[index];
  const SourceFile& sf = files_[w.file];
  const Schema& schema = *output_schemas_[0];
  const int64_t rows = sf.reader->row_group_num_rows(w.row_group);
  auto wanted = [&](int c) {
    return required_.empty() || std::binary_search(required_.begin(), required_.end(), c);
  };
  // Map output columns to the file's columns (files may order them differently).
  std::vector<int> file_columns;
  std::vector<int> output_index;
  for (int c = 0; c < num_file_columns_; ++c) {
    if (!wanted(c)) continue;
    file_columns.push_back(sf.reader->schema()->FieldIndex(schema.field(c).name));
    output_index.push_back(c);
  }
  LD_ASSIGN_OR_RETURN(BatchPtr decoded, sf.reader->ReadRowGroup(w.row_group, file_columns));
  std::vector<ColumnPtr> columns(static_cast<size_t>(schema.num_fields()));
  for (size_t i = 0; i < output_index.size(); ++i) columns[static_cast<size_t>(output_index[i])] = decoded->column(static_cast<int>(i));
  for (int c = 0; c < schema.num_fields(); ++c) {
    if (columns[static_cast<size_t>(c)]) continue;
    if (c >= num_file_columns_ && wanted(c)) {
      columns[static_cast<size_t>(c)] = Column::MakeConstant(sf.partition_values[static_cast<size_t>(c - num_file_columns_)], rows);
    } else {
      columns[static_cast<size_t>(c)] = Column::MakeNull(schema.field(c).type, rows);
    }
  }
  auto batch = std::make_shared<Batch>(output_schemas_[0], std::move(columns), rows);
  batch->set_sequence(index);
  LD_RETURN_IF_ERROR(out.Emit(std::move(batch)));
  return true;
}

}  // namespace logidata::parquet
