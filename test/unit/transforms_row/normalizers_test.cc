#include <gtest/gtest.h>

#include "support/test_batches.h"
#include "transforms/email_normalizer.h"
#include "transforms/null_filling.h"
#include "transforms/phone_normalizer.h"
#include "transforms/text_cleaning.h"
#include "transforms/widen_column.h"

namespace logidata::testing {
namespace {

struct EmailCase {
  std::string input;
  std::string normalized;
  bool valid;
};

class EmailCases : public ::testing::TestWithParam<EmailCase> {};

TEST_P(EmailCases, NormalizesAndValidates) {
  const EmailCase& c = GetParam();
  std::string out;
  EXPECT_EQ(NormalizeEmail(c.input, out), c.valid) << c.input;
  EXPECT_EQ(out, c.normalized);
}

INSTANTIATE_TEST_SUITE_P(
    All, EmailCases,
    ::testing::Values(EmailCase{"  Ann@Example.COM ", "ann@example.com", true},
                      EmailCase{"first.last+tag@sub.domain.co.uk", "first.last+tag@sub.domain.co.uk", true},
                      EmailCase{"o'brien@x-y.io", "o'brien@x-y.io", true},
                      EmailCase{"\tBOB@x.org\n", "bob@x.org", true},
                      EmailCase{"", "", false},
                      EmailCase{"no-at-sign.com", "no-at-sign.com", false},
                      EmailCase{"two@@x.com", "two@@x.com", false},
                      EmailCase{"a@b@c.com", "a@b@c.com", false},
                      EmailCase{"@x.com", "@x.com", false},
                      EmailCase{"a@localhost", "a@localhost", false},
                      EmailCase{"a@x.c", "a@x.c", false},
                      EmailCase{"a@x.123", "a@x.123", false},
                      EmailCase{"a..b@x.com", "a..b@x.com", false},
                      EmailCase{".a@x.com", ".a@x.com", false},
                      EmailCase{"a@-x.com", "a@-x.com", false},
                      EmailCase{"a@x..com", "a@x..com", false},
                      EmailCase{"a b@x.com", "a b@x.com", false},
                      EmailCase{"a@x_y.com", "a@x_y.com", false}));

struct PhoneCase {
  std::string input;
  std::string country;
  std::string expected;  // "" = invalid
};

class PhoneCases : public ::testing::TestWithParam<PhoneCase> {};

TEST_P(PhoneCases, NormalizesToE164) {
  const PhoneCase& c = GetParam();
  std::string out;
  const bool ok = NormalizePhone(c.input, c.country, out);
  if (c.expected.empty()) {
    EXPECT_FALSE(ok) << c.input << " -> " << out;
  } else {
    EXPECT_TRUE(ok) << c.input;
    EXPECT_EQ(out, c.expected) << c.input;
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, PhoneCases,
    ::testing::Values(PhoneCase{"(555) 234-5678", "1", "+15552345678"},
                      PhoneCase{"555.234.5678", "1", "+15552345678"},
                      PhoneCase{"1-555-234-5678", "1", "+15552345678"},
                      PhoneCase{"+1 555 234 5678", "44", "+15552345678"},
                      PhoneCase{"011 44 20 7946 0958", "1", "+442079460958"},
                      PhoneCase{"020 7946 0958", "44", "+442079460958"},
                      PhoneCase{"+44 (0)20 7946 0958", "1", "+442079460958"},
                      PhoneCase{"0049 30 1234567", "44", "+49301234567"},
                      PhoneCase{"030/1234567", "49", "+49301234567"},
                      PhoneCase{"  555-234-5678 x123 ", "1", "+15552345678"},
                      PhoneCase{"555-234-5678 ext. 9", "1", "+15552345678"},
                      PhoneCase{"555-234-5678#9", "1", "+15552345678"},
                      PhoneCase{"234-5678", "1", ""},           // too short for NANP
                      PhoneCase{"055-234-5678", "1", ""},       // area code starts with 0
                      PhoneCase{"call me", "1", ""},
                      PhoneCase{"", "1", ""},
                      PhoneCase{"+1234567890123456", "1", ""},  // 16 digits
                      PhoneCase{"12ab34", "44", ""},
                      PhoneCase{"+0 123 4567 890", "1", ""}));

TEST(PhoneColumn, KeepsInvalidTrimmedAndNullsNull) {
  auto b = MakeBatch("p:string", {{" (555) 234-5678 "}, {"NULL"}, {" nope "}});
  auto r = NormalizePhoneColumn(*b->column(0), "1");
  EXPECT_EQ(Rows(*Batch::Make(b->schema(), {r.column}, 3)),
            (std::vector<std::vector<std::string>>{{"+15552345678"}, {"NULL"}, {"nope"}}));
  EXPECT_TRUE(GetBit(r.valid.data(), 0));
  EXPECT_FALSE(GetBit(r.valid.data(), 1));
  EXPECT_FALSE(GetBit(r.valid.data(), 2));
  EXPECT_EQ(r.invalid_count, 1);
}

struct CaseCase {
  std::string input;
  TextCase text_case;
  std::string expected;
};

class CaseCases : public ::testing::TestWithParam<CaseCase> {};

TEST_P(CaseCases, ChangesAsciiLetters) {
  const CaseCase& c = GetParam();
  auto b = MakeBatch("s:string", {{c.input}, {"NULL"}});
  auto col = ChangeCaseColumn(*b->column(0), c.text_case);
  ASSERT_TRUE(Batch::Make(b->schema(), {col}, 2)->Validate().ok());
  EXPECT_EQ(col->GetString(0), c.expected);
  EXPECT_TRUE(col->IsNull(1));
}

INSTANTIATE_TEST_SUITE_P(All, CaseCases,
                         ::testing::Values(CaseCase{"hello wORLD", TextCase::kLower, "hello world"},
                                           CaseCase{"hello wORLD", TextCase::kUpper, "HELLO WORLD"},
                                           CaseCase{"hello wORLD", TextCase::kTitle, "Hello World"},
                                           CaseCase{"jean-luc o'neil", TextCase::kTitle, "Jean-Luc O'neil"},
                                           CaseCase{"Ünïcode ß", TextCase::kUpper, "ÜNïCODE ß"},
                                           CaseCase{"", TextCase::kTitle, ""}));

TEST(Trim, RemovesAsciiWhitespaceOnly) {
  auto b = MakeBatch("s:string", {{"  a b \t"}, {"NULL"}, {""}, {"\r\nx\n"}, {"   "}});
  auto col = TrimColumn(*b->column(0));
  EXPECT_EQ(Rows(*Batch::Make(b->schema(), {col}, 5)),
            (std::vector<std::vector<std::string>>{{"a b"}, {"NULL"}, {""}, {"x"}, {""}}));
}

struct FillCase {
  std::string spec;
  nlohmann::json value;
  std::string expected;  // the filled null
};

class FillCases : public ::testing::TestWithParam<FillCase> {};

TEST_P(FillCases, ReplacesNullsOnly) {
  const FillCase& c = GetParam();
  auto b = MakeBatch("v:" + c.spec, {{"NULL"}});
  auto filler = NullFiller::Make(c.value, b->schema()->field(0).type, "/v");
  ASSERT_TRUE(filler.ok()) << filler.status().ToString();
  auto col = filler->Fill(b->column(0));
  EXPECT_EQ(col->null_count(), 0);
  EXPECT_EQ(col->GetValue(0).ToString(), c.expected);
}

INSTANTIATE_TEST_SUITE_P(All, FillCases,
                         ::testing::Values(FillCase{"int64", 7, "7"}, FillCase{"int32", -3, "-3"},
                                           FillCase{"float64", 2.5, "2.5"}, FillCase{"bool", true, "true"},
                                           FillCase{"string", "n/a", "n/a"}, FillCase{"string", 12, "12"},
                                           FillCase{"decimal(10,2)", 1.5, "1.50"},
                                           FillCase{"decimal(10,2)", "-0.25", "-0.25"},
                                           FillCase{"date", "2024-02-29", "2024-02-29"},
                                           FillCase{"timestamp", "2024-02-29 10:00:00", "2024-02-29 10:00:00"}));

TEST(Fill, KeepsExistingValues) {
  auto b = MakeBatch("v:int64, s:string", {{"1", "a"}, {"NULL", "NULL"}, {"3", "c"}});
  auto fi = NullFiller::Make(0, DataType::Int64(), "/v");
  auto fs = NullFiller::Make("z", DataType::String(), "/s");
  ASSERT_TRUE(fi.ok() && fs.ok());
  auto out = Batch::Make(b->schema(), {fi->Fill(b->column(0)), fs->Fill(b->column(1))}, 3);
  ASSERT_TRUE(out->Validate().ok());
  EXPECT_EQ(Rows(*out), (std::vector<std::vector<std::string>>{{"1", "a"}, {"0", "z"}, {"3", "c"}}));
}

struct BadFill {
  DataType type;
  nlohmann::json value;
};

class BadFills : public ::testing::TestWithParam<BadFill> {};

TEST_P(BadFills, AreConfigErrorsAtThePointer) {
  auto f = NullFiller::Make(GetParam().value, GetParam().type, "/operations/0/values/v");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message().rfind("/operations/0/values/v: ", 0), 0u) << f.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(All, BadFills,
                         ::testing::Values(BadFill{DataType::Int64(), "x"}, BadFill{DataType::Int64(), 1.5},
                                           BadFill{DataType::Int32(), 5000000000LL}, BadFill{DataType::Bool(), 1},
                                           BadFill{DataType::Date(), "yesterday"},
                                           BadFill{DataType::Decimal(10, 2), "1,5"},
                                           BadFill{DataType::String(), nlohmann::json::array()},
                                           BadFill{DataType::Null(), 1}));

TEST(WidenColumn, ConvertsEachWidening) {
  auto b = MakeBatch("i:int32, l:int64, d:decimal(5,1), dt:date",
                     {{"1", "-2", "3.5", "1970-01-02"}, {"NULL", "NULL", "NULL", "NULL"}});
  struct Case { int column; DataType to; std::string first; };
  for (const auto& c : std::vector<Case>{{0, DataType::Int64(), "1"}, {0, DataType::Float64(), "1"},
                                         {1, DataType::Float64(), "-2"}, {0, DataType::Decimal(12, 3), "1.000"},
                                         {1, DataType::Decimal(22, 2), "-2.00"}, {2, DataType::Decimal(8, 3), "3.500"},
                                         {2, DataType::Float64(), "3.5"}, {3, DataType::Timestamp(), "1970-01-02 00:00:00"}}) {
    auto w = WidenColumn(b->column(c.column), c.to);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_EQ((*w)->type(), c.to);
    EXPECT_EQ((*w)->GetValue(0).ToString(), c.first) << c.to.ToString();
    EXPECT_TRUE((*w)->IsNull(1));
  }
  EXPECT_FALSE(WidenColumn(b->column(1), DataType::Int32()).ok());
}

}  // namespace
}  // namespace logidata::testing
