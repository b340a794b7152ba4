#include "formats/xlsx/xlsx_modules.h"

namespace logidata {

Status RegisterXlsxModules(ModuleRegistry& registry) {
  (void)registry;
  return Status::OK();
}

}  // namespace logidata
