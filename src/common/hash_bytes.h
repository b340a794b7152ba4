// HashBytes: a fast 64-bit hash of a byte string, well mixed in every bit (wyhash-style multiply
// folds). Short strings are read with overlapping loads, never byte by byte through the stack.
// Hash tables of the engine use it (group-by, join and dedupe keys, Parquet dictionaries); the
// values are not stored anywhere, so the function may change. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace logidata {

uint64_t HashBytes(const void* data, size_t size);

}  // namespace logidata
