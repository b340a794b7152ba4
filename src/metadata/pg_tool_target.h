// PgToolTarget: a PostgreSQL URL made fit for the command-line tools (pg_dump, pg_restore). The
// password is taken out of the URL, since any local user can read a command line in the process
// list, and passed as PGPASSWORD in the child's environment instead. Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>

namespace logidata {

struct PgToolTarget {
  std::string url;                         // the URL without its password
  std::map<std::string, std::string> env;  // PGPASSWORD (percent-decoded) when the URL had one
};

PgToolTarget ForPgTools(const std::string& url);

}  // namespace logidata
