#include "metadata/secret_rotation.h"

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

}  // namespace logidata
