// md5(text) and sha256(text): lower-case hex digests of the UTF-8 bytes (OpenSSL EVP); uuid(): a
// random version-4 UUID per row from OpenSSL's CSPRNG. uuid() is volatile, so the binder never
// folds it into one constant. Kernels keep no shared state: thread-safe.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "expression/function_registry.h"

namespace logidata::expr {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHex(const unsigned char* bytes, size_t n, char* out) {
  for (size_t k = 0; k < n; ++k) {
    out[2 * k] = kHex[bytes[k] >> 4];
    out[2 * k + 1] = kHex[bytes[k] & 15];
  }
}

template <bool kSha256>
Result<Datum> Digest(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  StringReader s(args[0]);
  BufferPtr validity = StrictValidity(args, n);
  const EVP_MD* md = kSha256 ? EVP_sha256() : EVP_md5();
  const size_t hex_len = kSha256 ? 64 : 32;
  StringWriter w(n, n * static_cast<int64_t>(hex_len));
  unsigned char digest[EVP_MAX_MD_SIZE];
  for (int64_t i = 0; i < n; ++i) {
    if (validity != nullptr && !GetBit(validity->data(), i)) {
      w.AppendEmpty();
      continue;
    }
    std::string_view v = s[i];
    unsigned int len = 0;
    if (EVP_Digest(v.data(), v.size(), digest, &len, md, nullptr) != 1) {
      return Status::Internal(self.name() + ": OpenSSL digest failed");
    }
    AppendHex(digest, len, w.Reserve(hex_len));
    w.Commit(hex_len);
  }
  return Datum::Array(w.Finish(self.type(), std::move(validity)));
}

Result<Datum> Uuid(const FunctionNode& self, std::vector<Datum>&, int64_t n, const EvalContext&) {
  std::vector<unsigned char> random(static_cast<size_t>(n) * 16);
  if (n > 0 && RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return Status::Unavailable("uuid: the random number generator failed");
  }
  StringWriter w(n, n * 36);
  for (int64_t i = 0; i < n; ++i) {
    unsigned char* u = random.data() + i * 16;
    u[6] = static_cast<unsigned char>((u[6] & 0x0F) | 0x40);  // version 4
    u[8] = static_cast<unsigned char>((u[8] & 0x3F) | 0x80);  // RFC 4122 variant
    char* out = w.Reserve(36);
    size_t pos = 0;
    for (int k = 0; k < 16; ++k) {
      if (k == 4 || k == 6 || k == 8 || k == 10) out[pos++] = '-';
      AppendHex(u + k, 1, out + pos);
      pos += 2;
    }
    w.Commit(36);
  }
  return Datum::Array(w.Finish(self.type(), nullptr));
}

template <bool kSha256>
Result<NodePtr> BindDigest(CallBinder& b) {
  LD_RETURN_IF_ERROR(b.Coerce(0, DataType::String()));
  return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::String(), std::move(b.args()), Digest<kSha256>, true,
                                                false, b.offset()));
}

}  // namespace

void RegisterDigestFunctions(FunctionRegistry& r) {
  const char* kCategory = "Hashes and identifiers";
  r.Add({"md5", 1, 1, "md5(string)", BindDigest<false>, "Returns the MD5 digest of the string's bytes as 32 lower-case hex digits.",
         {{"md5('abc')", "900150983cd24fb0d6963f7d28e17f72"}}, kCategory});
  r.Add({"sha256", 1, 1, "sha256(string)", BindDigest<true>,
         "Returns the SHA-256 digest of the string's bytes as 64 lower-case hex digits.",
         {{"sha256('abc')", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}}, kCategory});
  r.Add({"uuid", 0, 0, "uuid()", [](CallBinder& b) -> Result<NodePtr> {
           auto node = std::make_unique<FunctionNode>(b.name(), DataType::String(), std::vector<NodePtr>{}, Uuid, false,
                                                      false, b.offset());
           node->set_volatile();
           return NodePtr(std::move(node));
         },
         "Returns a new random version-4 UUID for every row (from a cryptographically secure generator).",
         {{"length(uuid())", "36"}, {"substr(uuid(), 15, 1)", "4"}}, kCategory});
}

}  // namespace logidata::expr
