// NdjsonExtractOperator: the streaming, parallel source behind extract.json for NDJSON files
// (one object per line; plain, .gz or .zst). The files are cut into chunks of whole lines by the
// CSV chunk planner (no quoting: JSON strings never hold a raw newline), and each chunk is parsed
// with simdjson's document stream straight into column builders — no per-record objects — by up
// to MaxProduceParallelism() threads at once. Memory stays at the chunks in flight.
// Produce is thread-safe (the planner hands out chunks under its own lock). Fields that are not
// columns of the inferred schema are collected (unknown_keys.h); the last Produce call to end once
// the files are read logs them as one warning.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "formats/csv/csv_chunk_planner.h"
#include "formats/json/unknown_keys.h"
#include "module/module_descriptor.h"
#include "module/operator.h"

namespace logidata {

class NdjsonExtractOperator final : public Operator {
 public:
  // `infer_rows`: how many records the schema was inferred from (named in the warning; 0: unknown).
  NdjsonExtractOperator(std::string pattern, SchemaPtr schema, int64_t chunk_bytes, int64_t infer_rows = 0);

  Status Open(ExecContext& ctx) override;
  std::unique_ptr<OperatorState> MakeThreadState() override;
  Result<bool> Produce(OperatorState* state, Emitter& out) override;
  int MaxProduceParallelism() const override { return 64; }

 private:
  void LeaveProduce(const UnknownKeys& unknown, bool exhausted);

  std::string pattern_;
  int64_t chunk_bytes_;
  int64_t infer_rows_;
  std::mutex unknown_mu_;
  UnknownKeys unknown_;        // merged from finished Produce calls; guarded by unknown_mu_
  int producing_ = 0;          // Produce calls in progress; guarded
  bool exhausted_ = false;     // some call found no chunk left; guarded
  bool reported_ = false;      // guarded
  std::unordered_map<std::string_view, int> index_;  // column name → field index (names live in the schema)
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<CsvChunkPlanner> planner_;
};

// Decodes one chunk of whole NDJSON lines into a batch of `schema`, exactly as the operator does
// (for tests and fuzzing; the operator reuses its per-thread parser instead).
Result<BatchPtr> DecodeNdjsonChunk(const SchemaPtr& schema, const CsvChunk& chunk);

// Options of an NDJSON scan shared by the binder and the operator: a planner over `files` that
// cuts whole lines (decompressing .gz/.zst by extension).
std::unique_ptr<CsvChunkPlanner> MakeNdjsonChunkPlanner(FileSystem* fs, std::vector<std::string> files,
                                                        int64_t chunk_bytes);

// Binds extract.json for NDJSON: infers the schema from the first `infer_rows` records (read
// chunk by chunk, never the whole file) with `columns` overrides applied. With format "auto" and
// data that turns out to be a JSON array, `array_reader` binds the document reader instead.
using ArrayReaderFactory = std::function<Result<std::unique_ptr<Operator>>()>;
Result<std::unique_ptr<Operator>> MakeNdjsonExtractOperator(const BindContext& ctx, const ArrayReaderFactory& array_reader);

}  // namespace logidata
