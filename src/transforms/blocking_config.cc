#include "transforms/blocking_config.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "module/module_descriptor.h"

namespace logidata::blocking {

std::string Pointer(std::string_view parent, size_t index) {
  return std::string(parent) + "/" + std::to_string(index);
}

std::string Pointer(std::string_view parent, std::string_view member) {
  std::string out(parent);
  out += '/';
  for (char c : member) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

Result<int> ResolveColumn(const Schema& schema, const std::string& name, const std::string& pointer) {
  int idx = schema.FieldIndex(name);
  if (idx >= 0) return idx;
  std::string available;
  for (const auto& f : schema.fields()) {
    if (!available.empty()) available += ", ";
    available += f.name;
  }
  return ConfigError(pointer, "column '" + name + "' does not exist in the input (available: " + available + ")");
}

Result<std::vector<nlohmann::json>> ArrayMember(const nlohmann::json& config, std::string_view key,
                                                const std::string& pointer) {
  std::vector<nlohmann::json> out;
  if (!config.is_object()) return ConfigError(pointer.empty() ? "" : pointer, "config must be an object");
  auto it = config.find(std::string(key));
  if (it == config.end() || it->is_null()) return out;
  if (!it->is_array()) return ConfigError(Pointer(pointer, key), "must be an array");
  for (const auto& v : *it) out.push_back(v);
  return out;
}

Result<std::string> StringMember(const nlohmann::json& config, std::string_view key, const std::string& pointer,
                                 std::string fallback, const std::vector<std::string>& choices) {
  std::string value = std::move(fallback);
  if (config.is_object()) {
    auto it = config.find(std::string(key));
    if (it != config.end() && !it->is_null()) {
      if (!it->is_string()) return ConfigError(Pointer(pointer, key), "must be a string");
      value = it->get<std::string>();
    }
  }
  if (!choices.empty()) {
    bool ok = false;
    std::string list;
    for (const auto& c : choices) {
      ok = ok || c == value;
      if (!list.empty()) list += ", ";
      list += c;
    }
    if (!ok) return ConfigError(Pointer(pointer, key), "'" + value + "' is not one of: " + list);
  }
  return value;
}

Result<std::vector<int>> ColumnList(const nlohmann::json& config, std::string_view key, const Schema& schema) {
  LD_ASSIGN_OR_RETURN(auto items, ArrayMember(config, key, ""));
  std::vector<int> out;
  std::set<int> seen;
  const std::string base = Pointer("", key);
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string p = Pointer(base, i);
    if (!items[i].is_string()) return ConfigError(p, "must be a column name");
    LD_ASSIGN_OR_RETURN(int idx, ResolveColumn(schema, items[i].get<std::string>(), p));
    if (!seen.insert(idx).second) return ConfigError(p, "column '" + items[i].get<std::string>() + "' is listed twice");
    out.push_back(idx);
  }
  return out;
}

namespace {

ColumnPtr ConcatColumn(const DataType& type, const std::vector<BatchPtr>& batches, int c, int64_t total) {
  int64_t nulls = 0;
  for (const auto& b : batches) nulls += b->column(c)->null_count();
  BufferPtr validity;
  if (nulls > 0) {
    validity = std::make_shared<Buffer>();
    validity->Resize(static_cast<size_t>(BitmapBytes(total)), true);
    uint8_t* bits = validity->mutable_data();
    int64_t pos = 0;
    for (const auto& b : batches) {
      const Column& col = *b->column(c);
      const int64_t n = b->num_rows();
      if (col.validity() == nullptr) {
        for (int64_t i = 0; i < n; ++i) SetBit(bits, pos + i);
      } else {
        for (int64_t i = 0; i < n; ++i) {
          if (GetBit(col.validity(), i)) SetBit(bits, pos + i);
        }
      }
      pos += n;
    }
  }
  auto values = std::make_shared<Buffer>();
  BufferPtr data;
  if (type.IsVarLength()) {
    int64_t bytes = 0;
    for (const auto& b : batches) {
      const int32_t* o = b->column(c)->offsets();
      bytes += o[b->num_rows()] - o[0];
    }
    values->Resize(static_cast<size_t>(total + 1) * 4);
    data = std::make_shared<Buffer>();
    data->Resize(static_cast<size_t>(bytes));
    int32_t* out_o = values->mutable_data_as<int32_t>();
    char* out_d = data->mutable_data_as<char>();
    int64_t pos = 0;
    int32_t at = 0;
    for (const auto& b : batches) {
      const Column& col = *b->column(c);
      const int32_t* o = col.offsets();
      const int64_t n = b->num_rows();
      for (int64_t i = 0; i < n; ++i) out_o[pos + i] = at + (o[i] - o[0]);
      // An all-empty-string column has no data buffer at all: memcpy from or to null is UB even for 0 bytes.
      if (o[n] > o[0]) std::memcpy(out_d + at, col.string_data() + o[0], static_cast<size_t>(o[n] - o[0]));
      at += o[n] - o[0];
      pos += n;
    }
    out_o[total] = at;
  } else if (type.id == TypeId::kBool || type.id == TypeId::kNull) {
    values->Resize(static_cast<size_t>(BitmapBytes(total)), true);
    uint8_t* bits = values->mutable_data();
    int64_t pos = 0;
    for (const auto& b : batches) {
      const Column& col = *b->column(c);
      if (type.id == TypeId::kBool) {
        for (int64_t i = 0; i < b->num_rows(); ++i) {
          if (col.GetBool(i)) SetBit(bits, pos + i);
        }
      }
      pos += b->num_rows();
    }
  } else {
    const int w = type.ByteWidth();
    values->Resize(static_cast<size_t>(total * w));
    int64_t pos = 0;
    for (const auto& b : batches) {
      std::memcpy(values->mutable_data() + pos * w, b->column(c)->values_buffer()->data(),
                  static_cast<size_t>(b->num_rows() * w));
      pos += b->num_rows();
    }
  }
  if (type.id == TypeId::kNull) return Column::MakeNull(type, total);
  return std::make_shared<const Column>(type, total, validity, values, data, nulls);
}

}  // namespace

std::vector<int> SortedUnique(std::vector<int> columns) {
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  return columns;
}

BatchPtr ConcatAll(const SchemaPtr& schema, const std::vector<BatchPtr>& batches) {
  int64_t total = 0;
  for (const auto& b : batches) total += b->num_rows();
  if (batches.size() == 1) return WithSchema(schema, batches[0]->columns(), total);
  std::vector<ColumnPtr> columns;
  for (int c = 0; c < schema->num_fields(); ++c) {
    columns.push_back(ConcatColumn(schema->field(c).type, batches, c, total));
  }
  return Batch::Make(schema, std::move(columns), total);
}

BatchPtr WithSchema(const SchemaPtr& schema, std::vector<ColumnPtr> columns, int64_t rows, uint64_t sequence) {
  auto b = std::make_shared<Batch>(schema, std::move(columns), rows);
  b->set_sequence(sequence);
  return b;
}

}  // namespace logidata::blocking
