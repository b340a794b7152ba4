#include "formats/csv/csv_schema_inference.h"

#include <algorithm>
#include <set>

#include "formats/csv/csv_chunk_planner.h"
#include "formats/csv/csv_decompressing_stream.h"
#include "formats/csv/csv_tokenizer.h"
#include "formats/csv/csv_value_parser.h"
#include "module/module_descriptor.h"
#include "types/temporal.h"

namespace logidata {

namespace {

constexpr size_t kMaxCompressedSample = 16 << 20;

bool IsTrueOrFalse(std::string_view v) {
  if (v.size() != 4 && v.size() != 5) return false;
  std::string lower(v);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "true" || lower == "false";
}

}  // namespace

Result<CsvSample> ReadCsvSample(FileSystem& fs, const std::string& path, const CsvReadOptions& options) {
  LD_ASSIGN_OR_RETURN(auto file, fs.OpenRead(path));
  BufferPtr mapped;
  std::string decompressed;
  const char* data;
  size_t size;
  CsvCompression compression = ResolveCsvCompression(options.compression, path);
  if (compression == CsvCompression::kNone) {
    LD_ASSIGN_OR_RETURN(mapped, file->ReadAll());
    data = mapped->data_as<char>();
    size = mapped->size();
  } else {
    LD_ASSIGN_OR_RETURN(auto stream, DecompressingStream::Make(compression, std::move(file)));
    while (decompressed.size() < kMaxCompressedSample && !stream->eof()) {
      LD_RETURN_IF_ERROR(stream->Read(&decompressed, 1 << 20));
    }
    data = decompressed.data();
    size = decompressed.size();
  }
  CsvSample sample;
  size_t pos = options.skip_bom ? BomLength(data, size) : 0;
  std::vector<std::string> fields;
  std::string error;
  if (options.header) {
    size_t used = SplitRecord(data + pos, size - pos, options.dialect, &fields, &error);
    if (!error.empty()) return Status::DataError(path + ":1:1: " + error + " in the header");
    pos += used;
    if (options.encoding == CsvEncoding::kLatin1) {
      for (auto& f : fields) {
        std::string utf8;
        AppendLatin1AsUtf8(f, &utf8);
        f = std::move(utf8);
      }
    }
    sample.header = fields;
    sample.num_columns = static_cast<int>(fields.size());
  }
  size_t rows_start = pos;
  while (pos < size && static_cast<int64_t>(sample.rows.size()) < options.infer_rows) {
    size_t used = SplitRecord(data + pos, size - pos, options.dialect, &fields, &error);
    if (used == 0 || !error.empty()) break;
    pos += used;
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (sample.num_columns == 0) sample.num_columns = static_cast<int>(fields.size());
    if (static_cast<int>(fields.size()) != sample.num_columns) continue;
    sample.rows.push_back(fields);
  }
  if (!sample.rows.empty()) sample.bytes_per_row = static_cast<double>(pos - rows_start) / sample.rows.size();
  if (sample.num_columns == 0) {
    return Status::DataError("'" + path + "' is empty: no header and no records to take the columns from");
  }
  return sample;
}

DataType InferCsvType(const std::vector<std::string_view>& values, const std::vector<std::string>& null_values) {
  bool can_bool = true, can_int = true, can_float = true, can_date = true, can_ts = true, any = false;
  bool any_offset = false;
  for (std::string_view raw : values) {
    std::string_view v = TrimBlanks(raw);
    if (v.empty() || std::find(null_values.begin(), null_values.end(), raw) != null_values.end()) continue;
    any = true;
    if (can_bool) {
      // Only true/false are inferred as booleans: 0/1 columns are integers and y/n are too
      // likely to be codes.
      can_bool = IsTrueOrFalse(v);
    }
    if (can_int) {
      int64_t i;
      can_int = ParseCsvInt64(v, &i);
    }
    if (can_float) {
      double d;
      can_float = ParseCsvFloat64(v, &d);
    }
    if (can_date) can_date = ParseDate(v).has_value();
    if (can_ts) {
      bool offset = false;
      can_ts = ParseTimestamp(v, &offset).has_value();
      any_offset |= offset;
    }
    if (!(can_bool || can_int || can_float || can_date || can_ts)) break;
  }
  if (!any) return DataType::String();
  if (can_bool) return DataType::Bool();
  if (can_int) return DataType::Int64();
  if (can_float) return DataType::Float64();
  if (can_date) return DataType::Date();
  if (can_ts) return any_offset ? DataType::Timestamp("UTC") : DataType::Timestamp();
  return DataType::String();
}

Result<SchemaPtr> BuildCsvSchema(const CsvSample& sample, const CsvReadOptions& options) {
  std::vector<Field> fields;
  std::set<std::string> used;
  for (int c = 0; c < sample.num_columns; ++c) {
    std::string name = c < static_cast<int>(sample.header.size()) ? sample.header[static_cast<size_t>(c)] : "";
    if (name.empty()) name = "column" + std::to_string(c + 1);
    if (used.count(name)) {
      int k = 2;
      while (used.count(name + "_" + std::to_string(k))) ++k;
      name.push_back('_');
      name.append(std::to_string(k));
    }
    used.insert(name);
    fields.push_back(Field{name, DataType::String(), true});
  }
  for (const auto& entry : options.columns) {
    const std::string& name = entry.first;
    const std::string& type_text = entry.second;
    auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; });
    if (it == fields.end()) {
      std::string names;
      for (const auto& f : fields) {
        if (!names.empty()) names += ", ";
        names += f.name;
      }
      return ConfigError("/columns/" + name, "no column '" + name + "' in the file (columns: " + names + ")");
    }
    auto type = DataType::Parse(type_text);
    if (!type.ok()) return ConfigError("/columns/" + name, type.status().message());
    it->type = *type;
  }
  for (int c = 0; c < sample.num_columns; ++c) {
    Field& f = fields[static_cast<size_t>(c)];
    if (options.columns.count(f.name)) continue;
    std::vector<std::string_view> values;
    values.reserve(sample.rows.size());
    for (const auto& row : sample.rows) values.push_back(row[static_cast<size_t>(c)]);
    f.type = InferCsvType(values, options.null_values);
  }
  return MakeSchema(std::move(fields));
}

}  // namespace logidata
