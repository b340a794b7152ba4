#include "net/egress_policy.h"

#include <gtest/gtest.h>

#include "net/egress_resolver.h"

namespace logidata {
namespace {

struct AddressCase {
  const char* address;
  bool allowed;          // under a policy with no allow-list
  const char* reason;    // part of the refusal reason
  std::string ToString() const { return address; }
};

const AddressCase kAddresses[] = {
    {"8.8.8.8", true, ""},
    {"93.184.216.34", true, ""},
    {"2606:4700:4700::1111", true, ""},
    {"127.0.0.1", false, "loopback"},
    {"127.255.255.254", false, "loopback"},
    {"::1", false, "loopback"},
    {"[::1]", false, "loopback"},
    {"0.0.0.0", false, "unspecified"},
    {"::", false, "unspecified"},
    {"10.1.2.3", false, "private"},
    {"172.16.0.1", false, "private"},
    {"172.31.255.255", false, "private"},
    {"172.32.0.1", true, ""},
    {"192.168.1.1", false, "private"},
    {"100.64.0.1", false, "carrier-grade NAT"},
    {"100.127.255.255", false, "carrier-grade NAT"},
    {"100.128.0.1", true, ""},
    {"169.254.169.254", false, "cloud metadata"},
    {"169.254.1.1", false, "link-local"},
    {"fd00:ec2::254", false, "cloud metadata"},
    {"fe80::1", false, "link-local"},
    {"fe80::1%eth0", false, "link-local"},
    {"fc00::1", false, "unique local"},
    {"fd12:3456::1", false, "unique local"},
    {"224.0.0.1", false, "multicast"},
    {"ff02::1", false, "multicast"},
    {"255.255.255.255", false, "reserved"},
    {"240.0.0.1", false, "reserved"},
    {"192.0.2.1", false, "documentation"},
    {"2001:db8::1", false, "documentation"},
    // IPv4 inside IPv6: judged by the IPv4 address.
    {"::ffff:127.0.0.1", false, "loopback"},
    {"::ffff:7f00:1", false, "loopback"},
    {"::ffff:169.254.169.254", false, "cloud metadata"},
    {"::ffff:8.8.8.8", true, ""},
    {"::127.0.0.1", false, "IPv4-compatible"},
    {"::ffff:0:127.0.0.1", false, "IPv4-translated"},
    {"64:ff9b::127.0.0.1", false, "loopback"},
    {"64:ff9b::a9fe:a9fe", false, "cloud metadata"},
    {"64:ff9b::8.8.8.8", true, ""},
    {"64:ff9b:1::1", false, "NAT64"},
    {"2002:7f00:1::1", false, "loopback"},
    {"2002:0808:0808::1", true, ""},
};

class EgressAddressTest : public ::testing::TestWithParam<AddressCase> {};

TEST_P(EgressAddressTest, DefaultPolicy) {
  const AddressCase& c = GetParam();
  auto ip = ParseIpAddress(c.address);
  ASSERT_TRUE(ip.has_value()) << c.address;
  EgressPolicy policy;
  std::string reason = policy.RefusalReason(*ip);
  EXPECT_EQ(reason.empty(), c.allowed) << c.address << ": " << reason;
  EXPECT_NE(reason.find(c.reason), std::string::npos) << c.address << ": " << reason;
}

INSTANTIATE_TEST_SUITE_P(Table, EgressAddressTest, ::testing::ValuesIn(kAddresses),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

struct AllowCase {
  std::vector<std::string> allow;
  const char* address;
  bool allowed;
};

TEST(EgressPolicy, AllowListOpensExactlyItsBlocks) {
  const AllowCase cases[] = {
      {{"127.0.0.0/8"}, "127.0.0.1", true},
      {{"127.0.0.0/8"}, "::ffff:127.0.0.1", true},   // the same address in IPv6 spelling
      {{"127.0.0.0/8"}, "64:ff9b::127.0.0.1", true},  // and in NAT64 form
      {{"127.0.0.0/8"}, "::1", false},
      {{"::1"}, "::1", true},
      {{"10.1.0.0/16"}, "10.1.200.3", true},
      {{"10.1.0.0/16"}, "10.2.0.1", false},
      {{"10.1.2.3"}, "10.1.2.3", true},
      {{"10.1.2.3"}, "10.1.2.4", false},
      {{"172.16.0.0/12"}, "172.20.1.1", true},
      {{"fd00::/8"}, "fd00:ec2::254", true},
      {{"192.168.0.0/16", "169.254.169.254/32"}, "169.254.169.254", true},
      {{"192.168.0.0/16"}, "169.254.169.254", false},
      {{"0.0.0.0/0"}, "10.0.0.1", true},
      {{"0.0.0.0/0"}, "fe80::1", false},
  };
  for (const auto& c : cases) {
    auto policy = EgressPolicy::WithAllowList(c.allow);
    ASSERT_TRUE(policy.ok()) << policy.status().ToString();
    auto ip = ParseIpAddress(c.address);
    ASSERT_TRUE(ip.has_value());
    EXPECT_EQ(policy->Allows(*ip), c.allowed) << c.allow[0] << " / " << c.address;
  }
}

TEST(CidrBlock, ParsesAndRejects) {
  struct Case {
    const char* text;
    const char* canonical;  // nullptr: must be rejected
  };
  const Case cases[] = {
      {"10.0.0.0/8", "10.0.0.0/8"},
      {" 192.168.0.0/16 ", "192.168.0.0/16"},
      {"127.0.0.1", "127.0.0.1/32"},
      {"::1", "::1/128"},
      {"fd00::/8", "fd00::/8"},
      {"0.0.0.0/0", "0.0.0.0/0"},
      {"10.1.0.0/8", nullptr},  // host bits set
      {"10.0.0.0/33", nullptr},
      {"fd00::/129", nullptr},
      {"10.0.0.0/", nullptr},
      {"10.0.0.0/x", nullptr},
      {"example.com/8", nullptr},
      {"", nullptr},
      {"fe80::1%eth0/64", nullptr},
  };
  for (const auto& c : cases) {
    auto b = CidrBlock::Parse(c.text);
    if (c.canonical == nullptr) {
      EXPECT_FALSE(b.ok()) << c.text;
    } else {
      ASSERT_TRUE(b.ok()) << c.text << ": " << b.status().ToString();
      EXPECT_EQ(b->ToString(), c.canonical);
    }
  }
  auto bad = EgressPolicy::WithAllowList({"10.0.0.0/8", "nonsense"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("nonsense"), std::string::npos);
}

TEST(EgressPolicy, RefusalSaysWhatAndHowToAllow) {
  EgressPolicy policy;
  Status st = policy.Check(*ParseIpAddress("127.0.0.1"), "localhost");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(IsEgressRefusal(st));
  EXPECT_TRUE(IsEgressRefusal(st.WithContext("connection test failed")));
  EXPECT_NE(st.message().find("127.0.0.1 (host 'localhost')"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("--allow-egress 127.0.0.1/32"), std::string::npos) << st.message();
  EXPECT_FALSE(IsEgressRefusal(Status::PermissionDenied("HTTP 403")));
}

TEST(EgressPolicy, HttpSchemes) {
  EXPECT_TRUE(CheckHttpScheme("https://api.example.com/x").ok());
  EXPECT_TRUE(CheckHttpScheme("HTTP://api.example.com").ok());
  for (const char* url : {"file:///etc/passwd", "gopher://127.0.0.1:6379/_x", "ftp://x", "dict://x", "api.example.com"}) {
    Status st = CheckHttpScheme(url);
    EXPECT_FALSE(st.ok()) << url;
    EXPECT_NE(st.message().find("only http and https"), std::string::npos) << st.message();
  }
}

TEST(ResolveForEgress, ChecksEveryAddressAndRefusesSockets) {
  EgressPolicy strict;
  auto loop = ResolveForEgress("localhost", 5432, strict, "PostgreSQL connection 'w'");
  ASSERT_FALSE(loop.ok());
  EXPECT_TRUE(IsEgressRefusal(loop.status())) << loop.status().ToString();
  EXPECT_NE(loop.status().message().find("PostgreSQL connection 'w'"), std::string::npos);
  for (const char* host : {"/var/run/postgresql", "", "@abstract"}) {
    auto sock = ResolveForEgress(host, 5432, strict, "c");
    ASSERT_FALSE(sock.ok()) << host;
    EXPECT_NE(sock.status().message().find("Unix-socket"), std::string::npos);
  }
  EXPECT_FALSE(ResolveForEgress("a.example,b.example", 5432, strict, "c").ok());
  auto open = EgressPolicy::WithAllowList({"127.0.0.0/8"});
  auto ok = ResolveForEgress("127.0.0.1", 5432, *open, "c");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, std::vector<std::string>{"127.0.0.1"});
}

}  // namespace
}  // namespace logidata
