// Shared helpers of the CSV tests: a registry with the CSV modules, fixture files in a temp
// folder, and running extract.csv / load.csv through the operator harness.
#pragma once

#include <string>
#include <vector>

#include <zlib.h>
#include <zstd.h>

#include "formats/csv/csv_modules.h"
#include "support/file_module_run.h"

namespace logidata::testing {

inline const ModuleRegistry& CsvRegistry() { return RegistryOf<RegisterCsvModules>(); }

inline std::string Gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string Zstd(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3));
  return out;
}

inline std::string Gunzip(const std::string& bytes) {
  z_stream z{};
  inflateInit2(&z, 15 + 32);
  std::string out;
  char buf[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&z);
  return out;
}

// Binds and runs extract.csv. `required` (when not empty) is passed to SetRequiredColumns.
inline ExtractResult RunExtract(const nlohmann::json& config, int threads = 1, std::vector<int> required = {},
                                const std::string& base_dir = "") {
  return RunExtractModule(CsvRegistry(), "extract.csv", config, {threads, std::move(required), base_dir});
}

// Runs load.csv over `batches`; commit=false exercises Abort.
inline Status RunLoad(const nlohmann::json& config, const std::vector<BatchPtr>& batches, bool commit = true,
                      int threads = 1) {
  return RunLoadModule(CsvRegistry(), "load.csv", config, batches, commit, threads);
}

}  // namespace logidata::testing
