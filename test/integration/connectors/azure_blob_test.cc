// AzureBlobFileSystem, extract.azure_blob and load.azure_blob (CSV, JSON, Parquet) against a real
// azurite (scripts/servers/azurite.sh), which checks Shared Key signatures and SAS tokens.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "connectors/azure/azure_blob_file_system.h"
#include "connectors/azure/azure_shared_key.h"
#include "connectors/connection_tester.h"
#include "integration/connectors/connector_test_support.h"
#include "integration/connectors/object_dataset_scenario.h"

namespace logidata::testing {
namespace {

// azurite's well-known development account (public, documented by Microsoft).
constexpr const char* kAccount = "devstoreaccount1";
constexpr const char* kKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
// A valid base64 key of the same length that is not the account's.
constexpr const char* kWrongKey = "AAAAvdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
constexpr const char* kContainer = "lake";

// An account SAS (service b, resource types sco, read/write/delete/list/add/create) signed with
// the account key as Azure specifies for version 2021-08-06.
std::string AccountSas(const std::string& key_base64) {
  const std::string sv = "2021-08-06", sp = "rwdlac", ss = "b", srt = "sco", se = "2099-01-01T00:00:00Z";
  const std::string to_sign = std::string(kAccount) + "\n" + sp + "\n" + ss + "\n" + srt + "\n\n" + se + "\n\n\n" + sv + "\n\n";
  std::string key = *azure::Base64Decode(key_base64);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(to_sign.data()),
       to_sign.size(), mac, &len);
  std::string sig = azure::Base64Encode(std::string_view(reinterpret_cast<const char*>(mac), len));
  return "sv=" + sv + "&ss=" + ss + "&srt=" + srt + "&sp=" + sp + "&se=" + UrlEncode(se) + "&sig=" + UrlEncode(sig);
}

class AzureBlobTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = TempDir("azurite");
    port_ = FreePort();
    auto endpoint = Shell(SourceDir() + "/scripts/servers/azurite.sh start " + dir_ + " " + std::to_string(port_));
    ASSERT_TRUE(endpoint.ok()) << "azurite did not start: " << endpoint.status().ToString();
    endpoint_ = *endpoint;
    connections_.Add(Connection("az", kKey));
    ConnectionConfig sas = Connection("az_sas", "?" + AccountSas(kKey));
    sas.options["auth"] = "sas";
    connections_.Add(sas);
    ASSERT_TRUE(Fs().client().CreateContainer(kContainer).ok());
  }
  static void TearDownTestSuite() { (void)Shell(SourceDir() + "/scripts/servers/azurite.sh stop " + dir_); }

  static ConnectionConfig Connection(const std::string& name, const std::string& secret) {
    ConnectionConfig c;
    c.name = name;
    c.type = "azure_blob";
    c.user = kAccount;
    c.secret = secret;
    c.options = {{"endpoint", endpoint_}, {"container", kContainer}};
    return c;
  }
  static AzureBlobFileSystem Fs(const std::string& connection = "az", size_t block_bytes = AzureBlobFileSystem::kDefaultBlockBytes) {
    auto o = AzureBlobOptions::FromConnection(*connections_.Resolve(connection));
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    o->max_retries = 1;
    return AzureBlobFileSystem(*o, block_bytes);
  }
  static std::string ReadText(FileSystem& fs, const std::string& path) {
    auto f = fs.OpenRead(path);
    if (!f.ok()) return "<" + f.status().ToString() + ">";
    auto b = (*f)->ReadAll();
    if (!b.ok()) return "<" + b.status().ToString() + ">";
    return std::string(reinterpret_cast<const char*>((*b)->data()), (*b)->size());
  }
  static void WriteText(FileSystem& fs, const std::string& path, const std::string& text) {
    auto w = fs.OpenWrite(path);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Append(text).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }

  static inline std::string dir_, endpoint_;
  static inline int port_ = 0;
  static inline MemoryConnections connections_;
};

