#include "types/arrow_c_data.h"

#include <cstring>
#include <string>
#include <vector>

namespace logidata {

std::string ArrowFormat(const DataType& type) {
  switch (type.id) {
    case TypeId::kNull: return "n";
    case TypeId::kBool: return "b";
    case TypeId::kInt32: return "i";
    case TypeId::kInt64: return "l";
    case TypeId::kFloat64: return "g";
    case TypeId::kDecimal: return "d:" + std::to_string(type.precision) + "," + std::to_string(type.scale);
    case TypeId::kString: return "u";
    case TypeId::kBinary: return "z";
    case TypeId::kDate: return "tdD";
    case TypeId::kTimestamp: return "tsu:" + type.timezone;
  }
  return "n";
}

Result<DataType> TypeFromArrowFormat(const char* format) {
  if (format == nullptr) return Status::InvalidArgument("Arrow schema without a format");
  std::string f(format);
  if (f == "n") return DataType::Null();
  if (f == "b") return DataType::Bool();
  if (f == "i") return DataType::Int32();
  if (f == "l") return DataType::Int64();
  if (f == "g") return DataType::Float64();
  if (f == "u") return DataType::String();
  if (f == "z") return DataType::Binary();
  if (f == "tdD") return DataType::Date();
  if (f.rfind("tsu:", 0) == 0) return DataType::Timestamp(f.substr(4));
  if (f.rfind("d:", 0) == 0) {
    int p = 0, s = 0, bits = 128;
    int n = std::sscanf(f.c_str(), "d:%d,%d,%d", &p, &s, &bits);
    if (n < 2 || bits != 128 || p < 1 || p > 38 || s < 0 || s > p) {
      return Status::Unsupported("unsupported: Arrow decimal '" + f + "' (only decimal128 with precision <= 38)");
    }
    return DataType::Decimal(p, s);
  }
  return Status::Unsupported("unsupported: Arrow type '" + f + "'");
}

namespace {

// --- Export -----------------------------------------------------------------------------------

struct SchemaPrivate {
  std::string format;
  std::string name;
  std::vector<ArrowSchema*> children;
};

void ReleaseSchema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  auto* priv = static_cast<SchemaPrivate*>(schema->private_data);
  for (ArrowSchema* child : priv->children) {
    if (child->release != nullptr) child->release(child);
    delete child;
  }
  delete priv;
  schema->release = nullptr;
}

void FillSchema(ArrowSchema* out, std::string format, std::string name, int64_t flags) {
  auto* priv = new SchemaPrivate{std::move(format), std::move(name), {}};
  out->format = priv->format.c_str();
  out->name = priv->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = 0;
  out->children = nullptr;
  out->dictionary = nullptr;
  out->release = ReleaseSchema;
  out->private_data = priv;
}

struct ArrayPrivate {
  ColumnPtr column;                 // keeps a child's buffers alive
  std::vector<const void*> buffers;
  std::vector<ArrowArray*> children;
};

void ReleaseArray(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  auto* priv = static_cast<ArrayPrivate*>(array->private_data);
  for (ArrowArray* child : priv->children) {
    if (child->release != nullptr) child->release(child);
    delete child;
  }
  delete priv;
  array->release = nullptr;
}

void ExportColumn(const ColumnPtr& column, ArrowArray* out) {
  auto* priv = new ArrayPrivate{column, {}, {}};
  const Column& c = *column;
  priv->buffers.push_back(c.null_count() > 0 ? c.validity() : nullptr);
  if (c.type().id != TypeId::kNull) {
    priv->buffers.push_back(c.values_buffer() ? c.values_buffer()->data() : nullptr);
    if (c.type().IsVarLength()) priv->buffers.push_back(c.string_data());
  } else {
    priv->buffers.clear();  // the null type has no buffers
  }
  out->length = c.length();
  out->null_count = c.null_count();
  out->offset = 0;
  out->n_buffers = static_cast<int64_t>(priv->buffers.size());
  out->n_children = 0;
  out->buffers = priv->buffers.data();
  out->children = nullptr;
  out->dictionary = nullptr;
  out->release = ReleaseArray;
  out->private_data = priv;
}

// --- Import -----------------------------------------------------------------------------------

// Owns an imported ArrowArray; releasing the last wrapped buffer releases the producer's array.
struct ImportedArray {
  ArrowArray array;
  ~ImportedArray() {
    if (array.release != nullptr) array.release(&array);
  }
};

Result<ColumnPtr> ImportColumn(const ArrowArray* a, const DataType& type, const std::shared_ptr<ImportedArray>& owner,
                               const std::string& name) {
  auto fail = [&](const std::string& why) { return Status::InvalidArgument("Arrow column '" + name + "': " + why); };
  if (a->length < 0 || a->offset < 0) return fail("negative length or offset");
  const int64_t expected_buffers = type.id == TypeId::kNull ? 0 : type.IsVarLength() ? 3 : 2;
  if (a->n_buffers != expected_buffers) {
    return fail("expected " + std::to_string(expected_buffers) + " buffers, found " + std::to_string(a->n_buffers));
  }
  if (type.id == TypeId::kNull) return Column::MakeNull(type, a->length);
  const int64_t n = a->length;
  const int64_t off = a->offset;
  const uint8_t* validity = static_cast<const uint8_t*>(a->buffers[0]);
  const uint8_t* values = static_cast<const uint8_t*>(a->buffers[1]);
  if (values == nullptr && n > 0) return fail("missing values buffer");
  auto wrap = [&](const void* p, size_t bytes) { return Buffer::Wrap(p, bytes, owner); };
  const bool copy_needed = off != 0;  // our columns have no offset: slice by copying
  BufferPtr validity_buf;
  if (validity != nullptr && a->null_count != 0) {
    if (copy_needed) {
      validity_buf = std::make_shared<Buffer>();
      validity_buf->Resize(static_cast<size_t>(BitmapBytes(n)), true);
      for (int64_t i = 0; i < n; ++i) SetBitTo(validity_buf->mutable_data(), i, GetBit(validity, off + i));
    } else {
      validity_buf = wrap(validity, static_cast<size_t>(BitmapBytes(n)));
    }
  }
  if (type.IsVarLength()) {
    const int32_t* offsets = reinterpret_cast<const int32_t*>(values) + off;
    const char* data = static_cast<const char*>(a->buffers[2]);
    int32_t base = n > 0 ? offsets[0] : 0;
    int32_t end = n > 0 ? offsets[n] : 0;
    if (end < base) return fail("decreasing offsets");
    if (base != 0 || copy_needed) {
      auto offs = std::make_shared<Buffer>();
      offs->Resize(static_cast<size_t>(n + 1) * 4);
      for (int64_t i = 0; i <= n; ++i) offs->mutable_data_as<int32_t>()[i] = offsets[i] - base;
      auto bytes = Buffer::CopyOf(data + base, static_cast<size_t>(end - base));
      return std::make_shared<const Column>(type, n, validity_buf, offs, bytes, -1);
    }
    return std::make_shared<const Column>(type, n, validity_buf, wrap(offsets, static_cast<size_t>(n + 1) * 4),
                                          wrap(data == nullptr ? "" : data, static_cast<size_t>(end)), -1);
  }
  if (type.id == TypeId::kBool) {
    if (copy_needed) {
      auto bits = std::make_shared<Buffer>();
      bits->Resize(static_cast<size_t>(BitmapBytes(n)), true);
      for (int64_t i = 0; i < n; ++i) SetBitTo(bits->mutable_data(), i, GetBit(values, off + i));
      return std::make_shared<const Column>(type, n, validity_buf, bits, nullptr, -1);
    }
    return std::make_shared<const Column>(type, n, validity_buf, wrap(values, static_cast<size_t>(BitmapBytes(n))),
                                          nullptr, -1);
  }
  const size_t width = static_cast<size_t>(type.ByteWidth());
  BufferPtr values_buf = copy_needed ? Buffer::CopyOf(values + off * static_cast<int64_t>(width), static_cast<size_t>(n) * width)
                                     : wrap(values, static_cast<size_t>(n) * width);
  return std::make_shared<const Column>(type, n, validity_buf, values_buf, nullptr, -1);
}

}  // namespace

