// transform.mask: the PII recognisers (Luhn, IBAN mod-97, emails, phones, IPs), every method on
// every column chooser, key handling through a `secret` connection, and the config errors.
#include "analytic_test_util.h"
#include "transforms/mask_crypto.h"
#include "transforms/pii_detectors.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

class FakeKeyStore final : public ConnectionResolver {
 public:
  Result<ConnectionConfig> Resolve(const std::string& name) override {
    ConnectionConfig c;
    c.name = name;
    if (name == "pii-key") {
      c.type = "secret";
      c.secret = "0123456789abcdef-test-key";
    } else if (name == "other-key") {
      c.type = "secret";
      c.secret = "another key, also long enough";
    } else if (name == "short-key") {
      c.type = "secret";
      c.secret = "short";
    } else if (name == "warehouse") {
      c.type = "postgres";
    } else {
      return Status::NotFound("connection '" + name + "' does not exist");
    }
    return c;
  }
};

Result<std::unique_ptr<Operator>> BindMask(const nlohmann::json& config, const SchemaPtr& schema, bool with_keys = true) {
  LD_ASSIGN_OR_RETURN(const ModuleDescriptor* d, AnalyticRegistry().Find("transform", "mask"));
  static FakeKeyStore keys;
  BindContext ctx;
  ctx.node_id = "mask";
  ctx.config = &config;
  ctx.input_schemas = {schema};
  ctx.connections = with_keys ? &keys : nullptr;
  return d->factory(ctx);
}

Result<Rows2> RunMask(const nlohmann::json& config, const BatchPtr& input, int threads = 1) {
  LD_ASSIGN_OR_RETURN(auto op, BindMask(config, input->schema()));
  HarnessOptions options;
  options.threads = threads;
  LD_ASSIGN_OR_RETURN(auto out, RunOperator(*op, {Split(input, 2)}, options));
  return Rows(out[0]);
}

