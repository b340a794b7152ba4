#include "connectors/http/json_records.h"

#include <cmath>
#include <map>

#include "connectors/value_text.h"
#include "types/column_builder.h"

namespace logidata {

const nlohmann::ordered_json* JsonAtPath(const nlohmann::ordered_json& doc, const std::string& path) {
  const nlohmann::ordered_json* cur = &doc;
  size_t start = 0;
  while (start <= path.size() && !path.empty()) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(key)) return nullptr;
    cur = &(*cur)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

Result<std::vector<const nlohmann::ordered_json*>> FindRecords(const nlohmann::ordered_json& doc, const std::string& path) {
  const nlohmann::ordered_json* at = JsonAtPath(doc, path);
  if (at == nullptr) return Status::DataError("the response has nothing at record path '" + path + "'");
  std::vector<const nlohmann::ordered_json*> out;
  if (at->is_array()) {
    for (const auto& r : *at) out.push_back(&r);
  } else if (at->is_object()) {
    out.push_back(at);
  } else if (!at->is_null()) {
    return Status::DataError("the value at record path '" + path + "' is not an array of records");
  }
  return out;
}

void FlattenRecord(const nlohmann::ordered_json& record, const std::string& prefix,
                   std::vector<std::pair<std::string, const nlohmann::ordered_json*>>& out) {
  if (!record.is_object()) {
    out.emplace_back(prefix.empty() ? "value" : prefix, &record);
    return;
  }
  for (auto it = record.begin(); it != record.end(); ++it) {
    std::string name = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object() && !it->empty()) FlattenRecord(*it, name, out);
    else out.emplace_back(name, &*it);
  }
}

SchemaPtr InferJsonSchema(const std::vector<const nlohmann::ordered_json*>& records) {
  std::vector<std::string> order;
  std::map<std::string, TypeId> types;
  std::vector<std::pair<std::string, const nlohmann::ordered_json*>> flat;
  for (const auto* r : records) {
    flat.clear();
    FlattenRecord(*r, "", flat);
    for (const auto& [name, v] : flat) {
      auto [it, inserted] = types.emplace(name, TypeId::kNull);
      if (inserted) order.push_back(name);
      TypeId seen = v->is_null() ? TypeId::kNull
                    : v->is_boolean() ? TypeId::kBool
                    : v->is_number_integer() ? TypeId::kInt64
                    : v->is_number() ? TypeId::kFloat64
                                     : TypeId::kString;
      TypeId& t = it->second;
      if (seen == TypeId::kNull || seen == t) continue;
      if (t == TypeId::kNull) t = seen;
      else if ((t == TypeId::kInt64 && seen == TypeId::kFloat64) || (t == TypeId::kFloat64 && seen == TypeId::kInt64)) t = TypeId::kFloat64;
      else t = TypeId::kString;
    }
  }
  std::vector<Field> fields;
  for (const auto& name : order) {
    TypeId t = types[name];
    DataType type = t == TypeId::kBool ? DataType::Bool()
                    : t == TypeId::kInt64 ? DataType::Int64()
                    : t == TypeId::kFloat64 ? DataType::Float64()
                                            : DataType::String();
    fields.push_back({name, type, true});
  }
  return MakeSchema(std::move(fields));
}

Status AppendJsonValue(const nlohmann::ordered_json& v, ColumnBuilder& b) {
  if (v.is_null()) {
    b.AppendNull();
    return Status::OK();
  }
  auto bad = [&] { return Status::DataError("value " + v.dump().substr(0, 80) + " is not a " + b.type().ToString()); };
  switch (b.type().id) {
    case TypeId::kBool:
      if (!v.is_boolean()) return v.is_string() ? AppendParsedText(v.get_ref<const std::string&>(), b) : bad();
      b.AppendBool(v.get<bool>());
      return Status::OK();
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t i;
      if (v.is_number_integer()) i = v.get<int64_t>();
      else if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()) i = static_cast<int64_t>(v.get<double>());
      else if (v.is_string()) return AppendParsedText(v.get_ref<const std::string&>(), b);
      else return bad();
      if (b.type().id == TypeId::kInt32) {
        if (i < INT32_MIN || i > INT32_MAX) return bad();
        b.AppendInt32(static_cast<int32_t>(i));
      } else {
        b.AppendInt64(i);
      }
      return Status::OK();
    }
    case TypeId::kFloat64:
      if (v.is_number()) { b.AppendDouble(v.get<double>()); return Status::OK(); }
      if (v.is_string()) return AppendParsedText(v.get_ref<const std::string&>(), b);
      return bad();
    case TypeId::kString:
    case TypeId::kBinary:
      if (v.is_string()) b.AppendString(v.get_ref<const std::string&>());
      else b.AppendString(v.dump());
      return Status::OK();
    default:
      return AppendParsedText(v.is_string() ? v.get<std::string>() : v.dump(), b);
  }
}

Result<BatchPtr> JsonRecordsToBatch(const std::vector<const nlohmann::ordered_json*>& records, const SchemaPtr& schema,
                                    int64_t first_record) {
  std::vector<ColumnBuilder> builders;
  std::map<std::string, int> index;
  for (int i = 0; i < schema->num_fields(); ++i) {
    builders.emplace_back(schema->field(i).type, static_cast<int64_t>(records.size()));
    index[schema->field(i).name] = i;
  }
  std::vector<std::pair<std::string, const nlohmann::ordered_json*>> flat;
  std::vector<const nlohmann::ordered_json*> row(builders.size());
  for (size_t r = 0; r < records.size(); ++r) {
    flat.clear();
    FlattenRecord(*records[r], "", flat);
    std::fill(row.begin(), row.end(), nullptr);
    for (const auto& [name, v] : flat) {
      auto it = index.find(name);
      if (it != index.end()) row[static_cast<size_t>(it->second)] = v;
    }
    for (size_t c = 0; c < builders.size(); ++c) {
      if (row[c] == nullptr) {
        builders[c].AppendNull();
        continue;
      }
      Status s = AppendJsonValue(*row[c], builders[c]);
      if (!s.ok()) {
        return s.WithContext("record " + std::to_string(first_record + static_cast<int64_t>(r) + 1) + ", column '" +
                             schema->field(static_cast<int>(c)).name + "'");
      }
    }
  }
  std::vector<ColumnPtr> columns;
  for (auto& b : builders) columns.push_back(b.Finish());
  return Batch::Make(schema, std::move(columns), static_cast<int64_t>(records.size()));
}

}  // namespace logidata
