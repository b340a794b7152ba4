#include "formats/parquet/parquet_schema.h"

namespace logidata::parquet {
namespace {

struct Builder {
  const std::vector<pq::SchemaElement>& elements;
  size_t next = 1;
  std::vector<LeafColumn> leaves;

  Status Unsupported(const std::string& name, const std::string& what) {
    return Status::Unsupported("unsupported: Parquet column '" + name + "': " + what);
  }

  Status ResolveType(const pq::SchemaElement& e, LeafColumn* leaf) {
    const std::string& n = leaf->name;
    const auto phys = leaf->physical;
    auto need = [&](bool ok, const char* what) -> Status {
      return ok ? Status::OK()
                : Status::DataError("corrupt Parquet schema: column '" + n + "' has " + what +
                                    " on physical type " + std::to_string(static_cast<int>(phys)));
    };
    auto decimal = [&](int precision, int scale) -> Status {
      if (precision <= 0 || precision > 38 || scale < 0 || scale > precision) {
        return Unsupported(n, "decimal(" + std::to_string(precision) + "," + std::to_string(scale) +
                                  ") (precision must be 1..38)");
      }
      leaf->value_type = DataType::Decimal(precision, scale);
      if (phys == pq::Type::INT32) leaf->conversion = Conversion::kDecimalInt32;
      else if (phys == pq::Type::INT64) leaf->conversion = Conversion::kDecimalInt64;
      else if (phys == pq::Type::FIXED_LEN_BYTE_ARRAY || phys == pq::Type::BYTE_ARRAY) {
        if (phys == pq::Type::FIXED_LEN_BYTE_ARRAY && (leaf->type_length < 1 || leaf->type_length > 16)) {
          return Unsupported(n, "decimal stored in " + std::to_string(leaf->type_length) + " bytes");
        }
        leaf->conversion = Conversion::kDecimalBytes;
      } else {
        return need(false, "a DECIMAL annotation");
      }
      return Status::OK();
    };
    auto timestamp = [&](Conversion c, bool utc) -> Status {
      LD_RETURN_IF_ERROR(need(phys == pq::Type::INT64, "a TIMESTAMP annotation"));
      leaf->conversion = c;
      leaf->value_type = DataType::Timestamp(utc ? "UTC" : "");
      return Status::OK();
    };
    auto time = [&](Conversion c) -> Status {
      LD_RETURN_IF_ERROR(need(phys == (c == Conversion::kTimeMillis ? pq::Type::INT32 : pq::Type::INT64), "a TIME annotation"));
      leaf->conversion = c;
      leaf->value_type = DataType::Int64();  // microseconds since midnight
      return Status::OK();
    };
    auto text = [&](bool is_string) -> Status {
      LD_RETURN_IF_ERROR(need(phys == pq::Type::BYTE_ARRAY || phys == pq::Type::FIXED_LEN_BYTE_ARRAY, "a string annotation"));
      leaf->conversion = is_string ? Conversion::kString : Conversion::kBinary;
      leaf->value_type = is_string ? DataType::String() : DataType::Binary();
      return Status::OK();
    };
    auto integer = [&](int bits, bool is_signed) -> Status {
      if (phys == pq::Type::INT32) {
        if (bits > 32) return need(false, "a 64-bit INTEGER annotation");
        bool widen = !is_signed && bits == 32;
        leaf->conversion = widen ? Conversion::kUInt32ToInt64 : Conversion::kInt32;
        leaf->value_type = widen ? DataType::Int64() : DataType::Int32();
      } else if (phys == pq::Type::INT64) {
        leaf->conversion = is_signed ? Conversion::kInt64 : Conversion::kUInt64ToDecimal;
        leaf->value_type = is_signed ? DataType::Int64() : DataType::Decimal(20, 0);
      } else {
        return need(false, "an INTEGER annotation");
      }
      return Status::OK();
    };

    if (e.__isset.logicalType) {
      const pq::LogicalType& lt = e.logicalType;
      if (lt.__isset.STRING || lt.__isset.ENUM || lt.__isset.JSON) return text(true);
      if (lt.__isset.BSON || lt.__isset.UUID) return text(false);
      if (lt.__isset.DECIMAL) return decimal(lt.DECIMAL.precision, lt.DECIMAL.scale);
      if (lt.__isset.DATE) {
        LD_RETURN_IF_ERROR(need(phys == pq::Type::INT32, "a DATE annotation"));
        leaf->conversion = Conversion::kDate;
        leaf->value_type = DataType::Date();
        return Status::OK();
      }
      if (lt.__isset.TIMESTAMP) {
        const auto& u = lt.TIMESTAMP.unit;
        Conversion c = u.__isset.MILLIS ? Conversion::kTimestampMillis
                       : u.__isset.NANOS ? Conversion::kTimestampNanos : Conversion::kTimestampMicros;
        return timestamp(c, lt.TIMESTAMP.isAdjustedToUTC);
      }
      if (lt.__isset.TIME) {
        const auto& u = lt.TIME.unit;
        return time(u.__isset.MILLIS ? Conversion::kTimeMillis
                    : u.__isset.NANOS ? Conversion::kTimeNanos : Conversion::kTimeMicros);
      }
      if (lt.__isset.INTEGER) return integer(lt.INTEGER.bitWidth, lt.INTEGER.isSigned);
      if (lt.__isset.UNKNOWN) {
        leaf->conversion = Conversion::kNull;
        leaf->value_type = DataType::Null();
        return Status::OK();
      }
      if (lt.__isset.FLOAT16) {
        LD_RETURN_IF_ERROR(need(phys == pq::Type::FIXED_LEN_BYTE_ARRAY && leaf->type_length == 2, "a FLOAT16 annotation"));
        leaf->conversion = Conversion::kFloat16ToDouble;
        leaf->value_type = DataType::Float64();
        return Status::OK();
      }
      // Other logical types fall through to the converted type / physical type.
    }
    if (e.__isset.converted_type) {
      switch (e.converted_type) {
        case pq::ConvertedType::UTF8: case pq::ConvertedType::ENUM: case pq::ConvertedType::JSON: return text(true);
        case pq::ConvertedType::BSON: return text(false);
        case pq::ConvertedType::DECIMAL: return decimal(e.precision, e.scale);
        case pq::ConvertedType::DATE:
          LD_RETURN_IF_ERROR(need(phys == pq::Type::INT32, "a DATE annotation"));
          leaf->conversion = Conversion::kDate;
          leaf->value_type = DataType::Date();
          return Status::OK();
        case pq::ConvertedType::TIME_MILLIS: return time(Conversion::kTimeMillis);
        case pq::ConvertedType::TIME_MICROS: return time(Conversion::kTimeMicros);
        case pq::ConvertedType::TIMESTAMP_MILLIS: return timestamp(Conversion::kTimestampMillis, true);
        case pq::ConvertedType::TIMESTAMP_MICROS: return timestamp(Conversion::kTimestampMicros, true);
        case pq::ConvertedType::UINT_8: return integer(8, false);
        case pq::ConvertedType::UINT_16: return integer(16, false);
        case pq::ConvertedType::UINT_32: return integer(32, false);
        case pq::ConvertedType::UINT_64: return integer(64, false);
        case pq::ConvertedType::INT_8: return integer(8, true);
        case pq::ConvertedType::INT_16: return integer(16, true);
        case pq::ConvertedType::INT_32: return integer(32, true);
        case pq::ConvertedType::INT_64: return integer(64, true);
        default: break;  // INTERVAL and others: by physical type
      }
    }
    switch (phys) {
      case pq::Type::BOOLEAN: leaf->conversion = Conversion::kBool; leaf->value_type = DataType::Bool(); break;
      case pq::Type::INT32: leaf->conversion = Conversion::kInt32; leaf->value_type = DataType::Int32(); break;
      case pq::Type::INT64: leaf->conversion = Conversion::kInt64; leaf->value_type = DataType::Int64(); break;
      case pq::Type::INT96: leaf->conversion = Conversion::kInt96Timestamp; leaf->value_type = DataType::Timestamp(); break;
      case pq::Type::FLOAT: leaf->conversion = Conversion::kFloatToDouble; leaf->value_type = DataType::Float64(); break;
      case pq::Type::DOUBLE: leaf->conversion = Conversion::kDouble; leaf->value_type = DataType::Float64(); break;
      case pq::Type::BYTE_ARRAY:
      case pq::Type::FIXED_LEN_BYTE_ARRAY: leaf->conversion = Conversion::kBinary; leaf->value_type = DataType::Binary(); break;
      default: return Unsupported(n, "physical type " + std::to_string(static_cast<int>(phys)));
    }
    return Status::OK();
  }

