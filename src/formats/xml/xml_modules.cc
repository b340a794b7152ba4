#include "formats/xml/xml_modules.h"

namespace logidata {

Status RegisterXmlModules(ModuleRegistry& registry) {
  (void)registry;
  return Status::OK();
}

}  // namespace logidata