TEST_F(AzureBlobTest, FileSystemStagesBlocksAndCommitsOnlyAtClose) {
  AzureBlobFileSystem fs = Fs("az", /*block_bytes=*/64 * 1024);
  const std::string path = "az://lake/fs/big file.txt";
  WriteText(fs, path, "the previous content");
  std::string big;
  for (int i = 0; big.size() < 300 * 1024; ++i) big += "line " + std::to_string(i) + " of a blob in several blocks\n";
  auto w = fs.OpenWrite(path);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (size_t off = 0; off < big.size(); off += 10'000) ASSERT_TRUE((*w)->Append(big.substr(off, 10'000)).ok());
  // Four blocks are full: at least two have been staged (two may still be in flight), but until
  // Put Block List readers see the previous content.
  auto staged = fs.client().BlockList(kContainer, "fs/big file.txt", "uncommitted");
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  EXPECT_GE(staged->size(), 2u);
  EXPECT_LE(staged->size(), 4u);
  EXPECT_EQ(ReadText(fs, path), "the previous content");
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadText(fs, path), big);
  EXPECT_EQ(fs.client().BlockList(kContainer, "fs/big file.txt", "committed")->size(), 5u);
  auto f = fs.OpenRead(path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*(*f)->Size(), static_cast<int64_t>(big.size()));
  auto range = (*f)->ReadAt(64 * 1024 - 5, 10);
  ASSERT_TRUE(range.ok()) << range.status().ToString();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>((*range)->data()), (*range)->size()), big.substr(64 * 1024 - 5, 10));

  // An aborted write of several blocks leaves the blob as it was, and a new name invisible.
  for (const std::string& target : {path, std::string("az://lake/fs/never.txt")}) {
    auto aborted = fs.OpenWrite(target);
    ASSERT_TRUE((*aborted)->Append("replacement " + big).ok());
    (*aborted)->Abort();
  }
  EXPECT_EQ(ReadText(fs, path), big);
  EXPECT_TRUE(fs.Stat("az://lake/fs/never.txt").status().IsNotFound());

  for (std::string name : {"a.csv", "b.csv", "sub/c.csv", "sub/d.json"}) WriteText(fs, "az://lake/fs/" + name, name);
  auto csvs = fs.Expand("az://lake/fs/**/*.csv");
  ASSERT_TRUE(csvs.ok()) << csvs.status().ToString();
  std::vector<std::string> paths;
  for (const auto& i : *csvs) paths.push_back(i.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"az://lake/fs/a.csv", "az://lake/fs/b.csv", "az://lake/fs/sub/c.csv"}));
  EXPECT_TRUE(fs.Stat("az://lake/fs/sub").value().is_directory);
  ASSERT_TRUE(fs.Rename("az://lake/fs/sub", "az://lake/moved").ok());
  EXPECT_EQ(ReadText(fs, "az://lake/moved/c.csv"), "sub/c.csv");
  EXPECT_TRUE(fs.Stat("az://lake/fs/sub").status().IsNotFound());
  ASSERT_TRUE(fs.RemoveAll("az://lake/fs").ok());
  ASSERT_TRUE(fs.RemoveAll("az://lake/moved").ok());
  EXPECT_TRUE(fs.Stat("az://lake/fs").status().IsNotFound());
}

TEST_F(AzureBlobTest, ListingPagesThroughMarkers) {
  AzureBlobFileSystem fs = Fs();
  for (int i = 0; i < 12; ++i) WriteText(fs, "az://lake/paged/" + std::to_string(100 + i) + ".csv", "x");
  auto page = fs.client().List(kContainer, "paged/", /*max_results=*/5);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->size(), 5u);
  auto all = fs.client().List(kContainer, "paged/", 0, /*page_size=*/5);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 12u);
  ASSERT_TRUE(fs.RemoveAll("az://lake/paged").ok());
}

