#include "formats/xlsx/zip_reader.h"

#include <minizip/unzip.h>

#include <cstring>

namespace logidata {

namespace {

// minizip I/O callbacks over a memory block (opaque = the Memory struct).
struct MemoryFile {
  const uint8_t* data;
  uint64_t size;
  uint64_t pos;
};

voidpf ZCALLBACK MemOpen(voidpf opaque, const void*, int) { return opaque; }
uLong ZCALLBACK MemRead(voidpf, voidpf stream, void* buf, uLong size) {
  auto* m = static_cast<MemoryFile*>(stream);
  uint64_t n = m->pos >= m->size ? 0 : std::min<uint64_t>(size, m->size - m->pos);
  if (n > 0) std::memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  return static_cast<uLong>(n);
}
uLong ZCALLBACK MemWrite(voidpf, voidpf, const void*, uLong) { return 0; }
ZPOS64_T ZCALLBACK MemTell(voidpf, voidpf stream) { return static_cast<MemoryFile*>(stream)->pos; }
long ZCALLBACK MemSeek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto* m = static_cast<MemoryFile*>(stream);
  uint64_t base = origin == ZLIB_FILEFUNC_SEEK_SET ? 0 : origin == ZLIB_FILEFUNC_SEEK_CUR ? m->pos : m->size;
  uint64_t target = base + offset;
  if (target > m->size) return -1;
  m->pos = target;
  return 0;
}
int ZCALLBACK MemClose(voidpf, voidpf) { return 0; }
int ZCALLBACK MemError(voidpf, voidpf) { return 0; }

}  // namespace

Result<std::unique_ptr<ZipReader>> ZipReader::Open(const Buffer& data, std::string path) {
  std::unique_ptr<ZipReader> reader(new ZipReader());
  reader->path_ = std::move(path);
  static_assert(sizeof(Memory) == sizeof(MemoryFile));
  reader->memory_ = {data.data(), data.size(), 0};
  zlib_filefunc64_def funcs{};
  funcs.zopen64_file = MemOpen;
  funcs.zread_file = MemRead;
  funcs.zwrite_file = MemWrite;
  funcs.ztell64_file = MemTell;
  funcs.zseek64_file = MemSeek;
  funcs.zclose_file = MemClose;
  funcs.zerror_file = MemError;
  funcs.opaque = &reader->memory_;
  reader->zip_ = unzOpen2_64("memory", &funcs);
  if (reader->zip_ == nullptr) {
    return Status::DataError(reader->path_ + ": not an Excel .xlsx file (not a readable zip archive)");
  }
  return reader;
}

ZipReader::~ZipReader() {
  if (zip_ != nullptr) unzClose(zip_);
}

Result<std::optional<std::string>> ZipReader::Read(const std::string& name, size_t max_bytes) {
  if (unzLocateFile(zip_, name.c_str(), 0) != UNZ_OK) return std::optional<std::string>();
  unz_file_info64 info{};
  if (unzGetCurrentFileInfo64(zip_, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) {
    return Status::DataError(path_ + ": " + name + ": corrupt zip entry");
  }
  if (info.uncompressed_size > max_bytes) {
    return Status::DataError(path_ + ": " + name + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (unzOpenCurrentFile(zip_) != UNZ_OK) return Status::DataError(path_ + ": " + name + ": cannot open zip entry");
  std::string out;
  out.reserve(static_cast<size_t>(info.uncompressed_size));
  char chunk[65536];
  for (;;) {
    int n = unzReadCurrentFile(zip_, chunk, sizeof chunk);
    if (n < 0) {
      unzCloseCurrentFile(zip_);
      return Status::DataError(path_ + ": " + name + ": corrupt or truncated zip data");
    }
    if (n == 0) break;
    out.append(chunk, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      unzCloseCurrentFile(zip_);
      return Status::DataError(path_ + ": " + name + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  if (unzCloseCurrentFile(zip_) == UNZ_CRCERROR) return Status::DataError(path_ + ": " + name + ": CRC mismatch");
  return std::optional<std::string>(std::move(out));
}

}  // namespace logidata