TEST(PiiDetectorsTest, RecognisesEachKind) {
  struct Case {
    PiiKind kind;
    std::string value;
    bool expected;
  };
  const std::vector<Case> cases = {
      {PiiKind::kCard, "4111 1111 1111 1111", true},      // Visa test number
      {PiiKind::kCard, "4111-1111-1111-1112", false},     // Luhn fails
      {PiiKind::kCard, "5500005555555559", true},
      {PiiKind::kCard, "378282246310005", true},          // Amex, 15 digits
      {PiiKind::kCard, "123456789012", false},            // too short
      {PiiKind::kCard, "4111a111111111111", false},
      {PiiKind::kIban, "GB82 WEST 1234 5698 7654 32", true},
      {PiiKind::kIban, "DE89370400440532013000", true},
      {PiiKind::kIban, "DE89370400440532013001", false},  // mod-97 fails
      {PiiKind::kIban, "de89370400440532013000", true},   // case does not matter
      {PiiKind::kIban, "1289370400440532013000", false},
      {PiiKind::kEmail, "ada.lovelace+news@example.co.uk", true},
      {PiiKind::kEmail, "no-at-sign.example.com", false},
      {PiiKind::kEmail, "two@@example.com", false},
      {PiiKind::kEmail, "user@localhost", false},
      {PiiKind::kEmail, "user@example.c0m", false},
      {PiiKind::kPhone, "+33 1 23 45 67 89", true},
      {PiiKind::kPhone, "(555) 123-4567", true},
      {PiiKind::kPhone, "12345", false},
      {PiiKind::kPhone, "12+345678", false},
      {PiiKind::kPhone, "call 5551234567", false},
      {PiiKind::kIp, "192.168.1.20", true},
      {PiiKind::kIp, "2001:db8::1", true},
      {PiiKind::kIp, "256.1.1.1", false},
      {PiiKind::kIp, "1.2.3", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(PiiKindNames()[static_cast<size_t>(c.kind)] + ": " + c.value);
    EXPECT_EQ(LooksLike(c.kind, c.value), c.expected);
  }
  EXPECT_TRUE(LuhnValid("79927398713"));
  EXPECT_FALSE(LuhnValid("79927398710"));
}

TEST(MaskCryptoTest, EncryptIsDeterministicAndReversible) {
  MaskKey key("0123456789abcdef-test-key"), other("another key, also long enough");
  for (const std::string& value : std::vector<std::string>{"", "a", "ada@example.com", std::string(1000, 'x'), "naïve ☃"}) {
    SCOPED_TRACE(value);
    auto a = key.Encrypt(value), b = key.Encrypt(value);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(a->rfind("ldenc1:", 0), 0u);
    EXPECT_EQ(a->find_first_of("+/="), std::string::npos) << "base64url without padding";
    auto back = key.Decrypt(*a);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, value);
    EXPECT_FALSE(other.Decrypt(*a).ok()) << "another key must not decrypt";
    std::string tampered = *a;
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(key.Decrypt(tampered).ok());
  }
  EXPECT_NE(*key.Encrypt("a"), *key.Encrypt("b"));
  EXPECT_NE(*key.Encrypt("a"), *other.Encrypt("a"));
  EXPECT_FALSE(key.Decrypt("plain text").ok());
  // HMAC-SHA256 known answer (RFC 4231 test case 2).
  EXPECT_EQ(MaskKey("Jefe").HashHex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

const char* kPeople = "id:int64, email:string, card:string, birth:date, age:int32, zip:string, ip:string, note:string";
const Rows2 kPeopleRows = {
    {"1", "ada@example.com", "4111 1111 1111 1111", "1990-05-17", "34", "94103", "10.0.0.1", "hello"},
    {"2", "bob@example.org", "5500005555555559", "1985-12-01", "39", "10001", "2001:db8::1", "NULL"},
    {"3", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "x"},
};

struct MaskCase {
  std::string name;
  nlohmann::json rules;
  std::vector<std::string> column;  // expected values of `column_name` in row order
  std::string column_name;
};

std::vector<MaskCase> MaskCases() {
  return {
      {"partial_last_four", {{{"columns", {"card"}}, {"method", "partial"}}}, {"***************1111", "************5559", "NULL"}, "card"},
      {"partial_first_two_hash_char", {{{"columns", {"zip"}}, {"method", "partial"}, {"keep", "first"}, {"count", 2}, {"char", "#"}}},
       {"94###", "10###", "NULL"}, "zip"},
      {"partial_short_value_fully_masked", {{{"columns", {"note"}}, {"method", "partial"}, {"count", 5}}}, {"*****", "NULL", "*"}, "note"},
      {"redact", {{{"pattern", "e.*l"}, {"method", "redact"}, {"replacement", "X"}}}, {"X", "X", "NULL"}, "email"},
      {"generalize_month", {{{"columns", {"birth"}}, {"method", "generalize"}, {"to", "month"}}}, {"1990-05", "1985-12", "NULL"}, "birth"},
      {"generalize_year", {{{"columns", {"birth"}}, {"method", "generalize"}, {"to", "year"}}}, {"1990", "1985", "NULL"}, "birth"},
      {"generalize_range", {{{"columns", {"age"}}, {"method", "generalize"}, {"width", 10}}}, {"[30, 40)", "[30, 40)", "NULL"}, "age"},
      {"generalize_zip_prefix", {{{"columns", {"zip"}}, {"method", "generalize"}, {"prefix", 3}}}, {"941**", "100**", "NULL"}, "zip"},
      {"detect_card_by_luhn", {{{"detect", "card"}, {"method", "partial"}, {"count", 0}}}, {"*******************", "****************", "NULL"}, "card"},
      {"detect_ip_v4_and_v6", {{{"detect", "ip"}, {"method", "redact"}}}, {"[redacted]", "[redacted]", "NULL"}, "ip"},
      {"detect_leaves_other_columns", {{{"detect", "email"}, {"method", "redact"}}}, {"hello", "NULL", "x"}, "note"},
      {"first_rule_wins", {{{"columns", {"zip"}}, {"method", "redact"}}, {{"pattern", "(z|n).*"}, {"method", "partial"}}, {{"pattern", ".*p"}, {"method", "partial"}}},
       {"[redacted]", "[redacted]", "NULL"}, "zip"},
  };
}

TEST(MaskTest, MethodsAndChoosers) {
  BatchPtr input = MakeBatch(kPeople, kPeopleRows);
  for (const auto& c : MaskCases()) {
    for (int threads : {1, 4}) {
      SCOPED_TRACE(c.name + " threads=" + std::to_string(threads));
      auto rows = RunMask({{"rules", c.rules}}, input, threads);
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      const int col = *input->schema()->RequireField(c.column_name);
      std::vector<std::string> got;
      for (const auto& r : *rows) got.push_back(r[static_cast<size_t>(col)]);
      EXPECT_EQ(got, c.column);
      EXPECT_EQ((*rows)[0][0], "1") << "unmasked columns pass through";
    }
  }
}

TEST(MaskTest, HashAndEncryptAreStableAndDecryptRoundTrips) {
  BatchPtr input = MakeBatch(kPeople, kPeopleRows);
  nlohmann::json config = {{"key_connection", "pii-key"},
                           {"rules", {{{"columns", {"email"}}, {"method", "hash"}}, {{"columns", {"card", "age"}}, {"method", "encrypt"}}}}};
  auto first = RunMask(config, input), second = RunMask(config, input, 4);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ((*first)[0][1], MaskKey("0123456789abcdef-test-key").HashHex("ada@example.com"));
  EXPECT_EQ((*first)[2][1], "NULL");
  EXPECT_EQ((*first)[0][2].rfind("ldenc1:", 0), 0u);

  // Decrypt the encrypted output: the card and the age (as text) come back.
  BatchPtr masked = MakeBatch("id:int64, email:string, card:string, birth:date, age:string, zip:string, ip:string, note:string", *first);
  auto back = RunMask({{"key_connection", "pii-key"}, {"rules", {{{"columns", {"card", "age"}}, {"method", "decrypt"}}}}}, masked);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)[0][2], "4111 1111 1111 1111");
  EXPECT_EQ((*back)[1][4], "39");

  // Another key refuses, naming the column.
  auto wrong = RunMask({{"key_connection", "other-key"}, {"rules", {{{"columns", {"card"}}, {"method", "decrypt"}}}}}, masked);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().ToString().find("column 'card'"), std::string::npos) << wrong.status().ToString();
}