TEST_F(AzureBlobTest, RoundTripsEveryTypeThroughCsvJsonAndParquet) {
  const std::string spec =
      "b:bool, i:int32, l:int64, f:float64, d:decimal(12,3), s:string, day:date, ts:timestamp";
  auto batch = MakeBatch(spec, {{"true", "-7", "9000000000", "1.5", "-1234.567", "tab\there, \"q\" é ✓", "2024-02-29",
                                 "2024-05-01 12:30:00"},
                                {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                                {"false", "2147483647", "-9223372036854775808", "-0.25", "0.001", "new\nline",
                                 "1970-01-01", "1970-01-01 00:00:00"}});
  const nlohmann::json types = {{"b", "bool"}, {"i", "int32"}, {"l", "int64"}, {"f", "float64"}, {"d", "decimal(12,3)"},
                                {"s", "string"}, {"day", "date"}, {"ts", "timestamp"}};
  for (std::string format : {"csv", "json", "parquet"}) {
    SCOPED_TRACE(format);
    const std::string path = "az://lake/types/data." + format;
    Status s = RunLoad("load.azure_blob", {{"connection", "az"}, {"path", path}, {"format", format}}, &connections_, {batch});
    ASSERT_TRUE(s.ok()) << s.ToString();
    nlohmann::json options = nlohmann::json::object();
    if (format != "parquet") options["columns"] = types;  // text formats: the types are not in the file
    auto out = RunExtract("extract.azure_blob", {{"connection", "az"}, {"path", path}, {"format", format}, {"options", options}},
                          &connections_);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_FALSE(out->empty());
    EXPECT_EQ((*out)[0]->schema()->ToString(), batch->schema()->ToString());
    EXPECT_EQ(SortedRows(*out), SortedRows({batch}));
  }
  AzureBlobFileSystem fs = Fs();
  ASSERT_TRUE(fs.RemoveAll("az://lake/types").ok());
}

TEST_F(AzureBlobTest, ExtractsByPrefixAndByGlobOverSeveralBlobs) {
  AzureBlobFileSystem fs = Fs();
  WriteText(fs, "az://lake/multi/2024/jan.csv", "id,v\n1,a\n2,b\n");
  WriteText(fs, "az://lake/multi/2024/feb.csv", "id,v\n3,c\n");
  WriteText(fs, "az://lake/multi/2025/mar.csv", "id,v\n4,d\n");
  WriteText(fs, "az://lake/multi/2025/notes.txt", "not,a\ncsv,row\n");
  WriteText(fs, "az://lake/multi/2025/apr.json", "{\"id\": 5, \"v\": \"e\"}\n{\"id\": 6, \"v\": \"f\"}\n");
  auto by_glob = RunExtract("extract.azure_blob", {{"connection", "az"}, {"path", "az://lake/multi/**/*.csv"}}, &connections_);
  ASSERT_TRUE(by_glob.ok()) << by_glob.status().ToString();
  EXPECT_EQ(SortedRows(*by_glob), SortedRows({MakeBatch("id:int64, v:string", {{"1", "a"}, {"2", "b"}, {"3", "c"}, {"4", "d"}})}));
  auto by_prefix = RunExtract("extract.azure_blob", {{"connection", "az"}, {"path", "az://lake/multi/2024"}}, &connections_);
  ASSERT_TRUE(by_prefix.ok()) << by_prefix.status().ToString();
  EXPECT_EQ(SortedRows(*by_prefix), SortedRows({MakeBatch("id:int64, v:string", {{"1", "a"}, {"2", "b"}, {"3", "c"}})}));
  auto json = RunExtract("extract.azure_blob", {{"connection", "az"}, {"path", "az://lake/multi/*/*.json"}, {"format", "json"}},
                         &connections_);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(SortedRows(*json), SortedRows({MakeBatch("id:int64, v:string", {{"5", "e"}, {"6", "f"}})}));
  auto none = RunExtract("extract.azure_blob", {{"connection", "az"}, {"path", "az://lake/multi/**/*.parquet"}}, &connections_);
  EXPECT_TRUE(none.status().IsNotFound()) << none.status().ToString();
  ASSERT_TRUE(fs.RemoveAll("az://lake/multi").ok());
}

TEST_F(AzureBlobTest, MultiBlockLoadCommitsInOrderAndReadsBackInParallel) {
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 20000; ++i) rows.push_back({std::to_string(i), "row number " + std::to_string(i)});
  auto batch = MakeBatch("id:int64, v:string", rows);
  const std::string path = "az://lake/blocks/rows.csv";
  nlohmann::json cfg = {{"connection", "az"}, {"path", path}, {"block_size_kb", 16}};
  Status s = RunLoad("load.azure_blob", cfg, &connections_, {batch});
  ASSERT_TRUE(s.ok()) << s.ToString();
  AzureBlobFileSystem fs = Fs();
  auto blocks = fs.client().BlockList(kContainer, "blocks/rows.csv", "committed");
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  EXPECT_GT(blocks->size(), 10u);
  std::string expected = "id,v\n";
  for (int i = 0; i < 20000; ++i) expected += std::to_string(i) + ",row number " + std::to_string(i) + "\n";
  EXPECT_EQ(ReadText(fs, path), expected);
  // Read back in parallel: 16 KiB chunks fetched with ranged reads on four threads, rows cut at
  // chunk edges stitched back together.
  auto extract = BindConnector("extract.azure_blob", {{"connection", "az"}, {"path", path}, {"options", {{"chunk_bytes", 16384}}}},
                               &connections_);
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_GT((*extract)->MaxProduceParallelism(), 1);
  HarnessOptions threads;
  threads.connections = &connections_;
  threads.threads = 4;
  auto out = RunOperator(**extract, {}, threads);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_GT((*out)[0].size(), 10u) << "one chunk per batch expected";
  EXPECT_EQ(SortedRows((*out)[0]), SortedRows({batch}));
  ASSERT_TRUE(fs.RemoveAll("az://lake/blocks").ok());
}

