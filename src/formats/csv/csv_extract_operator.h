// CsvExtractOperator: the extract.csv source. Produce() may run on many threads at once: each
// call takes the next chunk of whole records from a shared CsvChunkPlanner, tokenizes it with
// SIMD, decodes only the columns downstream needs (the others are emitted as shared all-null
// columns) and emits one batch whose sequence is the chunk's index. Malformed rows fail the run
// with file:line:column, or are skipped and written to a rejects file at the end of the scan.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "formats/csv/csv_chunk_planner.h"
#include "formats/csv/csv_column_decoder.h"
#include "formats/csv/csv_options.h"
#include "formats/csv/csv_tokenizer.h"
#include "module/operator.h"

namespace logidata {

class CsvExtractOperator final : public Operator {
 public:
  // `pattern` is the resolved path/glob; `header` the first file's header as read.
  CsvExtractOperator(CsvReadOptions options, std::string pattern, std::string rejects_path, SchemaPtr schema,
                     std::vector<std::string> header, int64_t chunk_bytes);

  void SetRequiredColumns(const std::vector<int>& columns) override;
  Status Open(ExecContext& ctx) override;
  std::unique_ptr<OperatorState> MakeThreadState() override;
  Result<bool> Produce(OperatorState* state, Emitter& out) override;
  int MaxProduceParallelism() const override { return 64; }
  Status Commit() override;
  void Abort() override;

  int64_t chunk_bytes() const { return chunk_bytes_; }

 private:
  struct Reject {
    int64_t line;
    int column;
    std::string reason;
    std::string raw;
  };
  Result<BatchPtr> ParseChunk(const CsvChunk& chunk, OperatorState* state);
  ColumnPtr NullColumn(const DataType& type, int64_t length);
  // Called after a chunk is done or the planner ran dry; writes rejects once all chunks are in.
  Status ChunkFinished(int64_t chunk_index, std::vector<Reject> rejects, bool planner_exhausted);
  Status WriteRejects();

  CsvReadOptions options_;
  std::string pattern_;
  std::string rejects_path_;
  std::vector<std::string> header_;
  int64_t chunk_bytes_;
  std::vector<int> required_;  // field indexes to decode, ascending
  CsvCellOptions cell_options_;

  ExecContext* ctx_ = nullptr;
  std::unique_ptr<CsvChunkPlanner> planner_;
  std::unique_ptr<CsvTokenizer> tokenizer_;

  std::mutex null_mu_;
  BufferPtr zeros_;  // shared backing of the all-null columns

  std::mutex done_mu_;
  int64_t chunks_done_ = 0;
  int64_t chunks_issued_ = -1;  // known once the planner is exhausted
  bool rejects_written_ = false;
  int64_t rejected_rows_ = 0;
  std::map<int64_t, std::vector<Reject>> rejects_;
};

}  // namespace logidata
