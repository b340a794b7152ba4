// Phone number normalisation for the cleaner: turns "(555) 123-4567", "0049 30 1234567" or
// "+44 (0)20 7946 0958" into E.164 ("+15551234567", "+49301234567", "+442079460958").
// Numbers without an international prefix ('+', "00", or "011" in North America) get the default
// country code; a single national trunk '0' is dropped first. Extensions ("x12", "ext. 12", "#12")
// are dropped. A number is valid when it has 8 to 15 digits including the country code (and, for
// country code 1, exactly 10 national digits). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "transforms/email_normalizer.h"

namespace logidata {

// Writes "+<digits>" to `out` and returns true when `text` is a valid number; otherwise returns
// false and leaves `out` holding the trimmed input. `default_country_code` is digits only ("1").
bool NormalizePhone(std::string_view text, std::string_view default_country_code, std::string& out);

// REQUIRES: a string column. Invalid values are kept trimmed.
NormalizedTextColumn NormalizePhoneColumn(const Column& column, std::string_view default_country_code);

}  // namespace logidata
