// The manifest-publishing scenario shared by the S3 and Azure Blob suites: a partitioned dataset
// is published by its manifest; a load killed with SIGKILL in the middle of publishing leaves the
// previous dataset what readers see; the retry replaces it with every row exactly once; an
// aborted run leaves nothing; a hand-edited manifest naming an object outside the dataset is
// refused. Runs against the suite's real server through `fs` and the connection `connection`.
#pragma once

#include <chrono>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "connectors/object_file_system.h"
#include "integration/connectors/connector_test_support.h"

namespace logidata::testing {

inline nlohmann::json ReadManifestJson(FileSystem& fs, const std::string& dataset) {
  auto f = fs.OpenRead(dataset + "/_manifest.json");
  if (!f.ok()) return nullptr;
  auto b = (*f)->ReadAll();
  if (!b.ok()) return nullptr;
  return nlohmann::json::parse(std::string(reinterpret_cast<const char*>((*b)->data()), (*b)->size()), nullptr, false);
}

// "k:int64, v:string" rows: partition k = i % partitions, v = "<tag>-<i>".
inline BatchPtr TaggedRows(const std::string& tag, int rows, int partitions) {
  std::vector<std::vector<std::string>> out;
  for (int i = 0; i < rows; ++i) out.push_back({std::to_string(i % partitions), tag + "-" + std::to_string(i)});
  return MakeBatch("k:int64, v:string", out);
}

// The same rows as extract returns them: data columns, then the partition column.
inline std::vector<std::vector<std::string>> ExpectedRows(const BatchPtr& written) {
  auto rows = SortedRows({written});
  for (auto& r : rows) std::swap(r[0], r[1]);
  std::sort(rows.begin(), rows.end());
  return rows;
}

inline void RunManifestPublishingScenario(ObjectFileSystem& fs, MemoryConnections* connections, const std::string& module,
                                          const std::string& connection, const std::string& dataset) {
  const std::string load = "load." + module, extract = "extract." + module;
  const nlohmann::json cfg = {{"connection", connection}, {"path", dataset}, {"format", "parquet"},
                              {"options", {{"partition_by", {"k"}}}}};
  auto read_back = [&]() { return RunExtract(extract, {{"connection", connection}, {"path", dataset}, {"format", "parquet"}}, connections); };
  auto raw_paths = [&]() {
    std::set<std::string> paths;
    auto listed = fs.ListObjects(dataset);
    if (listed.ok()) {
      for (const auto& f : *listed) paths.insert(f.path);
    }
    return paths;
  };

  // A folder written before manifests existed: the first manifest supersedes all of it.
  for (const std::string legacy : {"/k=0/part-0.parquet", "/k=9/part-0.parquet"}) {
    auto w = fs.OpenWrite(dataset + legacy);
    ASSERT_TRUE(w.ok() && (*w)->Append("not parquet").ok() && (*w)->Close().ok());
  }

  // v1: published by its manifest, which lists every object with its size and rows.
  BatchPtr v1 = TaggedRows("v1", 30, 3);
  Status s = RunLoad(load, cfg, connections, {v1});
  ASSERT_TRUE(s.ok()) << s.ToString();
  nlohmann::json m1 = ReadManifestJson(fs, dataset);
  ASSERT_TRUE(m1.is_object()) << "no manifest after the load";
  EXPECT_EQ(m1["format"], "logidata.dataset");
  EXPECT_EQ(m1["rows"], 30);
  ASSERT_EQ(m1["files"].size(), 3u);
  int64_t listed_rows = 0;
  for (const auto& f : m1["files"]) {
    listed_rows += f["rows"].get<int64_t>();
    auto info = fs.Stat(dataset + "/" + f["path"].get<std::string>());
    ASSERT_TRUE(info.ok()) << f.dump();
    EXPECT_EQ(info->size, f["size"].get<int64_t>());
    EXPECT_NE(f["path"].get<std::string>().find(m1["token"].get<std::string>()), std::string::npos) << f.dump();
  }
  EXPECT_EQ(listed_rows, 30);
  EXPECT_EQ(raw_paths().size(), 4u) << "the pre-manifest objects were not removed";
  auto out = read_back();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(SortedRows(*out), ExpectedRows(v1));

  // v2, 200 partitions, killed with SIGKILL while its objects are being completed at commit:
  // some are already visible in the listing, the manifest is not written yet.
  const std::set<std::string> v1_objects = raw_paths();
  BatchPtr v2 = TaggedRows("v2", 400, 200);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Status run = RunLoad(load, cfg, connections, {v2});
    _exit(run.ok() ? 0 : 1);
  }
  bool saw_new_object = false;
  for (auto start = std::chrono::steady_clock::now(); std::chrono::steady_clock::now() - start < std::chrono::seconds(60);) {
    for (const auto& p : raw_paths()) {
      if (v1_objects.count(p) == 0) saw_new_object = true;
    }
    if (saw_new_object) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(child, SIGKILL);
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(saw_new_object) << "the load never completed an object";
  ASSERT_TRUE(WIFSIGNALED(wait_status)) << "the load finished before the kill: publishing was not interrupted";
  nlohmann::json after_kill = ReadManifestJson(fs, dataset);
  ASSERT_EQ(after_kill["token"], m1["token"]) << "the killed run published its manifest";
  std::set<std::string> orphans;
  for (const auto& p : raw_paths()) {
    if (v1_objects.count(p) == 0) orphans.insert(p);
  }
  EXPECT_FALSE(orphans.empty());
  EXPECT_LT(orphans.size(), 200u) << "every object was completed: the kill came too late to test anything";
  out = read_back();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(SortedRows(*out), ExpectedRows(v1)) << "a reader saw part of the killed run";
  // A partition folder with an orphan in it is read through the dataset's manifest too.
  const std::string orphan_folder = orphans.begin()->substr(0, orphans.begin()->rfind('/'));
  auto in_folder = fs.ListRecursive(orphan_folder);
  ASSERT_TRUE(in_folder.ok()) << in_folder.status().ToString();
  for (const auto& f : *in_folder) EXPECT_EQ(orphans.count(f.path), 0u) << "listing " << orphan_folder << " returned an orphan";

  // The retry publishes v2 whole: every row once, v1's objects gone, the orphans ignored.
  s = RunLoad(load, cfg, connections, {v2});
  ASSERT_TRUE(s.ok()) << s.ToString();
  nlohmann::json m2 = ReadManifestJson(fs, dataset);
  EXPECT_EQ(m2["rows"], 400);
  EXPECT_EQ(m2["files"].size(), 200u);
  out = read_back();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(SortedRows(*out), ExpectedRows(v2));
  for (const auto& p : v1_objects) {
    if (p != dataset + "/_manifest.json") EXPECT_EQ(raw_paths().count(p), 0u) << p << " of the superseded run is still there";
  }

  // An aborted run leaves neither a new manifest nor objects.
  const std::set<std::string> before_abort = raw_paths();
  s = RunLoad(load, cfg, connections, {TaggedRows("v3", 10, 5)}, /*commit=*/false);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(raw_paths(), before_abort);
  EXPECT_EQ(ReadManifestJson(fs, dataset)["token"], m2["token"]);

  // A manifest is input: one naming an object outside its dataset is refused, naming the place.
  nlohmann::json hostile = m2;
  hostile["files"][0]["path"] = "../elsewhere/secret.parquet";
  auto w = fs.OpenWrite(dataset + "/_manifest.json");
  ASSERT_TRUE(w.ok() && (*w)->Append(hostile.dump()).ok() && (*w)->Close().ok());
  out = read_back();
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kDataError) << out.status().ToString();
  EXPECT_NE(out.status().message().find("_manifest.json /files/0/path"), std::string::npos) << out.status().ToString();
  ASSERT_TRUE(fs.RemoveAll(dataset).ok());
}

}  // namespace logidata::testing
