// Entry point of the `logidata` binary; the subcommands live beside this file.
#include <cstdio>

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::puts("logidata: under construction");
  return 0;
}
