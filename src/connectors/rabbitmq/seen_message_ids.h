// SeenMessageIds: the message ids extract.rabbitmq has taken, so a message published twice or
// delivered again (after a run that loaded it died before acknowledging it) is loaded once. A
// bounded window: the most recent `capacity` ids in arrival order; older ones are forgotten, so
// a duplicate arriving after `capacity` newer messages is loaded again. Serialized as a JSON array
// (oldest first) into the pipeline's state store, where it commits with the run.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_set>

#include "common/result.h"

namespace logidata {

class SeenMessageIds {
 public:
  explicit SeenMessageIds(int64_t capacity) : capacity_(capacity) {}

  // Replaces the window with a serialized one (as Serialize wrote it); DataError when it is not.
  Status Load(const std::string& serialized);
  std::string Serialize() const;

  bool Contains(const std::string& id) const { return set_.count(id) != 0; }
  // Records `id`; false when it was already there (a duplicate).
  bool Add(const std::string& id);
  int64_t size() const { return static_cast<int64_t>(order_.size()); }

 private:
  int64_t capacity_;
  std::deque<std::string> order_;
  std::unordered_set<std::string> set_;
};

}  // namespace logidata
