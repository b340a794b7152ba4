#include "io/dataset_write.h"

#include <filesystem>
#include <random>

#include "io/file_system.h"

namespace logidata {

std::string RandomHexSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(rng()));
  return out;
}

namespace {

class StagedFolderWrite final : public DatasetWrite {
 public:
  StagedFolderWrite(FileSystem& fs, std::string dir) : fs_(fs), dir_(std::move(dir)) {
    const std::filesystem::path target(dir_);
    staging_ = (target.parent_path() / ("." + target.filename().string() + ".tmp-" + RandomHexSuffix())).string();
  }
  ~StagedFolderWrite() override {
    if (!published_) Abort();
  }

  Result<std::unique_ptr<WritableFile>> OpenFile(const std::string& relative_path) override {
    const std::string path = staging_ + "/" + relative_path;
    LD_RETURN_IF_ERROR(fs_.CreateDirs(std::filesystem::path(path).parent_path().string()));
    return fs_.OpenWrite(path, /*atomic=*/false);
  }

  Status Publish(const std::vector<DatasetFile>&) override {
    LD_RETURN_IF_ERROR(fs_.CreateDirs(staging_));  // an empty dataset is an empty folder
    // Move any old dataset aside first so a failed rename can restore it.
    std::string backup;
    if (fs_.Stat(dir_).ok()) {
      backup = dir_ + ".old-" + RandomHexSuffix();
      LD_RETURN_IF_ERROR(fs_.Rename(dir_, backup));
    }
    Status st = fs_.Rename(staging_, dir_);
    if (!st.ok()) {
      if (!backup.empty()) (void)fs_.Rename(backup, dir_);
      Abort();
      return st;
    }
    published_ = true;
    if (!backup.empty()) (void)fs_.RemoveAll(backup);
    return Status::OK();
  }

  void Abort() override {
    if (published_ || aborted_) return;
    aborted_ = true;
    (void)fs_.RemoveAll(staging_);
  }

 private:
  FileSystem& fs_;
  std::string dir_, staging_;
  bool published_ = false, aborted_ = false;
};

}  // namespace

std::unique_ptr<DatasetWrite> MakeStagedFolderWrite(FileSystem& fs, const std::string& dir) {
  return std::make_unique<StagedFolderWrite>(fs, dir);
}

}  // namespace logidata