TEST(MaskTest, MaskedColumnsBecomeStrings) {
  auto op = BindMask({{"rules", {{{"columns", {"age"}}, {"method", "generalize"}, {"width", 5}}}}}, MakeBatch(kPeople, {})->schema());
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ((*op)->output_schemas()[0]->field(4).type, DataType::String());
  EXPECT_EQ((*op)->output_schemas()[0]->field(3).type, DataType::Date());
}

TEST(MaskTest, BadConfigsNameTheField) {
  auto schema = MakeBatch(kPeople, {})->schema();
  const std::vector<BindErrorCase> cases = {
      {{{"rules", {{{"columns", {"email"}}, {"method", "hash"}}}}}, "/key_connection", "need a key"},
      {{{"key_connection", "nope"}, {"rules", {{{"columns", {"email"}}, {"method", "hash"}}}}}, "/key_connection", "nope"},
      {{{"key_connection", "warehouse"}, {"rules", {{{"columns", {"email"}}, {"method", "encrypt"}}}}}, "/key_connection", "expected secret"},
      {{{"key_connection", "short-key"}, {"rules", {{{"columns", {"email"}}, {"method", "hash"}}}}}, "/key_connection", "at least 16"},
      {{{"rules", nlohmann::json::array()}}, "/rules", "at least one rule"},
      {{{"rules", {{{"columns", {"email"}}, {"method", "scramble"}}}}}, "/rules/0/method", "scramble"},
      {{{"rules", {{{"columns", {"email"}}, {"detect", "email"}, {"method", "redact"}}}}}, "/rules/0", "exactly one of"},
      {{{"rules", {{{"columns", {"emial"}}, {"method", "redact"}}}}}, "/rules/0/columns/0", "emial"},
      {{{"rules", {{{"columns", {"email"}}, {"method", "redact"}}, {{"columns", {"id", "email"}}, {"method", "redact"}}}}}, "/rules/1/columns/1", "already masked"},
      {{{"rules", {{{"pattern", "zz.*"}, {"method", "redact"}}}}}, "/rules/0/pattern", "matches no column"},
      {{{"rules", {{{"detect", "ssn"}, {"method", "redact"}}}}}, "/rules/0/detect", "ssn"},
      {{{"rules", {{{"detect", "card"}, {"method", "generalize"}}}}}, "/rules/0/method", "not generalize"},
      {{{"rules", {{{"columns", {"birth"}}, {"method", "generalize"}}}}}, "/rules/0/to", "is a date"},
      {{{"rules", {{{"columns", {"age"}}, {"method", "generalize"}}}}}, "/rules/0/width", "is a number"},
      {{{"rules", {{{"columns", {"zip"}}, {"method", "generalize"}}}}}, "/rules/0/prefix", "is a string"},
      {{{"rules", {{{"columns", {"zip"}}, {"method", "partial"}, {"char", "ab"}}}}}, "/rules/0/char", "one character"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.config.dump());
    ExpectConfigError(BindMask(c.config, schema).status(), c.pointer, c.fragment);
  }
}

}  // namespace
}  // namespace logidata::testing
