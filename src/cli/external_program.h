// RunProgram: runs another program (tar, pg_dump, pg_restore) the way a shell would not — argv
// passed as is, no shell parsing, extra environment variables set only in the child — and reports
// a failure with the program's name, exit code and the tail of what it wrote to stderr.
// Thread-compatible (forks; call it from one thread of a CLI command).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace logidata {

struct ProgramRun {
  std::vector<std::string> argv;                 // argv[0] is looked up in PATH
  std::map<std::string, std::string> env;        // added to this process's environment
  std::set<int> ok_exit_codes = {0};
};

// OK when the program exits with one of ok_exit_codes; its stderr is passed through to ours.
// NotFound when the program is not installed; Internal naming the program and code otherwise.
Status RunProgram(const ProgramRun& run);

}  // namespace logidata
