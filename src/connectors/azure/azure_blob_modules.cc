#include "connectors/azure/azure_blob_modules.h"

#include "connectors/azure/azure_blob_file_system.h"
#include "connectors/connection_lookup.h"
#include "connectors/object_store_format.h"

namespace logidata {

namespace {

constexpr const char* kConnectionType = "azure_blob";

Result<std::unique_ptr<Operator>> BindOnAzureBlob(const BindContext& ctx, bool extract) {
  const auto& cfg = ctx.cfg();
  std::string connection = cfg.value("connection", std::string());
  if (connection.empty()) return ConfigError("/connection", "a connection name is required");
  std::string path = cfg.value("path", std::string());
  auto loc = ParseAzurePath(path);
  if (!loc.ok()) return ConfigError("/path", loc.status().message());
  LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, connection, {kConnectionType}));
  auto options = AzureBlobOptions::FromConnection(config);
  if (!options.ok()) return ConfigError("/connection", options.status().message());
  size_t block_bytes = AzureBlobFileSystem::kDefaultBlockBytes;
  if (!extract) block_bytes = static_cast<size_t>(cfg.value("block_size_kb", int64_t{8192})) * 1024;
  const std::vector<std::string> formats = extract ? std::vector<std::string>{"csv", "json", "parquet"}
                                                   : std::vector<std::string>{"csv", "json", "parquet", "xml"};
  return BindFormatOnObjectStore(ctx, std::make_unique<AzureBlobFileSystem>(*options, block_bytes),
                                 path.rfind("az://", 0) == 0 ? path : "az://" + path, cfg.value("format", std::string("csv")),
                                 formats, extract);
}

nlohmann::json AzureBlobConfigSchema(bool extract) {
  nlohmann::json props = {
      {"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1},
                      {"description", "Name of a saved Azure Blob connection (account, key or SAS token, endpoint)."}}},
      {"path", {{"type", "string"}, {"title", "Path"}, {"minLength", 1},
                {"description", extract ? "az://container/blob, a prefix (every blob below it) or a glob such as az://container/logs/**/*.csv."
                                        : "az://container/blob of the file (or the folder of a partitioned dataset)."}}},
      {"format", {{"type", "string"}, {"title", "Format"},
                  {"enum", extract ? nlohmann::json{"csv", "json", "parquet"} : nlohmann::json{"csv", "json", "parquet", "xml"}},
                  {"default", "csv"}, {"description", "File format of the blobs."}}},
      {"options", {{"type", "object"}, {"title", "Format options"}, {"default", nlohmann::json::object()},
                   {"description", extract ? "Options of the format module (as in extract.csv / extract.json / extract.parquet, without path)."
                                           : "Options of the format module (as in load.csv / load.json / load.parquet / load.xml, without path)."}}}};
  if (!extract) {
    props["block_size_kb"] = {{"type", "integer"}, {"title", "Block size (KiB)"}, {"minimum", 1}, {"maximum", 4096000},
                              {"default", 8192},
                              {"description", "Size of each staged block (Put Block); a blob smaller than one block is one Put Blob."}};
  }
  return {{"type", "object"}, {"required", {"connection", "path"}}, {"additionalProperties", false}, {"properties", props}};
}

}  // namespace

constexpr const char* kAzureBlobDetails = R"md(**How it works.** The blobs are read through an Azure Blob file system (`az://container/blob`): ranged Get Blob calls for reads (so the CSV and NDJSON readers cut blobs into chunks that every core parses in parallel, and Parquet reads only the columns it needs), List Blobs with marker paging for listings and globs. Writes stage blocks of `block_size_kb` with Put Block and commit them with one Put Block List only when the run succeeds: until then the previous blob (if any) stays as it was, and a failed, aborted or killed load leaves only uncommitted blocks, which no reader sees and Azure discards after a week. A blob smaller than one block is written with a single Put Blob at commit. A partitioned dataset is published by a manifest: the blobs get run-unique names in their partition folders (`k=a/part-0-<token>.parquet`), and `<path>/_manifest.json`, listing each blob with its size and rows, is written last with one Put Blob; the previous run's blobs are then deleted. extract.azure_blob reads exactly what a manifest lists, so a half-published or killed load is never seen and a retry never shows a row twice; other readers must read the manifest, not the listing. A load killed during its commit can leave orphan blobs whose token no manifest lists. Details: [connectors](../connectors.md#partitioned-datasets-on-object-storage-s3-azure-blob). The module binds the CSV, JSON or Parquet module's own reader or writer (or load.xml's writer) on that file system, so every format option works the same.

**Connection** (type `azure_blob`): the storage account name as `user`; as secret either the account key (base64, as the portal shows it; requests are signed with Shared Key, HMAC-SHA256) or, with option `auth: "sas"`, a SAS token (with or without its leading `?`; it travels in the query string and is never shown in messages). Options: `endpoint` (default `https://ACCOUNT.blob.core.windows.net`; for azurite `http://127.0.0.1:10000/devstoreaccount1`), `auth` (`shared_key`, `sas`), `container` (for "Test connection"). The organization's egress policy applies to the endpoint. A refused key or token fails as Unauthenticated naming the connection. In a CLI connections file:

```json
{"connections": {"lake": {"type": "azure_blob", "user": "mystorageaccount", "secret_env": "LAKE_KEY",
  "options": {"container": "raw"}}}}
```)md";

ModuleDescriptor AzureBlobExtractModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kExtract;
  d.name = "azure_blob";
  d.connection_types = {kConnectionType};
  d.summary = "Reads CSV, JSON or Parquet blobs from Azure Blob Storage.";
  d.description =
      "Reads one blob, every blob under a prefix, or the blobs matching a glob, with the CSV, JSON or Parquet reader, "
      "streamed in ranged reads and parsed in parallel. Authorizes with the account key (Shared Key) or a SAS token; "
      "works with azurite through a custom endpoint.";
  d.category = "storage";
  d.icon = "cloud";
  d.outputs = {{"out", "Rows of the blobs"}};
  d.config_schema = AzureBlobConfigSchema(true);
  d.factory = [](const BindContext& ctx) { return BindOnAzureBlob(ctx, true); };
  d.description += "\n\n";
  d.description += kAzureBlobDetails;
  return d;
}

ModuleDescriptor AzureBlobLoadModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kLoad;
  d.name = "azure_blob";
  d.connection_types = {kConnectionType};
  d.summary = "Writes rows as CSV, JSON, Parquet or XML blobs to Azure Blob Storage.";
  d.description =
      "Writes a file or a partitioned dataset as block blobs. Blocks are staged as the rows arrive and committed "
      "with one Put Block List when the run succeeds, so a blob changes all at once or not at all; a partitioned "
      "dataset is published by writing its _manifest.json last.";
  d.category = "storage";
  d.icon = "cloud";
  d.inputs = {{"in", "Rows to write"}};
  d.config_schema = AzureBlobConfigSchema(false);
  d.factory = [](const BindContext& ctx) { return BindOnAzureBlob(ctx, false); };
  d.description += "\n\n";
  d.description += kAzureBlobDetails;
  return d;
}

}  // namespace logidata
