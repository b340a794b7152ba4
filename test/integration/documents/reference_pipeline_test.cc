// The product's reference pipeline (issue 12, test/data/pipelines/customer_data_processing.json),
// exactly as written in the design documents, run with the real CLI against a real PostgreSQL
// `customers` table (scripts/servers/postgres.sh) and S3 (s3rver behind a SigV4 check,
// scripts/servers/s3.sh): once `prod-db` and the bucket's connection exist and `start_date` is
// given, customers created after it are deduplicated on (email, phone) and land as Parquet under
// s3://data-lake/pipeline-uuid/year=…/month=…/, year and month derived from created_at.
#include <cstdlib>
#include <fstream>

#include "integration/connectors/connector_test_support.h"

namespace logidata::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ReferencePipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = TempDir("refpipe");
    pg_dir_ = "/tmp/logidata-refpipe-pg-" + std::to_string(getpid());
    pg_port_ = FreePort();
    auto pg = Shell(SourceDir() + "/scripts/servers/postgres.sh start " + pg_dir_ + " " + std::to_string(pg_port_));
    ASSERT_TRUE(pg.ok()) << pg.status().ToString();
    auto s3 = Shell(SourceDir() + "/scripts/servers/s3.sh start " + dir_ + "/s3 " + std::to_string(FreePort()));
    ASSERT_TRUE(s3.ok()) << s3.status().ToString();
    s3_endpoint_ = *s3;
  }
  static void TearDownTestSuite() {
    (void)Shell(SourceDir() + "/scripts/servers/s3.sh stop " + dir_ + "/s3");
    (void)Shell(SourceDir() + "/scripts/servers/postgres.sh stop " + pg_dir_);
    (void)Shell("rm -rf " + pg_dir_);
  }

  static std::string Psql(const std::string& sql) {
    auto out = Shell("psql -X -q -t -A -h 127.0.0.1 -p " + std::to_string(pg_port_) + " -U postgres -d logidata -c \"" + sql +
                     "\" 2>&1");
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : "";
  }

  // The connections the reference document names: prod-db, and the bucket's own connection.
  static std::string WriteConnections() {
    nlohmann::json c = {{"connections",
                         {{"prod-db",
                           {{"type", "postgres"}, {"host", "127.0.0.1"}, {"port", pg_port_}, {"database", "logidata"},
                            {"user", "postgres"}}},
                          {"data-lake",
                           {{"type", "s3"}, {"user", "S3RVER"}, {"secret_env", "LD_TEST_S3_SECRET"},
                            {"options", {{"endpoint", s3_endpoint_}, {"region", "us-east-1"}}}}}}}};
    std::string path = dir_ + "/connections.json";
    std::ofstream(path) << c.dump(2);
    return path;
  }

  // Runs the CLI; returns its exit code, with stdout+stderr in `output`.
  static int Cli(const std::string& args, std::string* output) {
    std::string log = dir_ + "/cli.log";
    std::string cmd = "LD_TEST_S3_SECRET=S3RVER " + std::string(LOGIDATA_BINARY_DIR) + "/logidata " + args + " > " + log + " 2>&1";
    int rc = std::system(cmd.c_str());
    *output = Slurp(log);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  static inline std::string dir_, pg_dir_, s3_endpoint_;
  static inline int pg_port_ = 0;
};

TEST_F(ReferencePipelineTest, RunsAsWrittenFromPostgresToPartitionedParquetOnS3) {
  Psql("DROP TABLE IF EXISTS customers; CREATE TABLE customers (id int, name text, email text, phone text, "
       "created_at timestamp)");
  Psql("INSERT INTO customers VALUES "
       "(1, 'Ann', 'ann@example.com', '+1555', '2023-12-30 10:00:00'),"   // before start_date: filtered in SQL
       "(2, 'Bob', 'bob@example.com', '+1666', '2024-01-05 08:00:00'),"
       "(3, 'Bob again', 'bob@example.com', '+1666', '2024-01-20 09:00:00'),"  // duplicate of 2: dropped
       "(4, 'Bob mobile', 'bob@example.com', '+1777', '2024-02-01 00:00:00'),"  // other phone: kept
       "(5, 'Cy', 'cy@example.com', NULL, '2024-02-29 23:59:59'),"
       "(6, 'Dee', 'dee@example.com', '+1888', '2025-03-15 12:00:00')");
  std::string connections = WriteConnections();
  const std::string reference = SourceDir() + "/test/data/pipelines/customer_data_processing.json";
  std::string out;

  // Without start_date the run says what is missing, with the node.
  ASSERT_NE(Cli("run --connections " + connections + " " + reference, &out), 0) << out;
  EXPECT_NE(out.find("start_date"), std::string::npos) << out;

  ASSERT_EQ(Cli("run -q --connections " + connections + " -p start_date=2024-01-01 " + reference, &out), 0) << out;

  // Read the dataset back through the engine: hive partitions become columns again.
  nlohmann::json check = {
      {"name", "read back"},
      {"nodes",
       {{{"id", "lake"}, {"type", "extract"}, {"module", "s3"},
         {"config", {{"connection", "data-lake"}, {"path", "s3://data-lake/pipeline-uuid/**/*.parquet"}, {"format", "parquet"}}}},
        {{"id", "sorted"}, {"type", "transform"}, {"module", "sort"}, {"config", {{"keys", {{{"column", "id"}}}}}}},
        {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", dir_ + "/back.csv"}}}}}},
      {"edges", {{{"source", "lake"}, {"target", "sorted"}}, {{"source", "sorted"}, {"target", "out"}}}}};
  std::ofstream(dir_ + "/check.json") << check.dump(2);
  ASSERT_EQ(Cli("run -q --connections " + connections + " " + dir_ + "/check.json", &out), 0) << out;
  std::string back = Slurp(dir_ + "/back.csv");
  EXPECT_EQ(back,
            "id,name,email,phone,created_at,year,month\n"
            "2,Bob,bob@example.com,+1666,2024-01-05 08:00:00,2024,1\n"
            "4,Bob mobile,bob@example.com,+1777,2024-02-01 00:00:00,2024,2\n"
            "5,Cy,cy@example.com,,2024-02-29 23:59:59,2024,2\n"
            "6,Dee,dee@example.com,+1888,2025-03-15 12:00:00,2025,3\n")
      << back;
}

TEST_F(ReferencePipelineTest, ValidationNamesWhatIsMissing) {
  std::string out;
  const std::string reference = SourceDir() + "/test/data/pipelines/customer_data_processing.json";
  // Offline, the document as written is valid.
  ASSERT_EQ(Cli("validate --offline " + reference, &out), 0) << out;
  // Online without the connections: the missing connection is named at its JSON path.
  std::ofstream(dir_ + "/none.json") << R"({"connections": {}})";
  ASSERT_NE(Cli("validate --connections " + dir_ + "/none.json -p start_date=2024-01-01 " + reference, &out), 0);
  EXPECT_NE(out.find("/nodes/0/config"), std::string::npos) << out;
  EXPECT_NE(out.find("prod-db"), std::string::npos) << out;
}

}  // namespace
}  // namespace logidata::testing
