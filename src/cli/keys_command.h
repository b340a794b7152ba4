// `logidata keys`: key management of a server's data.
//   keys rotate  — puts a new master key first in the key ring file (old keys stay, so running
//                  servers and workers keep decrypting), then re-encrypts every stored secret
//                  with it. Servers pick the new ring up from the file without a restart.
//   keys retire  — once every secret is under the current key, drops the older keys from the ring.
//   keys rotate-jwt — replaces the JWT signing key (every access token is refused afterwards;
//                  refresh tokens keep working). Servers load it at start: restart them.
#pragma once

#include <CLI/CLI.hpp>

namespace logidata {

void AddKeysCommand(CLI::App& app);

}  // namespace logidata
