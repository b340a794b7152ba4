#include "formats/parquet/parquet_modules.h"

#include "formats/parquet/parquet_extract_operator.h"
#include "formats/parquet/parquet_load_operator.h"

namespace logidata {

Result<std::unique_ptr<Operator>> MakeParquetExtractOperator(const BindContext& ctx) {
  LD_ASSIGN_OR_RETURN(auto op, parquet::ParquetExtractOperator::Bind(ctx));
  return std::unique_ptr<Operator>(std::move(op));
}

Result<std::unique_ptr<Operator>> MakeParquetLoadOperator(const BindContext& ctx) {
  LD_ASSIGN_OR_RETURN(auto op, parquet::ParquetLoadOperator::Bind(ctx));
  return std::unique_ptr<Operator>(std::move(op));
}

namespace parquet {

ModuleDescriptor ParquetExtractModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kExtract;
  d.name = "parquet";
  d.summary = "Reads Parquet files: one file, a glob or a hive-partitioned folder.";
  d.description =
      "Reads Apache Parquet files with Logidata's own decoder (all physical types; PLAIN, dictionary, "
      "delta and byte-stream-split encodings; data pages v1 and v2; uncompressed, snappy, gzip, zstd, "
      "lz4 and lz4_raw).\n\n"
      "`path` may be a file, a glob (`data/*.parquet`, `logs/**/part-*.parquet`) or a folder. In a "
      "folder laid out as `year=2024/month=05/…`, each `key=value` level becomes a column whose type "
      "is inferred from all values (integer, double, date or string).\n\n"
      "Types: timestamps become microseconds (UTC-adjusted ones get time zone UTC; INT96 is read as "
      "a timestamp), FLOAT widens to double, unsigned 32-bit integers widen to int64 and unsigned "
      "64-bit ones become decimal(20,0); TIME becomes int64 microseconds since midnight. Nested data: "
      "struct fields become dotted columns (`address.city`); every leaf under a list or map becomes a "
      "string column holding one JSON array per row.\n\n"
      "Row groups are decoded in parallel; only the columns used downstream are decoded, and row "
      "groups whose statistics rule out a pushed-down filter are skipped.";
  d.category = "files";
  d.icon = "parquet";
  d.outputs = {{"out", "The rows of every matched file, in file and row-group order."}};
  d.config_schema = {
      {"type", "object"},
      {"title", "Parquet source"},
      {"properties",
       {{"path", {{"type", "string"}, {"title", "Path"},
                  {"description", "A Parquet file, a glob such as data/*.parquet, or a (hive-partitioned) folder."}}},
        {"hive_partitioning", {{"type", "boolean"}, {"title", "Hive partitions"},
                               {"description", "Turn key=value folder names into columns."}, {"default", true}}}}},
      {"required", nlohmann::json::array({"path"})},
      {"additionalProperties", false},
  };
  d.factory = MakeParquetExtractOperator;
  return d;
}

ModuleDescriptor ParquetLoadModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kLoad;
  d.name = "parquet";
  d.summary = "Writes rows to a Parquet file or a hive-partitioned Parquet folder.";
  d.description =
      "Writes Apache Parquet that DuckDB, Polars, Spark and Arrow read with the same schema: strings "
      "as UTF8, decimals with their precision and scale, dates, timestamps in microseconds (with a "
      "time zone: UTC-adjusted). Low-cardinality columns are dictionary encoded (falling back to plain "
      "when the dictionary grows past 1 MiB); each column chunk carries min, max and null count.\n\n"
      "With `partition_by`, `path` is a folder and rows go to `col=value/part-0.parquet` files "
      "(partition columns are not repeated inside the files; nulls go to `__HIVE_DEFAULT_PARTITION__`). "
      "`year`, `month` and `day` need not be columns: when the input has no such column they are derived "
      "from the row's timestamp (the input's only date or timestamp column, or `partition_time_column`), "
      "in UTC, as `year=2024/month=5`.\n\n"
      "The write is atomic: the file (or the whole partitioned folder) appears only when the run "
      "succeeds, replacing what was there; a failed run leaves the previous data untouched.";
  d.category = "files";
  d.icon = "parquet";
  d.inputs = {{"in", "Rows to write, in order."}};
  d.config_schema = {
      {"type", "object"},
      {"title", "Parquet target"},
      {"properties",
       {{"path", {{"type", "string"}, {"title", "Path"},
                  {"description", "Target file, or target folder when partition_by is set."}}},
        {"compression", {{"type", "string"}, {"title", "Compression"},
                         {"description", "Page compression codec."},
                         {"enum", nlohmann::json::array({"none", "snappy", "gzip", "zstd", "lz4_raw"})},
                         {"default", "zstd"}}},
        {"compression_level", {{"type", "integer"}, {"title", "Compression level"},
                               {"description", "Codec level (zstd 1-22, gzip 1-9); 0 uses the codec default."},
                               {"minimum", 0}, {"maximum", 22}, {"default", 0}}},
        // No schema default: the binder would fill it in, and an explicit value is kept even
        // when the node's memory budget cannot hold it.
        {"row_group_size", {{"type", "integer"}, {"title", "Rows per row group"},
                            {"description", "Rows buffered and encoded together; larger groups compress better, "
                                            "smaller ones allow finer skipping and parallel reads. Default: "
                                            "1048576, or fewer when the node's share of the memory budget "
                                            "cannot hold that many (a row group is held whole until encoded); "
                                            "a value given here is kept whatever the budget."},
                            {"minimum", 1}}},
        {"page_size", {{"type", "integer"}, {"title", "Page size (bytes)"},
                       {"description", "Approximate uncompressed size of a data page."},
                       {"minimum", 1}, {"default", 1048576}}},
        {"partition_by", {{"type", "array"}, {"title", "Partition by"},
                          {"description", "Columns whose values name the folders; year, month and day are derived "
                                          "from the row's timestamp when they are not columns."},
                          {"items", {{"type", "string"}}}, {"default", nlohmann::json::array()}}},
        {"partition_time_column", {{"type", "string"}, {"title", "Timestamp for year/month/day"},
                                   {"description", "Date or timestamp column that derived year, month and day "
                                                   "partitions come from; needed only when the input has several."}}}}},
      {"required", nlohmann::json::array({"path"})},
      {"additionalProperties", false},
  };
  d.factory = MakeParquetLoadOperator;
  return d;
}

}  // namespace parquet

Status RegisterParquetModules(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(parquet::ParquetExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(parquet::ParquetLoadModule()));
  return Status::OK();
}

}  // namespace logidata