// A partitioned dataset is published by its manifest; a second run replaces the first (its
// blobs are deleted), and an aborted one leaves nothing.
TEST_F(AzureBlobTest, PartitionedParquetLoadReplacesTheDatasetWhole) {
  AzureBlobFileSystem fs = Fs();
  nlohmann::json cfg = {{"connection", "az"}, {"path", "az://lake/parts"}, {"format", "parquet"},
                        {"options", {{"partition_by", {"k"}}}}};
  auto first = MakeBatch("k:string, v:int64", {{"a", "1"}, {"b", "2"}, {"a", "3"}});
  ASSERT_TRUE(RunLoad("load.azure_blob", cfg, &connections_, {first}).ok());
  auto second = MakeBatch("k:string, v:int64", {{"b", "20"}, {"c", "30"}});
  ASSERT_TRUE(RunLoad("load.azure_blob", cfg, &connections_, {second}, /*commit=*/false).ok());
  auto listed = fs.ListRecursive("az://lake/");
  ASSERT_TRUE(listed.ok());
  std::vector<std::string> names;
  for (const auto& f : *listed) names.push_back(f.path);
  for (const auto& n : names) EXPECT_EQ(n.find(".tmp-"), std::string::npos) << "an aborted load left " << n;
  Status s = RunLoad("load.azure_blob", cfg, &connections_, {second});
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto out = RunExtract("extract.azure_blob", {{"connection", "az"}, {"path", "az://lake/parts/**/*.parquet"}, {"format", "parquet"}},
                        &connections_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  // The partition column comes back from the hive-style names.
  EXPECT_EQ(SortedRows(*out), SortedRows({MakeBatch("v:int64, k:string", {{"20", "b"}, {"30", "c"}})}));
  EXPECT_TRUE(fs.Stat("az://lake/parts/k=c").value().is_directory);
  EXPECT_TRUE(fs.Stat("az://lake/parts/k=a").status().IsNotFound());
  ASSERT_TRUE(fs.RemoveAll("az://lake/parts").ok());
}

TEST_F(AzureBlobTest, PartitionedLoadPublishesAManifestThatReadersFollow) {
  AzureBlobFileSystem fs = Fs();
  RunManifestPublishingScenario(fs, &connections_, "azure_blob", "az", "az://lake/dataset");
}

TEST_F(AzureBlobTest, FailedAbortedOrKilledLoadLeavesTargetUnchanged) {
  AzureBlobFileSystem fs = Fs();
  const std::string path = "az://lake/atomic/current.csv";
  auto v1 = MakeBatch("id:int64, v:string", {{"1", "old"}});
  ASSERT_TRUE(RunLoad("load.azure_blob", {{"connection", "az"}, {"path", path}}, &connections_, {v1}).ok());
  const std::string before = ReadText(fs, path);
  ASSERT_EQ(before, "id,v\n1,old\n");
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 20000; ++i) rows.push_back({std::to_string(i), "new"});
  auto v2 = MakeBatch("id:int64, v:string", rows);
  // Aborted (the run failed elsewhere): blocks were staged, none committed.
  nlohmann::json cfg = {{"connection", "az"}, {"path", path}, {"block_size_kb", 16}};
  ASSERT_TRUE(RunLoad("load.azure_blob", cfg, &connections_, {v2}, /*commit=*/false).ok());
  EXPECT_EQ(ReadText(fs, path), before);
  nlohmann::json fresh = {{"connection", "az"}, {"path", "az://lake/atomic/fresh.csv"}, {"block_size_kb", 16}};
  ASSERT_TRUE(RunLoad("load.azure_blob", fresh, &connections_, {v2}, /*commit=*/false).ok());
  EXPECT_TRUE(fs.Stat("az://lake/atomic/fresh.csv").status().IsNotFound());

  // Killed with SIGKILL while blocks were being staged.
  ASSERT_TRUE(KillLoaderMidStream("load.azure_blob", cfg, &connections_, /*batches_before_kill=*/40));
  EXPECT_EQ(ReadText(fs, path), before);
  ASSERT_TRUE(KillLoaderMidStream("load.azure_blob", fresh, &connections_, 40));
  EXPECT_TRUE(fs.Stat("az://lake/atomic/fresh.csv").status().IsNotFound());
  auto staged = fs.client().BlockList(kContainer, "atomic/fresh.csv", "uncommitted");
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  EXPECT_FALSE(staged->empty()) << "the killed loader had staged no block";

  // The connection is lost while blocks are being staged (the proxy cuts every connection and
  // stops accepting): the load fails and nothing changes.
  auto proxy = std::make_unique<TcpProxy>(port_);
  ConnectionConfig via = Connection("az_via_proxy", kKey);
  via.options["endpoint"] = "http://127.0.0.1:" + std::to_string(proxy->port()) + "/" + kAccount;
  auto o = AzureBlobOptions::FromConnection(via);
  ASSERT_TRUE(o.ok());
  o->max_retries = 0;
  AzureBlobFileSystem cut_fs(*o, 16 * 1024);
  auto w = cut_fs.OpenWrite(path);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(std::string(40 * 1024, 'x')).ok());  // two blocks staged through the proxy
  proxy.reset();
  // Blocks upload in the background: the failure surfaces at a later Append or at Close.
  Status failed = (*w)->Append(std::string(40 * 1024, 'y'));
  if (failed.ok()) failed = (*w)->Close();
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_NE(failed.message().find("az_via_proxy"), std::string::npos) << failed.ToString();
  (*w)->Abort();
  EXPECT_EQ(ReadText(fs, path), before);
  ASSERT_TRUE(fs.RemoveAll("az://lake/atomic").ok());
}

