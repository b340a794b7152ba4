// RunCli: runs the real `logidata` binary (or any program) with arguments and environment
// changes, and returns its exit code and combined output. For the operations tests (backup,
// restore, monitoring), which drive the CLI exactly as an operator would.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "integration/server/server_harness.h"

namespace logidata::testing {

struct CliResult {
  int code = -1;
  std::string output;  // stdout and stderr
};

// In a forked child: applies `env` (a value sets the variable, nullopt removes it) and becomes
// `args`; exits 127 when the program cannot be run.
[[noreturn]] inline void ExecWithEnv(const std::vector<std::string>& args,
                                     const std::map<std::string, std::optional<std::string>>& env) {
  for (const auto& [k, v] : env) {
    if (v) setenv(k.c_str(), v->c_str(), 1);
    else unsetenv(k.c_str());
  }
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  _exit(127);
}

// `env`: a value sets the variable, nullopt removes it, in the child only.
inline CliResult RunProgramArgs(const std::vector<std::string>& args,
                                const std::map<std::string, std::optional<std::string>>& env = {}) {
  CliResult out;
  int fds[2];
  if (pipe(fds) != 0) return out;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    ExecWithEnv(args, env);
  }
  close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.output.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

// `logidata <args…>`.
inline CliResult RunCli(std::vector<std::string> args, const std::map<std::string, std::optional<std::string>>& env = {}) {
  args.insert(args.begin(), BinaryPath());
  return RunProgramArgs(args, env);
}

// A long-running child process (prometheus, nginx, a worker) with its output in a file; killed
// (SIGTERM, then SIGKILL) when the object goes.
class ChildProcess {
 public:
  ~ChildProcess() { Stop(); }
  bool Start(const std::vector<std::string>& args, const std::string& log,
             const std::map<std::string, std::optional<std::string>>& env = {}) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = freopen(log.c_str(), "a", stdout);
      f = freopen(log.c_str(), "a", stderr);
      (void)f;
      ExecWithEnv(args, env);
    }
    return pid_ > 0;
  }
  bool Alive() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (kill(pid_, 0) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// `text` percent-encoded for a URL query value.
inline std::string UrlEncode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A tool the test cannot do without (nginx, prometheus, promtool…): in CI (CI set) its absence
// fails the test; elsewhere the test is skipped with a loud line.
#define LD_REQUIRE_TOOL(path)                                                                                  \
  do {                                                                                                         \
    if (::access(path, X_OK) != 0) {                                                                           \
      if (std::getenv("CI") != nullptr) FAIL() << path << " is not installed (scripts/setup installs it)";    \
      std::fprintf(stderr, "\n*** SKIPPED: %s is not installed; this test did not run ***\n\n", path);         \
      GTEST_SKIP() << path << " is not installed";                                                            \
    }                                                                                                          \
  } while (0)

}  // namespace logidata::testing
