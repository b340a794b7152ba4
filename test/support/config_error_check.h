// ExpectConfigError: the one check every module test makes of a refused config — the status is
// InvalidArgument, its message starts with the JSON pointer of the culprit ("/keys/1: …") and
// says why. Header-only; thread-safe as gtest assertions are.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/status.h"

namespace logidata::testing {

// `fragment` is a substring of the message; empty accepts any reason.
inline void ExpectConfigError(const Status& status, const std::string& pointer, const std::string& fragment) {
  ASSERT_FALSE(status.ok()) << "expected a config error at " << pointer;
  EXPECT_TRUE(status.IsInvalidArgument()) << status.ToString();
  EXPECT_THAT(status.message(), ::testing::StartsWith(pointer + ": ")) << status.ToString();
  EXPECT_THAT(status.message(), ::testing::HasSubstr(fragment)) << status.ToString();
}

}  // namespace logidata::testing