TEST_F(AzureBlobTest, WrongKeyIsUnauthenticatedNamingTheConnectionWithoutTheSecret) {
  connections_.Add(Connection("az_wrong", kWrongKey));
  auto out = RunExtract("extract.azure_blob", {{"connection", "az_wrong"}, {"path", "az://lake/anything.csv"}}, &connections_);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnauthenticated) << out.status().ToString();
  EXPECT_NE(out.status().message().find("az_wrong"), std::string::npos) << out.status().ToString();
  EXPECT_EQ(out.status().message().find(kWrongKey), std::string::npos);
  EXPECT_EQ(out.status().message().find("Eby8"), std::string::npos);
  Status load = RunLoad("load.azure_blob", {{"connection", "az_wrong"}, {"path", "az://lake/denied.csv"}}, &connections_,
                        {MakeBatch("id:int64", {{"1"}})});
  EXPECT_EQ(load.code(), StatusCode::kUnauthenticated) << load.ToString();
  EXPECT_TRUE(Fs().Stat("az://lake/denied.csv").status().IsNotFound());

  ConnectionConfig good = *connections_.Resolve("az");
  EXPECT_TRUE(TestConnection(good).ok()) << TestConnection(good).ToString();
  Status bad = TestConnection(*connections_.Resolve("az_wrong"));
  EXPECT_EQ(bad.code(), StatusCode::kUnauthenticated) << bad.ToString();

  // A key that is not base64 is a config error that does not echo it.
  connections_.Add(Connection("az_garbled", "not base64 at all!"));
  auto garbled = BindConnector("extract.azure_blob", {{"connection", "az_garbled"}, {"path", "az://lake/x.csv"}}, &connections_);
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(garbled.status().message().find("not base64 at all"), std::string::npos) << garbled.status().ToString();
}

