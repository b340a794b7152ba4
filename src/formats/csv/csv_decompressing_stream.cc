#include "formats/csv/csv_decompressing_stream.h"

#include <zlib.h>
#include <zstd.h>

namespace logidata {

namespace {

constexpr int64_t kReadBlock = 1 << 20;

// Sequential compressed input read in blocks through ReadAt.
class CompressedInput {
 public:
  explicit CompressedInput(std::unique_ptr<RandomAccessFile> file) : file_(std::move(file)) {}

  // Makes sure unread input is available; false at the end of the file.
  Result<bool> Fill() {
    if (pos_ < block_size()) return true;
    if (done_) return false;
    LD_ASSIGN_OR_RETURN(block_, file_->ReadAt(offset_, kReadBlock));
    pos_ = 0;
    offset_ += static_cast<int64_t>(block_->size());
    if (block_->size() < static_cast<size_t>(kReadBlock)) done_ = true;
    return block_size() > 0;
  }
  const uint8_t* data() const { return block_->data() + pos_; }
  size_t available() const { return block_size() - pos_; }
  void Consume(size_t n) { pos_ += n; }
  const std::string& path() const { return file_->path(); }

 private:
  size_t block_size() const { return block_ ? block_->size() : 0; }
  std::unique_ptr<RandomAccessFile> file_;
  BufferPtr block_;
  size_t pos_ = 0;
  int64_t offset_ = 0;
  bool done_ = false;
};

class GzipStream final : public DecompressingStream {
 public:
  explicit GzipStream(std::unique_ptr<RandomAccessFile> file) : input_(std::move(file)) {
    // 15 + 32: accept gzip and zlib headers.
    ready_ = inflateInit2(&z_, 15 + 32) == Z_OK;
  }
  ~GzipStream() override {
    if (ready_) inflateEnd(&z_);
  }

  Status Read(std::string* out, size_t max_bytes) override {
    if (!ready_) return Status::Internal("cannot initialise zlib");
    size_t start = out->size();
    out->resize(start + max_bytes);
    size_t produced = 0;
    while (produced < max_bytes && !eof_) {
      LD_ASSIGN_OR_RETURN(bool more, input_.Fill());
      if (!more) {
        if (in_member_) {
          out->resize(start + produced);
          return Status::DataError("'" + input_.path() + "': truncated gzip data");
        }
        eof_ = true;
        break;
      }
      z_.next_in = const_cast<Bytef*>(input_.data());
      z_.avail_in = static_cast<uInt>(input_.available());
      z_.next_out = reinterpret_cast<Bytef*>(out->data() + start + produced);
      z_.avail_out = static_cast<uInt>(max_bytes - produced);
      int rc = inflate(&z_, Z_NO_FLUSH);
      size_t used = input_.available() - z_.avail_in;
      input_.Consume(used);
      produced = max_bytes - z_.avail_out;
      in_member_ = true;
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        inflateReset(&z_);  // another gzip member may follow
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        out->resize(start + produced);
        return Status::DataError("'" + input_.path() + "': corrupt gzip data (" +
                                 (z_.msg != nullptr ? std::string(z_.msg) : std::to_string(rc)) + ")");
      } else if (rc == Z_BUF_ERROR && used == 0 && z_.avail_out != 0) {
        out->resize(start + produced);
        return Status::DataError("'" + input_.path() + "': corrupt gzip data");
      }
    }
    out->resize(start + produced);
    return Status::OK();
  }

  bool eof() const override { return eof_; }

 private:
  CompressedInput input_;
  z_stream z_{};
  bool ready_ = false;
  bool eof_ = false;
  bool in_member_ = false;
};

class ZstdStream final : public DecompressingStream {
 public:
  explicit ZstdStream(std::unique_ptr<RandomAccessFile> file) : input_(std::move(file)), dctx_(ZSTD_createDCtx()) {}
  ~ZstdStream() override { ZSTD_freeDCtx(dctx_); }

  Status Read(std::string* out, size_t max_bytes) override {
    size_t start = out->size();
    out->resize(start + max_bytes);
    ZSTD_outBuffer output{out->data() + start, max_bytes, 0};
    while (output.pos < max_bytes && !eof_) {
      LD_ASSIGN_OR_RETURN(bool more, input_.Fill());
      if (!more) {
        if (in_frame_) {
          out->resize(start + output.pos);
          return Status::DataError("'" + input_.path() + "': truncated zstd data");
        }
        eof_ = true;
        break;
      }
      ZSTD_inBuffer input{input_.data(), input_.available(), 0};
      size_t rc = ZSTD_decompressStream(dctx_, &output, &input);
      input_.Consume(input.pos);
      if (ZSTD_isError(rc)) {
        out->resize(start + output.pos);
        return Status::DataError("'" + input_.path() + "': corrupt zstd data (" + ZSTD_getErrorName(rc) + ")");
      }
      in_frame_ = rc != 0;
    }
    out->resize(start + output.pos);
    return Status::OK();
  }

  bool eof() const override { return eof_; }

 private:
  CompressedInput input_;
  ZSTD_DCtx* dctx_;
  bool eof_ = false;
  bool in_frame_ = false;
};

}  // namespace

Result<std::unique_ptr<DecompressingStream>> DecompressingStream::Make(CsvCompression compression,
                                                                       std::unique_ptr<RandomAccessFile> file) {
  switch (compression) {
    case CsvCompression::kGzip:
      return std::unique_ptr<DecompressingStream>(new GzipStream(std::move(file)));
    case CsvCompression::kZstd:
      return std::unique_ptr<DecompressingStream>(new ZstdStream(std::move(file)));
    default:
      return Status::Internal("DecompressingStream needs gzip or zstd");
  }
}

}  // namespace logidata