  // Visits element `next` and its subtree.
  Status Visit(const std::string& prefix, int16_t def, int16_t rep, std::vector<int16_t> repeated_def,
               std::vector<int16_t> empty_def, int16_t last_def_before_repeat, int depth) {
    if (next >= elements.size()) return Status::DataError("corrupt Parquet schema: fewer elements than num_children says");
    if (depth > 64) return Status::DataError("corrupt Parquet schema: nesting deeper than 64 levels");
    const pq::SchemaElement& e = elements[next++];
    std::string name = prefix.empty() ? e.name : prefix + "." + e.name;
    auto repetition = e.__isset.repetition_type ? e.repetition_type : pq::FieldRepetitionType::OPTIONAL;
    if (repetition == pq::FieldRepetitionType::OPTIONAL) {
      ++def;
    } else if (repetition == pq::FieldRepetitionType::REPEATED) {
      ++def;
      ++rep;
      repeated_def.push_back(def);
      // Present-but-empty is expressible only when an optional node sits between the previous
      // repeated level and this one.
      int16_t prev = repeated_def.size() > 1 ? repeated_def[repeated_def.size() - 2] : 0;
      empty_def.push_back(def - 1 > prev ? static_cast<int16_t>(def - 1) : static_cast<int16_t>(-1));
    }
    (void)last_def_before_repeat;
    bool is_group = e.__isset.num_children && e.num_children > 0;
    if (is_group || (!e.__isset.type && e.__isset.num_children)) {
      if (e.num_children < 0 || static_cast<size_t>(e.num_children) > elements.size()) {
        return Status::DataError("corrupt Parquet schema: bad num_children in '" + name + "'");
      }
      for (int i = 0; i < e.num_children; ++i) {
        LD_RETURN_IF_ERROR(Visit(name, def, rep, repeated_def, empty_def, def, depth + 1));
      }
      return Status::OK();
    }
    if (!e.__isset.type) return Status::DataError("corrupt Parquet schema: leaf '" + name + "' has no type");
    LeafColumn leaf;
    leaf.leaf_index = static_cast<int>(leaves.size());
    leaf.name = name;
    leaf.physical = e.type;
    leaf.type_length = e.__isset.type_length ? e.type_length : 0;
    if (leaf.physical == pq::Type::FIXED_LEN_BYTE_ARRAY && (leaf.type_length <= 0 || leaf.type_length > (1 << 20))) {
      return Status::DataError("corrupt Parquet schema: column '" + name + "' has fixed length " +
                               std::to_string(leaf.type_length));
    }
    if (leaf.physical < pq::Type::BOOLEAN || leaf.physical > pq::Type::FIXED_LEN_BYTE_ARRAY) {
      return Status::DataError("corrupt Parquet schema: column '" + name + "' has an unknown physical type");
    }
    leaf.max_def = def;
    leaf.max_rep = rep;
    leaf.repeated_def = std::move(repeated_def);
    leaf.empty_def = std::move(empty_def);
    LD_RETURN_IF_ERROR(ResolveType(e, &leaf));
    leaf.as_json = leaf.max_rep > 0;
    leaf.type = leaf.as_json ? DataType::String() : leaf.value_type;
    leaves.push_back(std::move(leaf));
    return Status::OK();
  }
};

}  // namespace

Result<ParquetSchema> ParquetSchema::Make(const std::vector<pq::SchemaElement>& elements,
                                          const std::map<std::string, std::string>& timezones) {
  if (elements.empty()) return Status::DataError("corrupt Parquet schema: no root element");
  const auto& root = elements[0];
  int children = root.__isset.num_children ? root.num_children : 0;
  if (children < 0 || static_cast<size_t>(children) >= elements.size() + 1) {
    return Status::DataError("corrupt Parquet schema: bad root num_children");
  }
  Builder b{elements};
  for (int i = 0; i < children; ++i) LD_RETURN_IF_ERROR(b.Visit("", 0, 0, {}, {}, 0, 1));
  if (b.next != elements.size()) return Status::DataError("corrupt Parquet schema: extra schema elements");
  for (auto& leaf : b.leaves) {
    auto tz = timezones.find(leaf.name);
    if (tz != timezones.end() && !tz->second.empty() && leaf.value_type.id == TypeId::kTimestamp &&
        leaf.value_type.timezone == "UTC") {
      leaf.value_type.timezone = tz->second;
      if (!leaf.as_json) leaf.type = leaf.value_type;
    }
  }
  ParquetSchema s;
  std::vector<Field> fields;
  for (const auto& l : b.leaves) fields.push_back(Field{l.name, l.type, l.max_def > 0});
  s.leaves_ = std::move(b.leaves);
  s.schema_ = MakeSchema(std::move(fields));
  return s;
}

}  // namespace logidata::parquet
