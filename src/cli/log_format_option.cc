#include "cli/log_format_option.h"

namespace logidata {

void AddLogFormatOption(CLI::App* command, std::string* format) {
  command->add_option("--log-format", *format, "Log lines as text or json (one object per line)")
      ->envname("LOGIDATA_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

}  // namespace logidata
