// TableProfiler: the profile of every column of a stream of batches, in one pass. Feed each
// thread's batches to its own TableProfiler and Merge them at the end; the merged profile is
// what one profiler fed every batch would give (exactly for counts, within the sketches' stated
// error for the estimates).
// Not thread-safe: one profiler per thread.
#pragma once

#include <vector>

#include "profile/column_profiler.h"
#include "profile/column_statistics.h"
#include "types/batch.h"

namespace logidata::profile {

class TableProfiler {
 public:
  TableProfiler(const Schema& schema, const ProfileOptions& options = {});

  // REQUIRES: the batch's columns have the schema's types.
  void Add(const Batch& batch);
  // REQUIRES: other was made with the same schema and options.
  void Merge(const TableProfiler& other);
  TableStatistics Finish() const;
  int64_t rows() const { return rows_; }

 private:
  std::vector<ColumnProfiler> columns_;
  int64_t rows_ = 0;
};

}  // namespace logidata::profile
