#include "metadata/secret_rotation.h"

#include <algorithm>

namespace logidata {
namespace {

// One encrypted column: its table, the key column and how associated data is derived from it.
struct EncryptedColumn {
  const char* table;
  const char* key;
  const char* column;
  const char* aad_prefix;
};

// Every column written through a SecretBox. A new encrypted column must be listed here.
constexpr EncryptedColumn kColumns[] = {
    {"connections", "id", "secret_enc", ""},
    {"notification_settings", "id", "url_enc", ""},
    {"notification_settings", "id", "secret_enc", ""},
    {"server_keys", "name", "value_enc", "server_keys:"},
    {"assist_settings", "org_id", "api_key_enc", "assist_settings:"},
};

}  // namespace

Result<RotationReport> ReencryptSecrets(Database& db, const SecretBox& box) {
  RotationReport report;
  for (const EncryptedColumn& col : kColumns) {
    std::string select = std::string("SELECT ") + col.key + " AS k, " + col.column + " AS v FROM " + col.table +
                         " WHERE " + col.column + " IS NOT NULL";
    auto rows = db.Query(select);
    if (!rows.ok()) return rows.status();
    for (const DbRow& row : rows->rows) {
      std::string key = row.Str("k"), old_value = row.Str("v");
      if (box.IsCurrent(old_value)) {
        ++report.current;
        continue;
      }
      std::string aad = std::string(col.aad_prefix) + key;
      LD_ASSIGN_OR_RETURN(std::string plain, box.Decrypt(old_value, aad));
      LD_ASSIGN_OR_RETURN(std::string fresh, box.Encrypt(plain, aad));
      auto up = db.Query(std::string("UPDATE ") + col.table + " SET " + col.column + " = ? WHERE " + col.key +
                             " = ? AND " + col.column + " = ?",
                         {fresh, key, old_value});
      if (!up.ok()) return up.status();
      if (up->affected == 1) {
        ++report.reencrypted;
      } else {
        ++report.remaining;
      }
    }
  }
  return report;
}

Result<SecretCheck> CheckSecrets(Database& db, const SecretBox* box) {
  SecretCheck check;
  for (const EncryptedColumn& col : kColumns) {
    std::string select = std::string("SELECT ") + col.key + " AS k, " + col.column + " AS v FROM " + col.table +
                         " WHERE " + col.column + " IS NOT NULL";
    LD_ASSIGN_OR_RETURN(DbResult rows, db.Query(select));
    for (const DbRow& row : rows.rows) {
      const std::string& value = row.Str("v");
      // "v2:<key id>:…" names its key; older "v1:" values do not.
      if (value.rfind("v2:", 0) == 0) {
        std::string id = value.substr(3, value.find(':', 3) - 3);
        if (std::find(check.key_ids.begin(), check.key_ids.end(), id) == check.key_ids.end()) check.key_ids.push_back(id);
      }
      if (box == nullptr) continue;
      auto plain = box->Decrypt(value, std::string(col.aad_prefix) + row.Str("k"));
      if (plain.ok()) {
        ++check.decrypted;
        continue;
      }
      if (check.failed++ == 0) {
        check.first_failure = std::string(col.table) + " " + col.key + "=" + row.Str("k") + " " + col.column + ": " +
                              plain.status().message();
      }
    }
  }
  std::sort(check.key_ids.begin(), check.key_ids.end());
  return check;
}

}  // namespace logidata
