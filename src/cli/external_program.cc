#include "cli/external_program.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace logidata {

Status RunProgram(const ProgramRun& run) {
  if (run.argv.empty()) return Status::InvalidArgument("RunProgram: no program");
  const std::string& name = run.argv[0];
  int err_pipe[2];
  if (pipe(err_pipe) != 0) return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) return Status::IOError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    dup2(err_pipe[1], 2);
    close(err_pipe[0]);
    close(err_pipe[1]);
    for (const auto& [k, v] : run.env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (const std::string& a : run.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(errno == ENOENT ? 127 : 126);
  }
  close(err_pipe[1]);
  std::string err;
  char buf[4096];
  for (;;) {
    ssize_t n = read(err_pipe[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    err.append(buf, static_cast<size_t>(n));
    (void)!write(2, buf, static_cast<size_t>(n));  // the user sees the tool's own messages
  }
  close(err_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (run.ok_exit_codes.count(code)) return Status::OK();
  if (code == 127) return Status::NotFound(name + ": not installed (not found in PATH)");
  while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
  if (err.size() > 600) err = "…" + err.substr(err.size() - 600);
  return Status::Internal(name + " exited with code " + std::to_string(code) + (err.empty() ? "" : ": " + err));
}

}  // namespace logidata
