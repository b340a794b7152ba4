// The JSON form of a profile (the CLI's --json output and the API's response body): every
// figure, and beside each estimate the method and its error bound. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "profile/column_statistics.h"
#include "profile/profile_options.h"

namespace logidata::profile {

nlohmann::json ColumnStatisticsToJson(const ColumnStatistics& column);
// {rows, columns: [...], accuracy: {...}}.
nlohmann::json TableStatisticsToJson(const TableStatistics& table, const ProfileOptions& options);

}  // namespace logidata::profile
