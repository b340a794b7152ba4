// Golden test across the editor and the engine: the file the web editor exports
// (test/data/pipelines/editor_export.json, kept equal to the export by
// web/src/model/editor_export_golden.test.ts) runs with `logidata run` as it is: format_version,
// the release string, disabled nodes and document notifications included.
#include <cstdlib>
#include <fstream>

#include "integration/connectors/connector_test_support.h"

namespace logidata::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(EditorExportTest, ExportedFileRunsWithTheCli) {
  std::string dir = TempDir("editor-export");
  std::string log = dir + "/cli.log";
  std::string cmd = std::string(LOGIDATA_BINARY_DIR) + "/logidata run --json -p out_dir=" + dir + " " + SourceDir() +
                    "/test/data/pipelines/editor_export.json > " + log + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::string out = ReadAll(log);
  ASSERT_EQ(rc, 0) << out;
  // The cleaner's remove_duplicates on (email, phone) kept the first ann.
  EXPECT_EQ(ReadAll(dir + "/customers.csv"),
            "id,email,phone,created_at\n"
            "1,ann@example.com,+1-555-0100,2024-01-05 10:00:00\n"
            "2,bob@example.com,+1-555-0166,2024-01-06 11:00:00\n"
            "4,cy@example.com,+1-555-0177,2024-02-03 08:00:00\n");
  // The disabled loader wrote nothing and is reported as skipped.
  EXPECT_FALSE(std::ifstream(dir + "/audit.csv").good());
  auto summary = nlohmann::json::parse(out.substr(out.find('{')), nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << out;
  EXPECT_NE(summary.dump().find("skipped"), std::string::npos) << out;
}

}  // namespace
}  // namespace logidata::testing
