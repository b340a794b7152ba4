// AzureBlobClient: the Blob service calls the Azure file system needs (Get Blob Properties,
// ranged Get Blob, List Blobs with prefix and marker paging, Put Blob, Put Block, Put Block List,
// Copy Blob, Delete Blob) against Azure Storage or azurite. Requests are authorized with Shared
// Key (HMAC-SHA256 of the canonical request under the account key) or carry a SAS token in the
// query. Errors name the connection and the blob ("az://container/blob") but never the key, the
// SAS token or the signed URL. Requests retry like extract.http. Thread-safe: each call uses its
// own HTTP client.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/http/http_client.h"
#include "module/connection.h"

namespace logidata {

struct AzureBlobOptions {
  std::string connection;  // the connection's name, for messages
  // The Blob service URL; the account is in the host on Azure and in the path on azurite
  // ("http://127.0.0.1:10000/devstoreaccount1").
  std::string endpoint;
  std::string account;
  std::string key;  // the decoded account key (Shared Key), or empty with a SAS token
  std::string sas;  // a SAS token without its leading '?', or empty with Shared Key
  int max_retries = 4;
  const EgressPolicy* egress = nullptr;  // the connection's (see ConnectionConfig::egress)

  // From a connection of type azure_blob: user = storage account name, secret = the account key
  // (base64, as the portal shows it) or, with option auth "sas", a SAS token; option endpoint
  // (default https://ACCOUNT.blob.core.windows.net).
  static Result<AzureBlobOptions> FromConnection(const ConnectionConfig& config);
};

struct AzureBlob {
  std::string name;
  int64_t size = 0;
};

class AzureBlobClient {
 public:
  explicit AzureBlobClient(AzureBlobOptions options) : options_(std::move(options)) {}

  // The blob's size; NotFound when it does not exist.
  Result<int64_t> GetBlobSize(const std::string& container, const std::string& blob);
  // Bytes [offset, offset + length) of the blob (fewer at its end); length < 0: to the end.
  Result<std::string> GetBlob(const std::string& container, const std::string& blob, int64_t offset = 0,
                              int64_t length = -1);
  // Every blob whose name starts with `prefix`, sorted by name: at most `limit` when > 0 (one
  // request), else all of them, following NextMarker with `page_size` names per request (0: the
  // service's default, 5000).
  Result<std::vector<AzureBlob>> List(const std::string& container, const std::string& prefix, int limit = 0,
                                      int page_size = 0);
  // The ids of the blob's blocks, `type` "committed" (its content, in order) or "uncommitted"
  // (staged, not yet visible).
  Result<std::vector<std::string>> BlockList(const std::string& container, const std::string& blob, const std::string& type);
  // Creates or replaces a block blob in one request (atomic by nature).
  Status PutBlob(const std::string& container, const std::string& blob, const std::string& body);
  // Stages a block: invisible until a Put Block List names it. `block_id` is base64; every id of
  // one blob must have the same length.
  Status PutBlock(const std::string& container, const std::string& blob, const std::string& block_id,
                  const std::string& body);
  // Commits the staged blocks, in order, as the blob's content: the one moment it changes.
  Status PutBlockList(const std::string& container, const std::string& blob, const std::vector<std::string>& block_ids);
  // Copies within the container and waits until the copy has finished.
  Status CopyBlob(const std::string& container, const std::string& from, const std::string& to);
  Status DeleteBlob(const std::string& container, const std::string& blob);
  // Creates the container; one that exists already is fine.
  Status CreateContainer(const std::string& container);
  // Lists at most one blob of `container` (or the containers when empty): the cheapest
  // authorized request.
  Status Probe(const std::string& container);

  const AzureBlobOptions& options() const { return options_; }

 private:
  // `query`: decoded names and values. Errors name the connection and "az://container/blob".
  Result<HttpClientResponse> Call(const std::string& method, const std::string& container, const std::string& blob,
                                  std::vector<std::pair<std::string, std::string>> query,
                                  std::vector<std::string> headers, const std::string& body);
  // The status for an error response, from its x-ms-error-code.
  Status ErrorStatus(const std::string& method, const std::string& container, const std::string& blob,
                     const HttpClientResponse& response) const;
  AzureBlobOptions options_;
};

// Splits "az://container/blob" (or "container/blob") into container and blob name.
Result<std::pair<std::string, std::string>> ParseAzurePath(const std::string& path);

// Lists one blob of the connection's container (option "container"), or the containers.
Status TestAzureBlobConnection(const ConnectionConfig& config);

}  // namespace logidata