Status ExportSchema(const Schema& schema, ArrowSchema* out) {
  FillSchema(out, "+s", "", 0);
  auto* priv = static_cast<SchemaPrivate*>(out->private_data);
  for (const auto& field : schema.fields()) {
    auto* child = new ArrowSchema();
    FillSchema(child, ArrowFormat(field.type), field.name, field.nullable ? ARROW_FLAG_NULLABLE : 0);
    priv->children.push_back(child);
  }
  out->n_children = static_cast<int64_t>(priv->children.size());
  out->children = priv->children.data();
  return Status::OK();
}

Status ExportBatch(const BatchPtr& batch, ArrowSchema* schema, ArrowArray* array) {
  LD_RETURN_IF_ERROR(ExportSchema(*batch->schema(), schema));
  auto* priv = new ArrayPrivate{nullptr, {nullptr}, {}};
  for (const auto& column : batch->columns()) {
    auto* child = new ArrowArray();
    ExportColumn(column, child);
    priv->children.push_back(child);
  }
  array->length = batch->num_rows();
  array->null_count = 0;
  array->offset = 0;
  array->n_buffers = 1;  // a struct array has only its (absent) validity buffer
  array->n_children = static_cast<int64_t>(priv->children.size());
  array->buffers = priv->buffers.data();
  array->children = priv->children.data();
  array->dictionary = nullptr;
  array->release = ReleaseArray;
  array->private_data = priv;
  return Status::OK();
}

