// The reference engines of the Parquet integration tests: `peer` (../shared/peers) runs DuckDB
// and Polars scripts, and our parquet_peers.mjs sits beside their packages. Also the hex text
// DuckDB's dumps use for binary cells. Header-only; call from the test thread.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include <sys/wait.h>

namespace logidata::parquet {

inline std::string PeersDir() {
  const char* env = std::getenv("LOGIDATA_PEERS_DIR");
  return env ? env : std::string(LOGIDATA_SOURCE_DIR) + "/../shared/peers";
}

inline std::string PeersHome() {
  const char* env = std::getenv("PEERS_HOME");
  return env ? env : std::string(std::getenv("HOME")) + "/.cache/logidata-peers";
}

// Runs `peer ARGS` and returns (exit code, stdout); stderr goes to a file, for when it fails.
inline std::pair<int, std::string> RunPeer(const std::string& args) {
  std::string cmd = PeersDir() + "/peer " + args + " 2>/tmp/logidata-parquet-peer.err";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, out};
}

// Installs the peers (first use) and puts our helper script beside their node_modules.
inline void PreparePeers() {
  static bool done = false;
  if (done) return;
  RunPeer("parquet_check.mjs --help");  // usage error, but installs the packages
  std::filesystem::copy_file(std::string(LOGIDATA_SOURCE_DIR) + "/test/integration/parquet/parquet_peers.mjs",
                             PeersHome() + "/parquet_peers.mjs",
                             std::filesystem::copy_options::overwrite_existing);
  done = true;
}

// Upper-case hex, as DuckDB's dumps print BLOB values.
inline std::string Hex(std::string_view s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace logidata::parquet
