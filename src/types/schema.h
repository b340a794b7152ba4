// Field and Schema: the names and types of a batch's columns. Immutable once built; shared
// between threads through SchemaPtr.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types/data_type.h"

namespace logidata {

struct Field {
  std::string name;
  DataType type;
  bool nullable = true;

  friend bool operator==(const Field& a, const Field& b) {
    return a.name == b.name && a.type == b.type && a.nullable == b.nullable;
  }
};

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  const std::vector<Field>& fields() const { return fields_; }
  const Field& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  int num_fields() const { return static_cast<int>(fields_.size()); }

  // Index of the first field named `name` (exact match), or -1.
  int FieldIndex(std::string_view name) const;
  // Like FieldIndex but returns NotFound naming the available columns (and the closest match).
  Result<int> RequireField(std::string_view name) const;
  std::vector<std::string> FieldNames() const;

  // "name: type, name: type"
  std::string ToString() const;
  // [{"name":..., "type":..., "nullable":...}]
  std::string ToJson() const;

  friend bool operator==(const Schema& a, const Schema& b) { return a.fields_ == b.fields_; }

 private:
  std::vector<Field> fields_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

inline SchemaPtr MakeSchema(std::vector<Field> fields) {
  return std::make_shared<const Schema>(std::move(fields));
}

}  // namespace logidata
