// Each organization's natural-language assistance endpoint (table assist_settings): an
// OpenAI-compatible base URL, the model name, the API key (encrypted with the server's SecretBox,
// associated data "assist_settings:<org id>", never returned by the API) and whether prompts may
// carry sample rows. No row: the feature is off for that organization. Thread-safe (stateless).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/secret_box.h"
#include "metadata/database.h"

namespace logidata {

struct AssistSettings {
  std::string base_url;
  std::string model;
  std::string api_key;  // plaintext after Load; empty when none is stored
  bool has_key = false;
  bool allow_sample_rows = false;
  int64_t timeout_seconds = 60;  // of one call to the endpoint
  std::string updated_by, updated_at;

  // What the API shows: everything but the key (`has_key` instead).
  nlohmann::json PublicJson() const;
};

// The organization's settings, or nullopt when none are stored (the feature is off).
Result<std::optional<AssistSettings>> LoadAssistSettings(Database& db, const SecretBox& box, const std::string& org_id);

// Replaces them inside `conn`'s transaction. `keep_key`: the stored key stays (the admin did not
// send a new one); otherwise `settings.api_key` is stored (empty: none).
Status SaveAssistSettings(DbConnection& conn, const SecretBox& box, const std::string& org_id,
                          const AssistSettings& settings, bool keep_key, const std::string& actor);

// Removes them inside `conn`'s transaction (the feature turns off).
Status DeleteAssistSettings(DbConnection& conn, const std::string& org_id);

}  // namespace logidata
