#include "formats/csv/csv_compressing_file.h"

#include <string>

#include <zlib.h>
#include <zstd.h>

namespace logidata {

namespace {

constexpr size_t kOutChunk = 256 * 1024;

class GzipFile final : public WritableFile {
 public:
  explicit GzipFile(std::unique_ptr<WritableFile> inner) : inner_(std::move(inner)) {
    // 15 + 16: a gzip header and trailer; level 6 is zlib's default trade-off.
    ready_ = deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    out_.resize(kOutChunk);
  }
  ~GzipFile() override {
    if (ready_) deflateEnd(&z_);
  }
  Status Append(const void* data, size_t size) override {
    written_ += static_cast<int64_t>(size);
    return Deflate(static_cast<const uint8_t*>(data), size, Z_NO_FLUSH);
  }
  int64_t BytesWritten() const override { return written_; }
  Status Close() override {
    Status st = Deflate(nullptr, 0, Z_FINISH);
    if (!st.ok()) {
      inner_->Abort();
      return st;
    }
    return inner_->Close();
  }
  void Abort() override { inner_->Abort(); }

 private:
  Status Deflate(const uint8_t* data, size_t size, int flush) {
    if (!ready_) return Status::Internal("cannot initialise zlib");
    z_.next_in = const_cast<Bytef*>(data);
    z_.avail_in = static_cast<uInt>(size);
    while (true) {
      z_.next_out = reinterpret_cast<Bytef*>(out_.data());
      z_.avail_out = static_cast<uInt>(out_.size());
      int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) return Status::Internal("zlib deflate failed");
      size_t have = out_.size() - z_.avail_out;
      if (have > 0) LD_RETURN_IF_ERROR(inner_->Append(out_.data(), have));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out != 0)) break;
    }
    return Status::OK();
  }

  std::unique_ptr<WritableFile> inner_;
  z_stream z_{};
  bool ready_ = false;
  std::string out_;
  int64_t written_ = 0;
};

class ZstdFile final : public WritableFile {
 public:
  explicit ZstdFile(std::unique_ptr<WritableFile> inner) : inner_(std::move(inner)), cctx_(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, 3);
    out_.resize(ZSTD_CStreamOutSize());
  }
  ~ZstdFile() override { ZSTD_freeCCtx(cctx_); }
  Status Append(const void* data, size_t size) override {
    written_ += static_cast<int64_t>(size);
    ZSTD_inBuffer in{data, size, 0};
    while (in.pos < in.size) LD_RETURN_IF_ERROR(Step(&in, ZSTD_e_continue).status());
    return Status::OK();
  }
  int64_t BytesWritten() const override { return written_; }
  Status Close() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    while (true) {
      auto remaining = Step(&in, ZSTD_e_end);
      if (!remaining.ok()) {
        inner_->Abort();
        return remaining.status();
      }
      if (*remaining == 0) break;
    }
    return inner_->Close();
  }
  void Abort() override { inner_->Abort(); }

 private:
  Result<size_t> Step(ZSTD_inBuffer* in, ZSTD_EndDirective mode) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    size_t rc = ZSTD_compressStream2(cctx_, &out, in, mode);
    if (ZSTD_isError(rc)) return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(rc));
    if (out.pos > 0) LD_RETURN_IF_ERROR(inner_->Append(out_.data(), out.pos));
    return rc;
  }

  std::unique_ptr<WritableFile> inner_;
  ZSTD_CCtx* cctx_;
  std::string out_;
  int64_t written_ = 0;
};

}  // namespace

Result<std::unique_ptr<WritableFile>> MakeCompressingFile(CsvCompression compression,
                                                         std::unique_ptr<WritableFile> file) {
  switch (compression) {
    case CsvCompression::kGzip:
      return std::unique_ptr<WritableFile>(new GzipFile(std::move(file)));
    case CsvCompression::kZstd:
      return std::unique_ptr<WritableFile>(new ZstdFile(std::move(file)));
    default:
      return file;
  }
}

}  // namespace logidata