Result<SchemaPtr> ImportSchema(const ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return Status::InvalidArgument("released Arrow schema");
  if (schema->format == nullptr || std::strcmp(schema->format, "+s") != 0) {
    return Status::InvalidArgument("an Arrow batch must be a struct array (format '+s')");
  }
  std::vector<Field> fields;
  for (int64_t i = 0; i < schema->n_children; ++i) {
    const ArrowSchema* child = schema->children[i];
    if (child->dictionary != nullptr) {
      return Status::Unsupported("unsupported: dictionary-encoded Arrow column '" +
                                 std::string(child->name ? child->name : "") + "'");
    }
    auto type = TypeFromArrowFormat(child->format);
    if (!type.ok()) return type.status().WithContext("column '" + std::string(child->name ? child->name : "") + "'");
    fields.push_back(Field{child->name ? child->name : "", *type, (child->flags & ARROW_FLAG_NULLABLE) != 0});
  }
  return MakeSchema(std::move(fields));
}

Result<BatchPtr> ImportBatch(ArrowArray* array, const ArrowSchema* schema) {
  if (array == nullptr || array->release == nullptr) return Status::InvalidArgument("released Arrow array");
  auto owner = std::make_shared<ImportedArray>();
  owner->array = *array;  // move: the producer's struct now belongs to us
  array->release = nullptr;
  LD_ASSIGN_OR_RETURN(SchemaPtr ours, ImportSchema(schema));
  const ArrowArray& a = owner->array;
  if (a.n_children != ours->num_fields()) {
    return Status::InvalidArgument("Arrow array has " + std::to_string(a.n_children) + " children, schema has " +
                                   std::to_string(ours->num_fields()));
  }
  if (a.null_count > 0) return Status::Unsupported("unsupported: null rows in the top-level Arrow struct");
  std::vector<ColumnPtr> columns;
  for (int64_t i = 0; i < a.n_children; ++i) {
    const ArrowArray* child = a.children[i];
    if (child->length < a.offset + a.length) {
      return Status::InvalidArgument("Arrow column '" + ours->field(static_cast<int>(i)).name + "' is shorter than the batch");
    }
    ArrowArray view = *child;
    view.offset += a.offset;
    view.length = a.length;
    LD_ASSIGN_OR_RETURN(ColumnPtr column, ImportColumn(&view, ours->field(static_cast<int>(i)).type, owner,
                                                       ours->field(static_cast<int>(i)).name));
    columns.push_back(std::move(column));
  }
  return Batch::Make(ours, std::move(columns), a.length);
}

}  // namespace logidata
