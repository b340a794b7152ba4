#include "cli/tenant_options.h"

namespace logidata {

void AddTenantConfinementOptions(CLI::App* cmd, const TenantConfinementOptions& options) {
  cmd->add_option("--files-dir", *options.files_dir,
                  "Folder of the organizations' files (each in <files-dir>/<org-id>/; default <data-dir>/files)");
  cmd->add_option("--files-root", *options.files_roots,
                  "Extra folder pipelines may use as name:path, given as name=/dir[:ro|:rw] (repeatable; default read-only)");
  cmd->add_option("--allow-egress", *options.allow_egress,
                  "CIDR block runs, previews, connection tests and notifications may reach although it is internal "
                  "(loopback, private, link-local…), e.g. 10.20.0.0/16 (repeatable or comma-separated)")
      ->delimiter(',')
      ->envname("LOGIDATA_ALLOW_EGRESS");
}

}  // namespace logidata
