#include "metadata/server_key_store.h"

#include "auth/token_codec.h"

namespace logidata {
namespace {
std::string Aad(const std::string& name) { return "server_keys:" + name; }
}  // namespace

Result<std::string> LoadOrCreateServerKey(Database& db, const SecretBox& box, const std::string& name) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto found = db.Query("SELECT value_enc FROM server_keys WHERE name = ?", {name});
    if (!found.ok()) return found.status();
    if (!found->rows.empty()) {
      LD_ASSIGN_OR_RETURN(std::string hex, box.Decrypt(found->rows[0].Str("value_enc"), Aad(name)));
      auto key = HexDecode(hex);
      if (!key || key->size() != 32) return Status::DataError("server key '" + name + "' is corrupt");
      return *key;
    }
    LD_ASSIGN_OR_RETURN(std::string enc, box.Encrypt(HexEncode(RandomBytes(32)), Aad(name)));
    auto ins = db.Query("INSERT INTO server_keys (name, value_enc, created_at) VALUES (?, ?, ?)",
                        {name, enc, NowIso8601()});
    // Another process created it first: read theirs.
    if (!ins.ok() && ins.status().code() != StatusCode::kAlreadyExists) return ins.status();
  }
  return Status::Internal("cannot create server key '" + name + "'");
}

Status RegenerateServerKey(Database& db, const SecretBox& box, const std::string& name) {
  LD_ASSIGN_OR_RETURN(std::string enc, box.Encrypt(HexEncode(RandomBytes(32)), Aad(name)));
  auto del = db.Query("DELETE FROM server_keys WHERE name = ?", {name});
  if (!del.ok()) return del.status();
  auto ins = db.Query("INSERT INTO server_keys (name, value_enc, created_at) VALUES (?, ?, ?)", {name, enc, NowIso8601()});
  return ins.ok() ? Status::OK() : ins.status();
}

}  // namespace logidata
