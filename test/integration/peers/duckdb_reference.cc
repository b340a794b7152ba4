#include "duckdb_reference.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace logidata::testing {

namespace fs = std::filesystem;

std::string RunShell(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) {
    *status = -1;
    return out;
  }
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  *status = pclose(p);
  return out;
}

bool RunDuckDbReference(const std::string& plan_path, std::string* log) {
  const fs::path root = LOGIDATA_SOURCE_DIR;
  std::string home = std::getenv("PEERS_HOME") ? std::getenv("PEERS_HOME")
                                               : std::string(std::getenv("HOME")) + "/.cache/logidata-peers";
  fs::create_directories(home);
  fs::copy_file(root / "test/integration/peers/stress_reference.mjs", fs::path(home) / "stress_reference.mjs",
                fs::copy_options::overwrite_existing);
  int status = 0;
  *log = RunShell((root / "../shared/peers/peer").string() + " stress_reference.mjs " + plan_path, &status);
  return status == 0;
}

std::string FactsPlanText(const std::string& facts_csv, const nlohmann::json& queries) {
  return "{\"tables\": {\"facts\": {\"path\": " + nlohmann::json(facts_csv).dump() +
         ", \"columns\": {\"id\": \"BIGINT\", \"k\": \"BIGINT\", \"g\": \"VARCHAR\", \"s\": \"VARCHAR\", "
         "\"v\": \"DOUBLE\", \"d\": \"DATE\", \"b\": \"BOOLEAN\", \"n\": \"INTEGER\"}}}, \"queries\": " +
         queries.dump() + "}";
}

}  // namespace logidata::testing
