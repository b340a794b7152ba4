#include "connectors/s3/s3_modules.h"

#include "connectors/connection_lookup.h"
#include "connectors/object_store_format.h"
#include "connectors/s3/s3_file_system.h"

namespace logidata {

namespace {

Result<std::unique_ptr<Operator>> BindOnS3(const BindContext& ctx, bool extract) {
  const auto& cfg = ctx.cfg();
  std::string connection = cfg.value("connection", std::string());
  if (connection.empty()) return ConfigError("/connection", "a connection name is required");
  std::string path = cfg.value("path", std::string());
  auto loc = ParseS3Path(path);
  if (!loc.ok()) return ConfigError("/path", loc.status().message());
  LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, connection, {"s3"}));
  auto options = S3Options::FromConnection(config);
  if (!options.ok()) return ConfigError("/connection", options.status().message());
  const std::vector<std::string> formats = extract ? std::vector<std::string>{"csv", "parquet"}
                                                   : std::vector<std::string>{"csv", "parquet", "xml"};
  return BindFormatOnObjectStore(ctx, std::make_unique<S3FileSystem>(*options), path.rfind("s3://", 0) == 0 ? path : "s3://" + path,
                                 cfg.value("format", std::string("csv")), formats, extract);
}

nlohmann::json S3ConfigSchema(bool extract) {
  return {{"type", "object"},
          {"required", {"connection", "path"}},
          {"additionalProperties", false},
          {"properties",
           {{"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1},
                            {"description", "Name of a saved S3 connection (endpoint, region, keys)."}}},
            {"path", {{"type", "string"}, {"title", "Path"}, {"minLength", 1},
                      {"description", extract ? "s3://bucket/key, a prefix (every object below it) or a glob such as s3://bucket/logs/**/*.csv."
                                              : "s3://bucket/key of the file (or the folder of a partitioned dataset)."}}},
            {"format", {{"type", "string"}, {"title", "Format"}, {"enum", extract ? nlohmann::json{"csv", "parquet"} : nlohmann::json{"csv", "parquet", "xml"}},
                        {"default", "csv"}, {"description", "File format of the objects."}}},
            {"options", {{"type", "object"}, {"title", "Format options"}, {"default", nlohmann::json::object()},
                         {"description", extract ? "Options of the format module (as in extract.csv / extract.parquet, without path)."
                                                 : "Options of the format module (as in load.csv / load.parquet / load.xml, without path)."}}}}}};
}

}  // namespace

constexpr const char* kS3Details = R"md(**How it works.** The objects are read through an S3 file system (`s3://bucket/key`): ranged GETs for reads, ListObjectsV2 for listings and globs, 8 MiB multipart uploads for writes completed only when the file is closed (nothing is visible before), copy + delete for renames. Requests are signed with AWS Signature V4 and the payload SHA-256 is sent as `x-amz-content-sha256`; path-style addressing with a custom endpoint (MinIO, s3rver…), virtual-host style on AWS (or anywhere with `addressing: virtual`: `https://bucket.endpoint/key`). The module binds the CSV or Parquet module's own reader or writer (or load.xml's writer) on that file system, so every format option works the same; `path` may be a key, a prefix or a glob. A single-object load finishes atomically: its upload completes only when the run succeeds. A partitioned dataset is published by a manifest: the data objects get run-unique names in their partition folders (`k=a/part-0-<token>.parquet`), and `<path>/_manifest.json`, listing each object with its size and rows, is written last with one PUT; the previous run's objects are then deleted. extract.s3 reads exactly what a manifest lists, so a half-published or killed load is never seen and a retry never shows a row twice; other readers must read the manifest, not the listing. A load killed during its commit can leave orphan objects whose token no manifest lists. Details: [connectors](../connectors.md#partitioned-datasets-on-object-storage-s3-azure-blob).

**Connection** (type `s3`): the access key id as `user`, the secret access key as secret; options `endpoint`, `region`, `addressing` (path, virtual), `connect_to` (curl `CONNECT_TO` entries `HOST:PORT:CONNECT-HOST:CONNECT-PORT`: connect elsewhere while keeping the name in `Host`, the signature and TLS — private endpoints), `bucket` (for "Test connection"). In a CLI connections file:

```json
{"connections": {"lake": {"type": "s3", "user": "AKIA…", "secret_env": "LAKE_SECRET",
  "options": {"endpoint": "http://minio:9000", "region": "us-east-1", "bucket": "raw"}}}}
```)md";

ModuleDescriptor S3ExtractModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kExtract;
  d.name = "s3";
  d.connection_types = {"s3"};
  d.summary = "Reads CSV or Parquet objects from S3-compatible storage.";
  d.description =
      "Reads one object, every object under a prefix, or the objects matching a glob, with the CSV or Parquet reader "
      "(ranged GETs, so Parquet reads only the columns it needs). Works with AWS S3 and compatible servers "
      "(MinIO, …) through a custom endpoint; requests are signed with AWS Signature V4.";
  d.category = "storage";
  d.icon = "cloud";
  d.outputs = {{"out", "Rows of the objects"}};
  d.config_schema = S3ConfigSchema(true);
  d.factory = [](const BindContext& ctx) { return BindOnS3(ctx, true); };
  d.description += "\n\n";
  d.description += kS3Details;
  return d;
}

ModuleDescriptor S3LoadModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kLoad;
  d.name = "s3";
  d.connection_types = {"s3"};
  d.summary = "Writes rows as CSV, Parquet or XML objects to S3-compatible storage.";
  d.description =
      "Writes a file or a partitioned dataset with multipart uploads. Nothing appears until the run succeeds: a "
      "file's upload completes only at commit, and a partitioned dataset is published by writing its _manifest.json "
      "last, in one PUT.";
  d.category = "storage";
  d.icon = "cloud";
  d.inputs = {{"in", "Rows to write"}};
  d.config_schema = S3ConfigSchema(false);
  d.factory = [](const BindContext& ctx) { return BindOnS3(ctx, false); };
  d.description += "\n\n";
  d.description += kS3Details;
  return d;
}

}  // namespace logidata
