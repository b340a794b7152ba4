// UTF-8 validation throughput (FindInvalidUtf8, run over every string column the CSV reader
// decodes): 8 MB of ASCII text, and 8 MB where about one character in ten is multi-byte.
//   build-*/bench/utf8_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "types/utf8.h"

namespace logidata {
namespace {

std::string Text(int multibyte_percent) {
  std::mt19937 rng(7);
  const char* wide[] = {"\xC3\xA9", "\xC3\xBC", "\xE6\x97\xA5", "\xF0\x9F\x98\x80"};
  std::string s;
  while (s.size() < (8u << 20)) {
    if (static_cast<int>(rng() % 100) < multibyte_percent) s += wide[rng() % 4];
    else s += static_cast<char>('a' + rng() % 26);
  }
  return s;
}

void Validate(benchmark::State& state, int multibyte_percent) {
  const std::string text = Text(multibyte_percent);
  for (auto _ : state) benchmark::DoNotOptimize(FindInvalidUtf8(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}

BENCHMARK_CAPTURE(Validate, Ascii, 0);
BENCHMARK_CAPTURE(Validate, TenPercentMultiByte, 10);

}  // namespace
}  // namespace logidata
