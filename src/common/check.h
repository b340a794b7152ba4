// Checks for programmer errors (invariants), never for user input: a failed check aborts
// with both operands printed. User errors travel as Status.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace logidata::internal {
[[noreturn]] inline void CheckFailed(const char* file, int line, const char* expr, const std::string& detail) {
  std::fprintf(stderr, "%s:%d: check failed: %s %s\n", file, line, expr, detail.c_str());
  std::abort();
}
template <typename A, typename B>
std::string Operands(const A& a, const B& b) {
  std::ostringstream os;
  os << "(" << a << " vs " << b << ")";
  return os.str();
}
}  // namespace logidata::internal

#define LD_CHECK(cond) \
  do { if (!(cond)) ::logidata::internal::CheckFailed(__FILE__, __LINE__, #cond, ""); } while (0)
#define LD_CHECK_OP(a, op, b)                                                                     \
  do {                                                                                            \
    if (!((a)op(b)))                                                                              \
      ::logidata::internal::CheckFailed(__FILE__, __LINE__, #a " " #op " " #b,                    \
                                        ::logidata::internal::Operands((a), (b)));                \
  } while (0)
#define LD_CHECK_EQ(a, b) LD_CHECK_OP(a, ==, b)
#define LD_CHECK_NE(a, b) LD_CHECK_OP(a, !=, b)
#define LD_CHECK_LT(a, b) LD_CHECK_OP(a, <, b)
#define LD_CHECK_LE(a, b) LD_CHECK_OP(a, <=, b)
#define LD_CHECK_GE(a, b) LD_CHECK_OP(a, >=, b)
#ifdef NDEBUG
#define LD_DCHECK(cond) do { } while (0)
#else
#define LD_DCHECK(cond) LD_CHECK(cond)
#endif
