// S3FileSystem, extract.s3 and load.s3 (CSV, Parquet, XML) against s3rver behind a SigV4-verifying proxy
// (scripts/servers/s3.sh), so wrong signatures are really rejected.
#include "connectors/connection_tester.h"
#include "connectors/s3/s3_file_system.h"
#include "integration/connectors/connector_test_support.h"
#include "integration/connectors/object_dataset_scenario.h"

namespace logidata::testing {
namespace {

class S3Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = TempDir("s3");
    auto endpoint = Shell(SourceDir() + "/scripts/servers/s3.sh start " + dir_ + " " + std::to_string(FreePort()));
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
    endpoint_ = *endpoint;
    ConnectionConfig c;
    c.name = "s3";
    c.type = "s3";
    c.user = "S3RVER";
    c.secret = "S3RVER";
    c.options = {{"endpoint", endpoint_}, {"region", "us-east-1"}, {"bucket", "test-bucket"}};
    connections_.Add(c);
  }
  static void TearDownTestSuite() { (void)Shell(SourceDir() + "/scripts/servers/s3.sh stop " + dir_); }

  static S3FileSystem Fs(const std::string& secret = "S3RVER") {
    ConnectionConfig c = *connections_.Resolve("s3");
    c.secret = secret;
    auto o = S3Options::FromConnection(c);
    o->max_retries = 1;
    return S3FileSystem(*o);
  }
  static std::string ReadText(FileSystem& fs, const std::string& path) {
    auto f = fs.OpenRead(path);
    if (!f.ok()) return "<" + f.status().ToString() + ">";
    auto b = (*f)->ReadAll();
    if (!b.ok()) return "<" + b.status().ToString() + ">";
    return std::string(reinterpret_cast<const char*>((*b)->data()), (*b)->size());
  }

  static inline std::string dir_, endpoint_;
  static inline MemoryConnections connections_;
};

TEST_F(S3Test, FileSystemWritesMultipartReadsRangesAndLists) {
  S3FileSystem fs = Fs();
  std::string big;
  for (int i = 0; big.size() < S3FileSystem::kPartBytes + 1'000'000; ++i) big += "line " + std::to_string(i) + " of a large object\n";
  auto w = fs.OpenWrite("s3://test-bucket/dir/big file.txt");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (size_t off = 0; off < big.size(); off += 100'000) ASSERT_TRUE((*w)->Append(big.substr(off, 100'000)).ok());
  // Not visible before Close (the multipart upload is still open).
  EXPECT_TRUE(fs.Stat("s3://test-bucket/dir/big file.txt").status().IsNotFound());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadText(fs, "s3://test-bucket/dir/big file.txt"), big);
  auto f = fs.OpenRead("s3://test-bucket/dir/big file.txt");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*(*f)->Size(), static_cast<int64_t>(big.size()));
  auto range = (*f)->ReadAt(S3FileSystem::kPartBytes - 5, 10);
  ASSERT_TRUE(range.ok()) << range.status().ToString();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>((*range)->data()), (*range)->size()), big.substr(S3FileSystem::kPartBytes - 5, 10));

  for (std::string name : {"a.csv", "b.csv", "sub/c.csv", "sub/d.json"}) {
    auto small = fs.OpenWrite("s3://test-bucket/dir/" + name);
    ASSERT_TRUE((*small)->Append(name).ok());
    ASSERT_TRUE((*small)->Close().ok());
  }
  auto csvs = fs.Expand("s3://test-bucket/dir/**/*.csv");
  ASSERT_TRUE(csvs.ok()) << csvs.status().ToString();
  std::vector<std::string> paths;
  for (const auto& i : *csvs) paths.push_back(i.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"s3://test-bucket/dir/a.csv", "s3://test-bucket/dir/b.csv", "s3://test-bucket/dir/sub/c.csv"}));
  EXPECT_TRUE(fs.Stat("s3://test-bucket/dir/sub").value().is_directory);
  ASSERT_TRUE(fs.Rename("s3://test-bucket/dir/sub", "s3://test-bucket/moved").ok());
  EXPECT_EQ(ReadText(fs, "s3://test-bucket/moved/c.csv"), "sub/c.csv");
  EXPECT_TRUE(fs.Stat("s3://test-bucket/dir/sub").status().IsNotFound());
  ASSERT_TRUE(fs.RemoveAll("s3://test-bucket/dir").ok());
  EXPECT_TRUE(fs.Stat("s3://test-bucket/dir").status().IsNotFound());

  // An aborted write leaves nothing behind.
  auto aborted = fs.OpenWrite("s3://test-bucket/aborted.bin");
  ASSERT_TRUE((*aborted)->Append(big).ok());
  (*aborted)->Abort();
  EXPECT_TRUE(fs.Stat("s3://test-bucket/aborted.bin").status().IsNotFound());
}

TEST_F(S3Test, WrongSignatureIsRejected) {
  S3FileSystem bad = Fs("not-the-secret");
  auto listed = bad.ListRecursive("s3://test-bucket/");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().code(), StatusCode::kPermissionDenied) << listed.status().ToString();
  EXPECT_NE(listed.status().message().find("SignatureDoesNotMatch"), std::string::npos);
  ConnectionConfig c = *connections_.Resolve("s3");
  EXPECT_TRUE(TestConnection(c).ok()) << TestConnection(c).ToString();
  c.secret = "nope";
  EXPECT_FALSE(TestConnection(c).ok());
}

