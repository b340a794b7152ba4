// ApplyDatasetManifests: how a listing is cut to what dataset manifests publish, and how a manifest
// is checked (it is input: a path outside its dataset, a missing object or a changed size are
// errors naming the manifest). Runs on local files, listed whole as an object store lists them.
#include "connectors/object_dataset_manifest.h"

#include <filesystem>
#include <fstream>
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_batches.h"

namespace logidata {
namespace {

class ObjectDatasetManifestTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = testing::TempDir("manifest"); }

  void Write(const std::string& relative, const std::string& text) {
    const std::filesystem::path path = std::filesystem::path(root_) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  // A manifest in `folder` listing `files` ({path, size}).
  void WriteManifest(const std::string& folder, const std::vector<std::pair<std::string, int>>& files, int version = 1) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [path, size] : files) list.push_back({{"path", path}, {"size", size}, {"rows", 1}});
    Write(folder + "/_manifest.json",
          nlohmann::json({{"format", "logidata.dataset"}, {"version", version}, {"files", list}}).dump());
  }
  // ApplyDatasetManifests over the whole listing of `folder`, as paths relative to the root.
  Result<std::vector<std::string>> Published(const std::string& folder) {
    const std::string dir = root_ + "/" + folder;
    // Every file, "_" names included, as an object store lists (LocalFileSystem hides them).
    std::vector<FileInfo> listing;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) listing.push_back({e.path().string(), static_cast<int64_t>(e.file_size()), false});
    }
    LD_ASSIGN_OR_RETURN(auto published, ApplyDatasetManifests(LocalFileSystem(), dir, std::move(listing)));
    std::vector<std::string> out;
    for (const auto& f : published) out.push_back(f.path.substr(root_.size() + 1));
    return out;
  }

  std::string root_;
};

TEST_F(ObjectDatasetManifestTest, WithoutAManifestTheListingStands) {
  Write("ds/k=1/part-0.csv", "a");
  Write("ds/k=2/part-0.csv", "bb");
  EXPECT_EQ(*Published("ds"), (std::vector<std::string>{"ds/k=1/part-0.csv", "ds/k=2/part-0.csv"}));
}

TEST_F(ObjectDatasetManifestTest, TheManifestDecidesForItsFolderItsPartitionsAndFoldersAboveIt) {
  Write("lake/ds/k=1/part-0-new.csv", "new");
  Write("lake/ds/k=1/part-0-orphan.csv", "orphan");
  Write("lake/ds/k=2/part-0-new.csv", "n2");
  Write("lake/other/x.csv", "x");
  WriteManifest("lake/ds", {{"k=1/part-0-new.csv", 3}, {"k=2/part-0-new.csv", 2}});
  const std::vector<std::string> dataset = {"lake/ds/k=1/part-0-new.csv", "lake/ds/k=2/part-0-new.csv"};
  EXPECT_EQ(*Published("lake/ds"), dataset);
  // A partition folder: the manifest above it decides.
  EXPECT_EQ(*Published("lake/ds/k=1"), (std::vector<std::string>{"lake/ds/k=1/part-0-new.csv"}));
  // A folder holding the dataset and more: the dataset is cut, the rest stays.
  auto lake = *Published("lake");
  EXPECT_EQ(lake, (std::vector<std::string>{"lake/ds/k=1/part-0-new.csv", "lake/ds/k=2/part-0-new.csv", "lake/other/x.csv"}));
}

TEST_F(ObjectDatasetManifestTest, AnEmptyManifestPublishesAnEmptyDataset) {
  Write("ds/k=1/part-0-killed.csv", "left by a killed run");
  WriteManifest("ds", {});
  EXPECT_TRUE(Published("ds")->empty());
}

TEST_F(ObjectDatasetManifestTest, AManifestThatDoesNotMatchTheObjectsIsAnError) {
  struct Case {
    std::string name;
    std::function<void()> write;
    StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"missing object", [&] { WriteManifest("ds", {{"k=1/gone.csv", 1}}); }, StatusCode::kNotFound, "lists k=1/gone.csv, which does not exist"},
      {"changed size", [&] { WriteManifest("ds", {{"k=1/part.csv", 99}}); }, StatusCode::kDataError, "with 99 bytes, but it has 4"},
      {"newer version", [&] { WriteManifest("ds", {}, 2); }, StatusCode::kUnsupported, "has version 2"},
      {"not JSON", [&] { Write("ds/_manifest.json", "{\"files\": ["); }, StatusCode::kDataError, "_manifest.json: is not a JSON object"},
      {"parent segment", [&] { WriteManifest("ds", {{"../secret.csv", 1}}); }, StatusCode::kDataError, "/files/0/path"},
      {"absolute path", [&] { WriteManifest("ds", {{"/etc/passwd", 1}}); }, StatusCode::kDataError, "/files/0/path"},
      {"empty segment", [&] { WriteManifest("ds", {{"k=1//part.csv", 4}}); }, StatusCode::kDataError, "/files/0/path"},
      {"dot segment", [&] { WriteManifest("ds", {{"./k=1/part.csv", 4}}); }, StatusCode::kDataError, "/files/0/path"},
      {"negative size", [&] { Write("ds/_manifest.json", R"({"format": "logidata.dataset", "version": 1, "files": [{"path": "k=1/part.csv", "size": -1, "rows": 1}]})"); },
       StatusCode::kDataError, "/files/0/size"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::filesystem::remove_all(std::filesystem::path(root_) / "ds");
    Write("ds/k=1/part.csv", "rows");
    c.write();
    auto published = Published("ds");
    ASSERT_FALSE(published.ok());
    EXPECT_EQ(published.status().code(), c.code) << published.status().ToString();
    EXPECT_NE(published.status().message().find(c.message), std::string::npos) << published.status().ToString();
    EXPECT_NE(published.status().message().find("ds/_manifest.json"), std::string::npos) << published.status().ToString();
  }
}

}  // namespace
}  // namespace logidata
