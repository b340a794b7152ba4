#include "cli/keys_command.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "auth/secret_box.h"
#include "auth/token_codec.h"
#include "metadata/database.h"
#include "metadata/migrations.h"
#include "metadata/secret_rotation.h"
#include "metadata/server_key_store.h"

namespace logidata {
namespace {

struct KeysOptions {
  std::string data_dir = "./var";
  std::string database_url;
  std::string master_key_file;
  std::string new_key_file;
};

Result<std::unique_ptr<Database>> Open(const KeysOptions& o) {
  std::string target = o.database_url.empty() ? o.data_dir + "/logidata.db" : o.database_url;
  if (o.database_url.empty() && !std::filesystem::exists(target)) {
    return Status::NotFound(target + ": no metadata store here (give --data-dir or --database-url)");
  }
  LD_ASSIGN_OR_RETURN(auto db, OpenDatabase(target, 2));
  LD_RETURN_IF_ERROR(RunMigrations(*db).status());
  return db;
}

// The new key: read from the file, or generated into it (mode 0600) when it does not exist.
Result<std::string> NewKey(const std::string& path) {
  auto keys = ReadKeyFile(path);
  if (keys.ok()) return keys->front();
  if (keys.status().code() != StatusCode::kNotFound) return keys.status();
  std::string key = RandomBytes(32);
  LD_RETURN_IF_ERROR(WriteKeyFile(path, {key}));
  std::printf("generated a new master key in %s\n", path.c_str());
  return key;
}

Status Rotate(const KeysOptions& o) {
  MasterKeySource source{o.data_dir, o.master_key_file};
  LD_ASSIGN_OR_RETURN(std::vector<std::string> ring, LoadMasterKeys(source));
  LD_ASSIGN_OR_RETURN(std::string fresh, NewKey(o.new_key_file));
  std::vector<std::string> next = {fresh};
  for (const std::string& k : ring) {
    if (k != fresh) next.push_back(k);
  }
  std::string path = source.FilePath();
  if (path.empty()) {
    // The ring lives in the environment: servers must be given the new ring before the data changes.
    std::string text;
    for (const std::string& k : next) text += (text.empty() ? "" : ",") + HexEncode(k);
    std::printf("LOGIDATA_MASTER_KEY is set: restart servers and workers with\n  LOGIDATA_MASTER_KEY=%s\n"
                "(new key first, old keys after) before running this again with that value\n",
                text.c_str());
    if (ring.front() != fresh) return Status::InvalidArgument("LOGIDATA_MASTER_KEY does not start with the new key yet");
  } else if (ring.front() != fresh) {
    // First the ring, then the data: a running server reloads the file when it meets the new key id.
    LD_RETURN_IF_ERROR(WriteKeyFile(path, next));
    std::printf("%s: new key %s first, %zu older key(s) kept for decryption\n", path.c_str(),
                SecretBox::KeyId(fresh).c_str(), next.size() - 1);
  }
  LD_ASSIGN_OR_RETURN(auto db, Open(o));
  SecretBox box(next);
  RotationReport total;
  for (int pass = 0; pass < 5; ++pass) {
    LD_ASSIGN_OR_RETURN(RotationReport r, ReencryptSecrets(*db, box));
    total.reencrypted += r.reencrypted;
    total.current = r.current;
    total.remaining = r.remaining;
    if (r.remaining == 0) break;
  }
  std::printf("re-encrypted %lld secret(s) with key %s; %lld already current; %lld left (run again)\n",
              static_cast<long long>(total.reencrypted), SecretBox::KeyId(fresh).c_str(),
              static_cast<long long>(total.current), static_cast<long long>(total.remaining));
  if (!path.empty()) {
    std::printf("when every server and worker has been restarted, `logidata keys retire` drops the old keys\n");
  }
  return total.remaining == 0 ? Status::OK() : Status::Unavailable("some secrets changed during rotation; run again");
}

Status Retire(const KeysOptions& o) {
  MasterKeySource source{o.data_dir, o.master_key_file};
  std::string path = source.FilePath();
  if (path.empty()) return Status::InvalidArgument("LOGIDATA_MASTER_KEY is set: edit it to keep only the first key");
  LD_ASSIGN_OR_RETURN(std::vector<std::string> ring, LoadMasterKeys(source));
  LD_ASSIGN_OR_RETURN(auto db, Open(o));
  SecretBox box(ring);
  // Finish anything written with an old key meanwhile (e.g. by a server not yet restarted).
  LD_ASSIGN_OR_RETURN(RotationReport r, ReencryptSecrets(*db, box));
  if (r.remaining > 0) return Status::Unavailable("some secrets changed meanwhile; run again");
  LD_RETURN_IF_ERROR(WriteKeyFile(path, {ring.front()}));
  std::printf("%s: kept key %s only (%lld secret(s) re-encrypted first)\n", path.c_str(),
              SecretBox::KeyId(ring.front()).c_str(), static_cast<long long>(r.reencrypted));
  return Status::OK();
}

Status RotateJwt(const KeysOptions& o) {
  LD_ASSIGN_OR_RETURN(std::vector<std::string> ring, LoadMasterKeys({o.data_dir, o.master_key_file}));
  LD_ASSIGN_OR_RETURN(auto db, Open(o));
  LD_RETURN_IF_ERROR(RegenerateServerKey(*db, SecretBox(ring), "jwt"));
  std::printf("new JWT signing key stored; restart servers (access tokens signed before are refused, users "
              "refresh or sign in again)\n");
  return Status::OK();
}

void AddStoreOptions(CLI::App* cmd, const std::shared_ptr<KeysOptions>& o) {
  cmd->add_option("--data-dir", o->data_dir, "Data folder of the server")->capture_default_str();
  cmd->add_option("--database-url", o->database_url, "PostgreSQL URL of the metadata store (default: SQLite)")
      ->envname("LOGIDATA_DATABASE_URL");
  cmd->add_option("--master-key-file", o->master_key_file, "Master key ring file, as given to the server")
      ->envname("LOGIDATA_MASTER_KEY_FILE");
}

void Exit(const char* what, const Status& st) {
  if (st.ok()) std::exit(0);
  std::fprintf(stderr, "logidata keys %s: %s\n", what, st.ToString().c_str());
  std::exit(1);
}

}  // namespace

void AddKeysCommand(CLI::App& app) {
  auto o = std::make_shared<KeysOptions>();
  CLI::App* keys = app.add_subcommand("keys", "Manages the server's keys: master key rotation, JWT key.");
  keys->require_subcommand(1);
  CLI::App* rotate = keys->add_subcommand(
      "rotate", "Re-encrypts every stored secret with a new master key (servers keep running).");
  AddStoreOptions(rotate, o);
  rotate->add_option("--new-key-file", o->new_key_file, "File with the new key (64 hex characters); created if missing")
      ->required();
  rotate->callback([o] { Exit("rotate", Rotate(*o)); });
  CLI::App* retire = keys->add_subcommand("retire", "Drops the older keys from the ring once no secret uses them.");
  AddStoreOptions(retire, o);
  retire->callback([o] { Exit("retire", Retire(*o)); });
  CLI::App* jwt = keys->add_subcommand("rotate-jwt", "Replaces the JWT signing key.");
  AddStoreOptions(jwt, o);
  jwt->callback([o] { Exit("rotate-jwt", RotateJwt(*o)); });
}

}  // namespace logidata
