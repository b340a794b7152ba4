#include "io/tenant_files.h"

namespace logidata {

Result<std::unique_ptr<TenantFiles>> TenantFiles::Open(const FilesPolicy& policy, const std::string& org_id) {
  // The id becomes a folder name: only plain characters, never "..", "/" or an empty name.
  bool safe = !org_id.empty() && org_id.size() <= 128 && org_id != "." && org_id != "..";
  for (char c : org_id) safe = safe && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  if (!safe) return Status::InvalidArgument("organization id '" + org_id + "' cannot name a files folder");
  LD_ASSIGN_OR_RETURN(PathSandbox sandbox, PathSandbox::Create(policy.files_dir / org_id, policy.extra_roots, policy.forbidden));
  return std::unique_ptr<TenantFiles>(new TenantFiles(std::move(sandbox)));
}

}  // namespace logidata
