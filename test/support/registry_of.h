// RegistryOf<Register>: a process-wide ModuleRegistry holding only the modules one Register
// function adds (RegisterCsvModules, RegisterRowTransforms, …), so an area's tests bind exactly
// its modules. Built once on first use (thread-safe static init); read-only afterwards.
#pragma once

#include <gtest/gtest.h>

#include "module/module_registry.h"

namespace logidata::testing {

template <Status (*Register)(ModuleRegistry&)>
const ModuleRegistry& RegistryOf() {
  static const ModuleRegistry* registry = [] {
    auto* r = new ModuleRegistry();
    Status st = Register(*r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return r;
  }();
  return *registry;
}

}  // namespace logidata::testing
