// Routes: the organization's files — list, upload, download and delete inside its sandbox (its
// own folder and the roots the operator granted), so users can bring data to the server and fetch
// results without shell access. Every path goes through the same PathSandbox as pipelines.
#include <chrono>
#include <filesystem>

#include "io/tenant_files.h"
#include "metadata/audit_log.h"
#include "server/route_support.h"

namespace logidata {
namespace {
namespace fs = std::filesystem;

std::string Iso8601(fs::file_time_type t) {
  auto sys = std::chrono::time_point_cast<std::chrono::seconds>(t - fs::file_time_type::clock::now() +
                                                                std::chrono::system_clock::now());
  std::time_t tt = std::chrono::system_clock::to_time_t(sys);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The path a user wrote, joined to a child name ("lake:" + "x.csv" -> "lake:x.csv").
std::string Child(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/' || dir.back() == ':') return dir + name;
  return dir + "/" + name;
}

Result<std::string> Resolve(const TenantFiles& files, const std::string& path, FileAccess access) {
  if (path.find_first_of("*?[") != std::string::npos) {
    return Status::InvalidArgument("/path: wildcards are not allowed here");
  }
  auto resolved = files.sandbox().Resolve(path.empty() ? "." : path, access);
  if (!resolved.ok()) return Status(resolved.status().code(), "/path: " + resolved.status().message());
  return resolved;
}

// The organization's files and the resolved path of a file it may write.
struct Target {
  std::unique_ptr<TenantFiles> files;
  std::string path;
};

Result<Target> WriteTarget(const ApiServices& s, const Caller& c, const std::string& shown) {
  if (shown.empty()) return Status::InvalidArgument("/path: is required");
  LD_ASSIGN_OR_RETURN(auto files, TenantFiles::Open(*s.files, c.org_id));
  LD_ASSIGN_OR_RETURN(std::string path, Resolve(*files, shown, FileAccess::kWrite));
  return Target{std::move(files), std::move(path)};
}

HttpResponse List(const ApiServices& s, const Caller& c, const std::string& path) {
  auto files = TenantFiles::Open(*s.files, c.org_id);
  if (!files.ok()) return Fail(files.status());
  auto dir = Resolve(**files, path, FileAccess::kRead);
  if (!dir.ok()) return Fail(dir.status());
  std::error_code ec;
  if (!fs::is_directory(*dir, ec)) return Fail(Status::NotFound("/path: no such folder in the organization's files"));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& entry : fs::directory_iterator(*dir, fs::directory_options::skip_permission_denied, ec)) {
    std::string name = entry.path().filename().string();
    // Links that lead out of the sandbox, and the data folder inside a wide root, are not shown.
    if (!(*files)->sandbox().Check(entry.path().string(), FileAccess::kRead).ok()) continue;
    std::error_code e2;
    bool is_dir = entry.is_directory(e2);
    items.push_back({{"name", name},
                     {"path", Child(path, name)},
                     {"is_directory", is_dir},
                     {"size", is_dir ? 0 : static_cast<int64_t>(entry.file_size(e2))},
                     {"modified_at", Iso8601(entry.last_write_time(e2))}});
    if (items.size() >= 10000) break;
  }
  std::sort(items.begin(), items.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    if (a["is_directory"] != b["is_directory"]) return a["is_directory"].get<bool>();
    return a["name"].get<std::string>() < b["name"].get<std::string>();
  });
  nlohmann::json roots = nlohmann::json::array();
  for (const auto& root : (*files)->sandbox().roots()) {
    if (!root.name.empty()) roots.push_back({{"name", root.name}, {"writable", root.writable}});
  }
  return HttpResponse::Json(200, {{"path", path}, {"items", items}, {"roots", roots}});
}

}  // namespace

void RegisterFileRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  router.Add({"GET", "/api/v1/files", Access::kViewer, "files",
              "Lists a folder of the organization's files (`path` relative to its folder, or `name:path` in a "
              "granted root); also names the granted roots.",
              nullptr, {{"path", "string", "Folder to list (default: the organization's folder)"}}, 200, false,
              [s](const HttpRequest& req, const Caller& c, const nlohmann::json&) { return List(s, c, req.Query("path")); }});
  router.Add({"GET", "/api/v1/files/content", Access::kDeveloper, "files", "Downloads one of the organization's files.",
              nullptr, {{"path", "string", "The file"}}, 200, true,
              [s](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto files = TenantFiles::Open(*s.files, c.org_id);
                if (!files.ok()) return Fail(files.status());
                auto path = Resolve(**files, req.Query("path"), FileAccess::kRead);
                if (!path.ok()) return Fail(path.status());
                auto file = (*files)->fs()->OpenRead(*path);
                if (!file.ok()) return Fail(Status::NotFound("/path: no such file in the organization's files"));
                auto size = (*file)->Size();
                if (!size.ok()) return Fail(size.status());
                if (*size > (int64_t{256} << 20)) {
                  return Fail(Status::ResourceExhausted("/path: files over 256 MiB are not downloaded through the API"));
                }
                auto bytes = (*file)->ReadAll();
                if (!bytes.ok()) return Fail(bytes.status());
                HttpResponse r;
                r.content_type = "application/octet-stream";
                r.body.assign(reinterpret_cast<const char*>((*bytes)->data()), static_cast<size_t>((*bytes)->size()));
                std::string name = fs::path(*path).filename().string();
                std::string safe;
                for (char ch : name) safe += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_') ? ch : '_';
                r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + safe + "\"");
                return r;
              }});
  router.Add({"PUT", "/api/v1/files/content", Access::kDeveloper, "files",
              "Uploads the request body (any bytes, up to the server's --max-body) as one of the organization's "
              "files; the file appears whole or not at all.",
              nullptr, {{"path", "string", "The file to create or replace"}}, 201, true,
              [s, db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                std::string shown = req.Query("path");
                auto target = WriteTarget(s, c, shown);
                if (!target.ok()) return Fail(target.status());
                auto& [files, path] = *target;
                std::string parent = fs::path(path).parent_path().string();
                Status st = files->fs()->CreateDirs(parent);
                if (st.ok()) {
                  auto out = files->fs()->OpenWrite(path, /*atomic=*/true);
                  st = out.status();
                  if (out.ok()) {
                    st = (*out)->Append(req.body.data(), req.body.size());
                    if (st.ok()) st = (*out)->Close();
                    else (*out)->Abort();
                  }
                }
                if (!st.ok()) {
                  bool denied = st.code() == StatusCode::kPermissionDenied;
                  return Fail(Status(denied ? st.code() : StatusCode::kInvalidArgument,
                                     "/path: cannot write '" + shown + "'" + (denied ? ": " + st.message() : "")));
                }
                (void)WriteAudit(*db, {c.org_id, c.Actor(), "file.upload", "file", shown, nullptr,
                                       {{"path", shown}, {"size", req.body.size()}}});
                return HttpResponse::Json(201, {{"path", shown}, {"size", req.body.size()}});
              }});
  router.Add({"DELETE", "/api/v1/files", Access::kDeveloper, "files",
              "Deletes one of the organization's files or folders (never a root itself).", nullptr,
              {{"path", "string", "The file or folder"}}, 204, false,
              [s, db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                std::string shown = req.Query("path");
                auto target = WriteTarget(s, c, shown);
                if (!target.ok()) return Fail(target.status());
                auto& [files, path] = *target;
                std::error_code ec;
                if (!fs::exists(fs::symlink_status(path, ec))) return Fail(Status::NotFound("/path: no such file in the organization's files"));
                Status st = files->fs()->RemoveAll(path);
                if (!st.ok()) return Fail(st);
                (void)WriteAudit(*db, {c.org_id, c.Actor(), "file.delete", "file", shown, {{"path", shown}}, nullptr});
                return HttpResponse::NoContent();
              }});
}

}  // namespace logidata
