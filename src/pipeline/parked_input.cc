#include "pipeline/parked_input.h"

namespace logidata {

Result<int64_t> ParkedInput::Hold(const BatchPtr& batch) {
  if (writer_ != nullptr) {
    sequences_.push_back(batch->sequence());
    LD_RETURN_IF_ERROR(writer_->Write(*batch));
    return int64_t{0};
  }
  const int64_t size = batch->ByteSize();
  batches_.push_back(batch);
  bytes_ += size;
  if (bytes_ <= limit_) return size;
  const int64_t before = bytes_ - size;
  LD_RETURN_IF_ERROR(SpillHeld());
  return -before;
}

Status ParkedInput::SpillHeld() {
  LD_ASSIGN_OR_RETURN(path_, spill_->NewPath());
  LD_ASSIGN_OR_RETURN(writer_, SpillWriter::Open(*spill_->fs(), path_));
  for (const auto& b : batches_) {
    sequences_.push_back(b->sequence());
    LD_RETURN_IF_ERROR(writer_->Write(*b));
  }
  batches_.clear();
  batches_.shrink_to_fit();
  bytes_ = 0;
  return Status::OK();
}

Status ParkedInput::Release(const std::function<Status(const BatchPtr&)>& deliver) {
  if (writer_ != nullptr) {
    LD_RETURN_IF_ERROR(writer_->Close());
    writer_.reset();
    LD_ASSIGN_OR_RETURN(auto reader, SpillReader::Open(*spill_->fs(), path_, schema_));
    for (uint64_t sequence : sequences_) {
      LD_ASSIGN_OR_RETURN(BatchPtr batch, reader->Next());
      if (batch == nullptr) return Status::DataError("spill file " + path_ + " of a parked input ended early");
      auto numbered = std::make_shared<Batch>(*batch);
      numbered->set_sequence(sequence);
      LD_RETURN_IF_ERROR(deliver(numbered));
    }
    sequences_.clear();
    (void)spill_->fs()->RemoveAll(path_);  // best effort: the spill folder goes with the run
    path_.clear();
    return Status::OK();
  }
  for (const auto& b : batches_) LD_RETURN_IF_ERROR(deliver(b));
  batches_.clear();
  batches_.shrink_to_fit();
  bytes_ = 0;
  return Status::OK();
}

}  // namespace logidata
