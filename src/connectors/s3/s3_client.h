// S3Client: the object-storage calls the S3 file system needs (HEAD, ranged GET, ListObjectsV2,
// PUT, multipart upload, copy, delete) against AWS S3 or any compatible server (MinIO, s3rver…),
// signed with AWS Signature V4 by libcurl (the payload SHA-256 is computed here and sent as
// x-amz-content-sha256). Path-style ("endpoint/bucket/key") or virtual-host ("bucket.endpoint/key")
// addressing. Requests retry like extract.http. Thread-safe: each call uses its own HTTP client.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/http/http_client.h"
#include "module/connection.h"

namespace logidata {

struct S3Options {
  std::string endpoint = "https://s3.amazonaws.com";  // scheme + host[:port]
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  bool path_style = true;
  int max_retries = 4;
  std::vector<std::string> connect_to;  // curl CONNECT_TO entries, see HttpClientRequest
  const EgressPolicy* egress = nullptr;  // the connection's (see ConnectionConfig::egress)

  // From a connection of type s3: user = access key id, secret = secret key, options endpoint,
  // region, addressing ("path" | "virtual"), connect_to (a string or a list of
  // "HOST:PORT:CONNECT-HOST:CONNECT-PORT"). Without an endpoint: AWS in the region, virtual-host.
  static Result<S3Options> FromConnection(const ConnectionConfig& config);
};

struct S3Object {
  std::string key;
  int64_t size = 0;
};

class S3Client {
 public:
  explicit S3Client(S3Options options) : options_(std::move(options)) {}

  // NotFound when the object does not exist.
  Result<int64_t> HeadObject(const std::string& bucket, const std::string& key);
  // Bytes [offset, offset + length) of the object (fewer at its end).
  Result<std::string> GetObject(const std::string& bucket, const std::string& key, int64_t offset = 0, int64_t length = -1);
  // Every object whose key starts with `prefix`, sorted by key.
  Result<std::vector<S3Object>> List(const std::string& bucket, const std::string& prefix, int max_keys = 0);
  Status PutObject(const std::string& bucket, const std::string& key, const std::string& body);
  Result<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key);
  // Returns the part's ETag.
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key, const std::string& upload_id, int part,
                                 const std::string& body);
  Status CompleteMultipartUpload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                 const std::vector<std::string>& etags);
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key, const std::string& upload_id);
  Status CopyObject(const std::string& bucket, const std::string& from_key, const std::string& to_key);
  Status DeleteObject(const std::string& bucket, const std::string& key);
  // Lists at most one key of `bucket` (or the buckets when empty): the cheapest signed request.
  Status Probe(const std::string& bucket);

  const S3Options& options() const { return options_; }

 private:
  // `query` must already be sorted and encoded ("partNumber=1&uploadId=…").
  Result<HttpClientResponse> Call(const std::string& method, const std::string& bucket, const std::string& key,
                            const std::string& query, std::vector<std::string> headers, const std::string& body);
  S3Options options_;
};

// Splits "s3://bucket/key" (or "bucket/key") into bucket and key.
Result<std::pair<std::string, std::string>> ParseS3Path(const std::string& path);

// Lists one object of the connection's bucket (option "bucket"), or the buckets.
Status TestS3Connection(const ConnectionConfig& config);

}  // namespace logidata
