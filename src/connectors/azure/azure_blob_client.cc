#include "connectors/azure/azure_blob_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <thread>

#include <pugixml.hpp>

#include "connectors/azure/azure_shared_key.h"
#include "connectors/object_path.h"

namespace logidata {

namespace {

constexpr const char* kApiVersion = "2021-08-06";

// Encodes a blob name for the URL path: every byte but unreserved ones and '/'. The signature
// covers the path in exactly this form.
std::string EncodeBlobName(const std::string& name) {
  std::string out;
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string HttpDateNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string Where(const std::string& container, const std::string& blob) {
  return "az://" + container + (blob.empty() ? "" : "/" + blob);
}

}  // namespace

Result<AzureBlobOptions> AzureBlobOptions::FromConnection(const ConnectionConfig& config) {
  AzureBlobOptions o;
  o.connection = config.name;
  o.account = config.user;
  const auto& opt = config.options;
  const std::string prefix = "Azure Blob connection '" + config.name + "'";
  if (o.account.empty()) return Status::InvalidArgument(prefix + " needs the storage account name (user)");
  o.endpoint = opt.is_object() ? opt.value("endpoint", std::string()) : "";
  if (o.endpoint.empty() && !config.host.empty()) {
    o.endpoint = config.host.find("://") == std::string::npos ? "https://" + config.host : config.host;
    if (config.port != 0) o.endpoint += ":" + std::to_string(config.port);
  }
  if (o.endpoint.empty()) o.endpoint = "https://" + o.account + ".blob.core.windows.net";
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  o.egress = config.egress;
  const std::string auth = opt.is_object() ? opt.value("auth", std::string("shared_key")) : "shared_key";
  if (config.secret.empty()) return Status::InvalidArgument(prefix + " needs an account key or a SAS token (secret)");
  if (auth == "sas") {
    o.sas = config.secret.front() == '?' ? config.secret.substr(1) : config.secret;
  } else if (auth == "shared_key") {
    auto key = azure::Base64Decode(config.secret);
    // The message must not echo the secret.
    if (!key || key->empty()) return Status::InvalidArgument(prefix + ": the account key is not valid base64");
    o.key = std::move(*key);
  } else {
    return Status::InvalidArgument(prefix + ": option auth must be shared_key or sas, not '" + auth + "'");
  }
  return o;
}

Result<std::pair<std::string, std::string>> ParseAzurePath(const std::string& path) {
  return SplitObjectPath(path, "az", "container", "blob");
}

Status AzureBlobClient::ErrorStatus(const std::string& method, const std::string& container, const std::string& blob,
                                    const HttpClientResponse& response) const {
  std::string code = response.Header("x-ms-error-code");
  if (code.empty()) code = "HTTP " + std::to_string(response.status);
  // The body is left out on purpose: an authentication error echoes the string that was signed.
  const std::string where = "Azure Blob connection '" + options_.connection + "': " + method + " " + Where(container, blob);
  // Azure answers a wrong key or a forged SAS with AuthenticationFailed; azurite with
  // AuthorizationFailure, which Azure also uses when the account refuses this client outright.
  if (response.status == 401 || code == "AuthenticationFailed" || code == "AuthorizationFailure" ||
      code == "NoAuthenticationInformation" || code == "InvalidAuthenticationInfo") {
    return Status::Unauthenticated(where + " failed: the " + std::string(options_.sas.empty() ? "account key" : "SAS token") +
                                   " was not accepted (" + code + ")");
  }
  if (response.status == 403) return Status::PermissionDenied(where + " failed: not allowed (" + code + ")");
  if (response.status == 404) return Status::NotFound(where + " does not exist (" + code + ")");
  return Status::InvalidArgument(where + " failed (" + code + ")");
}

Result<HttpClientResponse> AzureBlobClient::Call(const std::string& method, const std::string& container,
                                                 const std::string& blob,
                                                 std::vector<std::pair<std::string, std::string>> query,
                                                 std::vector<std::string> headers, const std::string& body) {
  size_t scheme_end = options_.endpoint.find("://");
  size_t path_start = options_.endpoint.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const std::string endpoint_path = path_start == std::string::npos ? "" : options_.endpoint.substr(path_start);
  std::string url_path = endpoint_path + "/" + container;
  if (!blob.empty()) url_path += "/" + EncodeBlobName(blob);
  if (container.empty() && url_path.size() > 1) url_path.pop_back();  // the account itself: ".../"
  if (url_path.empty()) url_path = "/";

  headers.push_back("x-ms-date: " + HttpDateNow());
  headers.push_back(std::string("x-ms-version: ") + kApiVersion);
  if (method != "GET" && method != "HEAD") {
    // Otherwise libcurl sends form-urlencoded, which the signature would have to name.
    if (std::none_of(headers.begin(), headers.end(), [](const std::string& h) { return h.rfind("Content-Type:", 0) == 0; })) {
      headers.push_back("Content-Type: application/octet-stream");
    }
  }
  std::string query_text;
  for (const auto& [k, v] : query) query_text += (query_text.empty() ? "" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
  if (!options_.sas.empty()) {
    query_text += (query_text.empty() ? "" : "&") + options_.sas;
  } else {
    AzureSignedRequest signed_request{method, url_path, query, headers, body.size()};
    headers.push_back(AzureSharedKeyHeader(signed_request, options_.account, options_.key));
  }

  HttpClientRequest req;
  req.method = method;
  req.url = options_.endpoint.substr(0, path_start == std::string::npos ? options_.endpoint.size() : path_start) + url_path;
  if (!query_text.empty()) req.url += "?" + query_text;
  req.headers = std::move(headers);
  req.body = body;
  req.answered_statuses = {400, 401, 403, 404, 409, 412, 416};
  HttpClientOptions http;
  http.max_retries = options_.max_retries;
  http.base_delay_seconds = 0.2;
  http.timeout_seconds = 300;
  http.egress = options_.egress;
  // Blob reads are as large as the blobs the pipeline names (ranged reads bound themselves).
  http.max_response_bytes = 0;
  HttpClient client(http);
  auto r = client.Send(req);
  if (!r.ok()) {
    // Transport errors carry the URL without its query (HttpClient strips it): no SAS token.
    return r.status().WithContext("Azure Blob connection '" + options_.connection + "': " + method + " " + Where(container, blob));
  }
  if (r->status >= 400) return ErrorStatus(method, container, blob, *r);
  return r;
}

Result<int64_t> AzureBlobClient::GetBlobSize(const std::string& container, const std::string& blob) {
  LD_ASSIGN_OR_RETURN(HttpClientResponse r, Call("HEAD", container, blob, {}, {}, ""));
  std::string len = r.Header("content-length");
  return len.empty() ? int64_t{0} : std::stoll(len);
}

Result<std::string> AzureBlobClient::GetBlob(const std::string& container, const std::string& blob, int64_t offset,
                                             int64_t length) {
  std::vector<std::string> headers;
  if (offset > 0 || length >= 0) {
    headers.push_back("x-ms-range: bytes=" + std::to_string(offset) + "-" +
                      (length >= 0 ? std::to_string(offset + length - 1) : ""));
  }
  LD_ASSIGN_OR_RETURN(HttpClientResponse r, Call("GET", container, blob, {}, headers, ""));
  return std::move(r.body);
}

Result<std::vector<AzureBlob>> AzureBlobClient::List(const std::string& container, const std::string& prefix,
                                                     int limit, int page_size) {
  std::vector<AzureBlob> out;
  std::string marker;
  while (true) {
    std::vector<std::pair<std::string, std::string>> query = {{"restype", "container"}, {"comp", "list"}};
    if (!prefix.empty()) query.emplace_back("prefix", prefix);
    if (!marker.empty()) query.emplace_back("marker", marker);
    const int per_request = limit > 0 ? limit : page_size;
    if (per_request > 0) query.emplace_back("maxresults", std::to_string(per_request));
    LD_ASSIGN_OR_RETURN(HttpClientResponse r, Call("GET", container, "", query, {}, ""));
    pugi::xml_document doc;
    if (!doc.load_buffer(r.body.data(), r.body.size())) {
      return Status::IOError("Azure Blob connection '" + options_.connection + "': the listing of " + Where(container, prefix) +
                             " is not XML");
    }
    pugi::xml_node results = doc.child("EnumerationResults");
    for (pugi::xml_node b : results.child("Blobs").children("Blob")) {
      std::string size = b.child("Properties").child_value("Content-Length");
      out.push_back({b.child_value("Name"), size.empty() ? 0 : std::stoll(size)});
    }
    marker = results.child_value("NextMarker");
    if (limit > 0 || marker.empty()) break;
  }
  std::sort(out.begin(), out.end(), [](const AzureBlob& a, const AzureBlob& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<std::string>> AzureBlobClient::BlockList(const std::string& container, const std::string& blob,
                                                            const std::string& type) {
  LD_ASSIGN_OR_RETURN(HttpClientResponse r, Call("GET", container, blob, {{"comp", "blocklist"}, {"blocklisttype", type}}, {}, ""));
  pugi::xml_document doc;
  if (!doc.load_buffer(r.body.data(), r.body.size())) {
    return Status::IOError("Azure Blob connection '" + options_.connection + "': the block list of " + Where(container, blob) +
                           " is not XML");
  }
  std::vector<std::string> ids;
  const char* group = type == "uncommitted" ? "UncommittedBlocks" : "CommittedBlocks";
  for (pugi::xml_node b : doc.child("BlockList").child(group).children("Block")) ids.push_back(b.child_value("Name"));
  return ids;
}

Status AzureBlobClient::PutBlob(const std::string& container, const std::string& blob, const std::string& body) {
  return Call("PUT", container, blob, {}, {"x-ms-blob-type: BlockBlob"}, body).status();
}

Status AzureBlobClient::PutBlock(const std::string& container, const std::string& blob, const std::string& block_id,
                                 const std::string& body) {
  return Call("PUT", container, blob, {{"comp", "block"}, {"blockid", block_id}}, {}, body).status();
}

Status AzureBlobClient::PutBlockList(const std::string& container, const std::string& blob,
                                     const std::vector<std::string>& block_ids) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (const auto& id : block_ids) xml += "<Latest>" + id + "</Latest>";  // base64: nothing to escape
  xml += "</BlockList>";
  return Call("PUT", container, blob, {{"comp", "blocklist"}}, {"Content-Type: application/xml"}, xml).status();
}

Status AzureBlobClient::CopyBlob(const std::string& container, const std::string& from, const std::string& to) {
  std::string source = options_.endpoint + "/" + container + "/" + EncodeBlobName(from);
  // A SAS source must carry its own authorization; with Shared Key the account's own blobs need none.
  if (!options_.sas.empty()) source += "?" + options_.sas;
  LD_ASSIGN_OR_RETURN(HttpClientResponse r, Call("PUT", container, to, {}, {"x-ms-copy-source: " + source}, ""));
  std::string state = r.Header("x-ms-copy-status");
  // Copies within an account usually finish at once; a pending one is polled until it settles.
  for (int i = 0; state == "pending" && i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    LD_ASSIGN_OR_RETURN(HttpClientResponse p, Call("HEAD", container, to, {}, {}, ""));
    state = p.Header("x-ms-copy-status");
  }
  if (!state.empty() && state != "success") {
    return Status::IOError("Azure Blob connection '" + options_.connection + "': copying " + Where(container, from) + " to " +
                           Where(container, to) + " ended as " + state);
  }
  return Status::OK();
}

Status AzureBlobClient::DeleteBlob(const std::string& container, const std::string& blob) {
  return Call("DELETE", container, blob, {}, {}, "").status();
}

Status AzureBlobClient::CreateContainer(const std::string& container) {
  auto r = Call("PUT", container, "", {{"restype", "container"}}, {}, "");
  if (!r.ok() && r.status().message().find("ContainerAlreadyExists") != std::string::npos) return Status::OK();
  return r.status();
}

Status AzureBlobClient::Probe(const std::string& container) {
  if (container.empty()) return Call("GET", "", "", {{"comp", "list"}, {"maxresults", "1"}}, {}, "").status();
  return Call("GET", container, "", {{"restype", "container"}, {"comp", "list"}, {"maxresults", "1"}}, {}, "").status();
}

Status TestAzureBlobConnection(const ConnectionConfig& config) {
  LD_ASSIGN_OR_RETURN(AzureBlobOptions options, AzureBlobOptions::FromConnection(config));
  options.max_retries = 0;
  AzureBlobClient client(options);
  std::string container = config.options.is_object() ? config.options.value("container", std::string()) : "";
  return client.Probe(container);
}

}  // namespace logidata