// Virtual-host addressing for real: the bucket travels in the Host name
// ("test-bucket.s3.amazonaws.com:PORT", mapped onto the local verifier with curl's CONNECT_TO, so
// nothing leaves the machine). The verifier checks the signature over that Host and s3rver takes
// the bucket from it. The bare service name is mapped to a closed port, so a request that fell
// back to path-style could not succeed.
TEST_F(S3Test, VirtualHostAddressingIsSignedAndServed) {
  const std::string port = endpoint_.substr(endpoint_.rfind(':') + 1);
  const std::string closed = std::to_string(FreePort());
  auto with = [&](const std::string& addressing, const std::string& secret) {
    ConnectionConfig c = *connections_.Resolve("s3");
    c.secret = secret;
    c.options["endpoint"] = "http://s3.amazonaws.com:" + port;
    c.options["addressing"] = addressing;
    c.options["connect_to"] = {"test-bucket.s3.amazonaws.com:" + port + ":127.0.0.1:" + port,
                               "s3.amazonaws.com:" + port + ":127.0.0.1:" + closed};
    auto o = S3Options::FromConnection(c);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    o->max_retries = 0;
    return S3FileSystem(*o);
  };
  S3FileSystem vhost = with("virtual", "S3RVER");
  auto w = vhost.OpenWrite("s3://test-bucket/vhost/a b.txt");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("through the virtual host").ok());
  ASSERT_TRUE((*w)->Close().ok());
  // The same object as seen path-style on the real endpoint, and listed through the virtual host.
  S3FileSystem path_fs = Fs();
  EXPECT_EQ(ReadText(path_fs, "s3://test-bucket/vhost/a b.txt"), "through the virtual host");
  EXPECT_EQ(ReadText(vhost, "s3://test-bucket/vhost/a b.txt"), "through the virtual host");
  auto listed = vhost.ListRecursive("s3://test-bucket/vhost");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  // A wrong secret is rejected over the virtual host too.
  auto bad = with("virtual", "not-the-secret").ListRecursive("s3://test-bucket/vhost");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kPermissionDenied) << bad.status().ToString();
  // Path-style on the same connection goes to the bare service name: the closed port.
  auto path_style = with("path", "S3RVER").ListRecursive("s3://test-bucket/vhost");
  EXPECT_FALSE(path_style.ok());
  ASSERT_TRUE(path_fs.RemoveAll("s3://test-bucket/vhost").ok());
}

TEST_F(S3Test, LoadAndExtractCsvAndParquetWithAtomicFinish) {
  auto batch = MakeBatch("id:int64, name:string, amount:float64", {{"1", "a", "1.5"}, {"2", "b,c", "NULL"}, {"3", "d", "-2"}});
  for (std::string format : {"csv", "parquet"}) {
    SCOPED_TRACE(format);
    std::string path = "s3://test-bucket/out/data." + format;
    nlohmann::json cfg = {{"connection", "s3"}, {"path", path}, {"format", format}};
    Status aborted = RunLoad("load.s3", cfg, &connections_, {batch}, /*commit=*/false);
    if (aborted.code() == StatusCode::kNotFound && aborted.message().find("module") != std::string::npos) GTEST_SKIP();
    ASSERT_TRUE(aborted.ok()) << aborted.ToString();
    S3FileSystem fs = Fs();
    auto listed = fs.ListRecursive("s3://test-bucket/out");
    ASSERT_TRUE(listed.ok());
    EXPECT_TRUE(listed->empty()) << "an aborted load left objects behind";
    Status s = RunLoad("load.s3", cfg, &connections_, {batch});
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto out = RunExtract("extract.s3", cfg, &connections_);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(SortedRows(*out), SortedRows({batch}));
    ASSERT_TRUE(fs.RemoveAll("s3://test-bucket/out").ok());
  }
}

TEST_F(S3Test, PartitionedLoadPublishesAManifestThatReadersFollow) {
  S3FileSystem fs = Fs();
  RunManifestPublishingScenario(fs, &connections_, "s3", "s3", "s3://test-bucket/dataset");
}

TEST_F(S3Test, LoadXmlPublishesOnlyWhenTheRunSucceeds) {
  const std::string path = "s3://test-bucket/xml/orders.xml";
  nlohmann::json cfg = {{"connection", "s3"}, {"path", path}, {"format", "xml"},
                        {"options", {{"root_element", "orders"}, {"row_element", "order"}}}};
  auto batch = MakeBatch("id:int64, customer.city:string", {{"1", "Köln & Co"}, {"2", "NULL"}});
  S3FileSystem fs = Fs();
  ASSERT_TRUE(RunLoad("load.s3", cfg, &connections_, {batch}, /*commit=*/false).ok());
  EXPECT_TRUE(fs.Stat(path).status().IsNotFound()) << "an aborted load left an object behind";
  // A row XML cannot hold fails the run: nothing is published either.
  Status bad = RunLoad("load.s3", cfg, &connections_, {MakeBatch("id:int64, customer.city:string", {{"3", "bell\x07"}})});
  EXPECT_EQ(bad.code(), StatusCode::kDataError) << bad.ToString();
  EXPECT_TRUE(fs.Stat(path).status().IsNotFound());
  Status s = RunLoad("load.s3", cfg, &connections_, {batch});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ReadText(fs, path),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<orders>\n"
            "<order><id>1</id><customer><city>Köln &amp; Co</city></customer></order>\n<order><id>2</id></order>\n</orders>\n");
  ASSERT_TRUE(fs.RemoveAll("s3://test-bucket/xml").ok());
  // Extract stays CSV and Parquet.
  auto extract = BindConnector("extract.s3", cfg, &connections_);
  EXPECT_FALSE(extract.ok());
}

}  // namespace
}  // namespace logidata::testing
