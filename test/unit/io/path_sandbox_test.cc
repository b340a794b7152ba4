// PathSandbox and SandboxedFileSystem on a real folder tree: what resolves, what is refused, and
// that symlinks, "..", globs and named roots cannot lead out.
#include "io/path_sandbox.h"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "io/sandboxed_file_system.h"

namespace logidata {
namespace {
namespace fs = std::filesystem;

class PathSandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ld-sandbox-unit-XXXXXX";
    root_ = fs::canonical(mkdtemp(tmpl));
    fs::create_directories(root_ / "data/files/org1/in");
    fs::create_directories(root_ / "data/files/org2");
    fs::create_directories(root_ / "lake/2024");
    std::ofstream(root_ / "data/master.key") << "key";
    std::ofstream(root_ / "data/files/org1/in/a.csv") << "a\n1\n";
    std::ofstream(root_ / "data/files/org2/b.csv") << "b\n2\n";
    std::ofstream(root_ / "lake/2024/x.csv") << "x\n3\n";
    fs::create_symlink("/etc/passwd", root_ / "data/files/org1/in/passwd.csv");
    fs::create_symlink(root_ / "data", root_ / "data/files/org1/up");
    auto box = PathSandbox::Create(root_ / "data/files/org1",
                                   {{"lake", root_ / "lake", false}, {"wide", root_, true}}, {root_ / "data"});
    ASSERT_TRUE(box.ok()) << box.status().ToString();
    box_ = std::make_unique<PathSandbox>(std::move(*box));
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Home(const std::string& rel) const { return (root_ / "data/files/org1" / rel).string(); }

  fs::path root_;
  std::unique_ptr<PathSandbox> box_;
};

struct Case {
  std::string path;
  FileAccess access;
  bool allowed;
};

TEST_F(PathSandboxTest, ResolvesOrRefuses) {
  std::vector<Case> cases = {
      {"in/a.csv", FileAccess::kRead, true},
      {"in/*.csv", FileAccess::kRead, true},
      {"out/new.csv", FileAccess::kWrite, true},
      {"lake:2024/x.csv", FileAccess::kRead, true},
      {"lake:/2024/x.csv", FileAccess::kRead, true},
      {"wide:lake/2024/x.csv", FileAccess::kWrite, true},  // lake is read-only, but "wide" grants it rw

      {"wide:data/master.key", FileAccess::kRead, false},  // the data folder inside a granted root
      {"wide:data/files/org2/b.csv", FileAccess::kRead, false},
      {"../org2/b.csv", FileAccess::kRead, false},
      {"../../master.key", FileAccess::kRead, false},
      {"in/../../../master.key", FileAccess::kWrite, false},
      {"/etc/passwd", FileAccess::kRead, false},
      {"in/passwd.csv", FileAccess::kRead, false},  // symlink out
      {"up/master.key", FileAccess::kRead, false},  // symlinked folder out
      {"file:///etc/passwd", FileAccess::kRead, false},
      {"in/*/../../../master.key", FileAccess::kRead, false},
      {"/etc/*", FileAccess::kRead, false},
      {".", FileAccess::kWrite, false},  // a root itself is never a write target
      {"", FileAccess::kRead, false},
      {"nosuchroot:x.csv", FileAccess::kRead, true},  // an ordinary file name with a colon
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    auto r = box_->Resolve(c.path, c.access);
    EXPECT_EQ(r.ok(), c.allowed) << (r.ok() ? *r : r.status().ToString());
  }
  EXPECT_EQ(*box_->Resolve("in/a.csv", FileAccess::kRead), Home("in/a.csv"));
  EXPECT_EQ(*box_->Resolve("in/*.csv", FileAccess::kRead), Home("in") + "/*.csv");
  EXPECT_EQ(*box_->Resolve("lake:2024/x.csv", FileAccess::kRead), (root_ / "lake/2024/x.csv").string());
  auto refused = box_->Resolve("../../master.key", FileAccess::kRead);
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("'../../master.key'"), std::string::npos) << refused.status().message();
}

TEST_F(PathSandboxTest, FileSystemChecksEveryPathItTouches) {
  SandboxedFileSystem sfs(*box_, LocalFileSystem());
  EXPECT_TRUE(sfs.OpenRead(Home("in/a.csv")).ok());
  EXPECT_FALSE(sfs.OpenRead(Home("in/passwd.csv")).ok());
  EXPECT_FALSE(sfs.OpenRead((root_ / "data/master.key").string()).ok());
  EXPECT_FALSE(sfs.OpenWrite((root_ / "data/files/org2/new.csv").string(), true).ok());
  EXPECT_FALSE(sfs.RemoveAll(Home("")).ok());
  EXPECT_TRUE(sfs.CreateDirs(Home("")).ok());        // an existing root: nothing to create
  EXPECT_TRUE(sfs.CreateDirs(Home("new/deep")).ok());
  EXPECT_FALSE(sfs.CreateDirs((root_ / "data/files/org2/x").string()).ok());
  EXPECT_FALSE(sfs.Rename(Home("in/a.csv"), (root_ / "data/master.key").string()).ok());
  // A folder listing leaves out what leads outside; the glob finds only the real file.
  auto files = sfs.Expand(Home("in") + "/*.csv");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(files->front().path, Home("in/a.csv"));
  EXPECT_TRUE(fs::exists(root_ / "data/master.key"));
}

TEST_F(PathSandboxTest, ReadOnlyRootsRefuseEveryWrite) {
  auto box = PathSandbox::Create(root_ / "data/files/org1", {{"lake", root_ / "lake", false}}, {root_ / "data"});
  ASSERT_TRUE(box.ok());
  EXPECT_TRUE(box->Resolve("lake:2024/x.csv", FileAccess::kRead).ok());
  auto write = box->Resolve("lake:2024/x.csv", FileAccess::kWrite);
  ASSERT_FALSE(write.ok());
  EXPECT_NE(write.status().message().find("read-only root 'lake'"), std::string::npos) << write.status().message();
  SandboxedFileSystem sfs(*box, LocalFileSystem());
  EXPECT_FALSE(sfs.OpenWrite((root_ / "lake/new.csv").string(), true).ok());
  EXPECT_FALSE(sfs.RemoveAll((root_ / "lake/2024").string()).ok());
  EXPECT_TRUE(fs::exists(root_ / "lake/2024/x.csv"));
}

TEST(SandboxRootTest, ParsesTheServerOption) {
  auto ro = ParseSandboxRoot("lake=/mnt/lake");
  ASSERT_TRUE(ro.ok());
  EXPECT_EQ(ro->name, "lake");
  EXPECT_EQ(ro->dir, "/mnt/lake");
  EXPECT_FALSE(ro->writable);
  auto rw = ParseSandboxRoot("out=/srv/out:rw");
  ASSERT_TRUE(rw.ok());
  EXPECT_TRUE(rw->writable);
  EXPECT_EQ(rw->dir, "/srv/out");
  EXPECT_FALSE(ParseSandboxRoot("lake").ok());
  EXPECT_FALSE(ParseSandboxRoot("la/ke=/x").ok());
  EXPECT_FALSE(ParseSandboxRoot("lake=relative/dir").ok());
}

}  // namespace
}  // namespace logidata