TEST_F(AzureBlobTest, SasTokenAuthorizesAndATamperedOneIsUnauthenticated) {
  auto batch = MakeBatch("id:int64, v:string", {{"1", "via sas"}, {"2", "NULL"}});
  for (std::string format : {"csv", "json", "parquet"}) {
    SCOPED_TRACE(format);
    nlohmann::json cfg = {{"connection", "az_sas"}, {"path", "az://lake/sas/data." + format}, {"format", format},
                          {"block_size_kb", 1}};
    Status s = RunLoad("load.azure_blob", cfg, &connections_, {batch});
    ASSERT_TRUE(s.ok()) << s.ToString();
    cfg.erase("block_size_kb");
    auto out = RunExtract("extract.azure_blob", cfg, &connections_);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(SortedRows(*out), SortedRows({batch}));
  }
  AzureBlobFileSystem sas_fs = Fs("az_sas");
  ASSERT_TRUE(sas_fs.Rename("az://lake/sas/data.csv", "az://lake/sas/renamed.csv").ok());
  EXPECT_TRUE(sas_fs.Stat("az://lake/sas/renamed.csv").ok());
  EXPECT_TRUE(TestConnection(*connections_.Resolve("az_sas")).ok());

  const std::string wrong = AccountSas(kWrongKey);
  ConnectionConfig tampered = Connection("az_sas_wrong", wrong);
  tampered.options["auth"] = "sas";
  connections_.Add(tampered);
  auto out = RunExtract("extract.azure_blob", {{"connection", "az_sas_wrong"}, {"path", "az://lake/sas/data.json"}, {"format", "json"}},
                        &connections_);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnauthenticated) << out.status().ToString();
  EXPECT_NE(out.status().message().find("az_sas_wrong"), std::string::npos);
  const std::string sig = wrong.substr(wrong.find("sig=") + 4);
  EXPECT_EQ(out.status().message().find(sig), std::string::npos) << out.status().ToString();
  EXPECT_EQ(out.status().message().find("sig="), std::string::npos) << out.status().ToString();
  ASSERT_TRUE(Fs().RemoveAll("az://lake/sas").ok());
}

TEST_F(AzureBlobTest, ServerDownIsAClearUnavailableError) {
  ConnectionConfig down = Connection("az_down", kKey);
  down.options["endpoint"] = "http://127.0.0.1:" + std::to_string(FreePort()) + "/" + kAccount;
  auto o = AzureBlobOptions::FromConnection(down);
  ASSERT_TRUE(o.ok());
  o->max_retries = 0;
  AzureBlobFileSystem fs(*o);
  auto listed = fs.ListRecursive("az://lake/");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().code(), StatusCode::kUnavailable) << listed.status().ToString();
  EXPECT_NE(listed.status().message().find("az_down"), std::string::npos) << listed.status().ToString();
  Status tested = TestConnection(down);
  EXPECT_EQ(tested.code(), StatusCode::kUnavailable) << tested.ToString();
}

}  // namespace
}  // namespace logidata::testing
