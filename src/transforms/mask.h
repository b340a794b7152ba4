// transform.mask: hides personal data column by column. Each rule chooses columns — by name, by
// a regular expression over names, or by detecting a kind of PII in the values (email, phone,
// IBAN, card number, IP address) — and a method: partial (keep the first or last n characters),
// hash (HMAC-SHA256), encrypt (deterministic, reversible with the key), decrypt (admins: reverses
// encrypt), redact (a constant) or generalize (dates to month or year, numbers to ranges, codes
// to a prefix). Keys come from a `secret` connection named by `key_connection`.
//
// Masked columns become strings. Detection looks at the first non-empty input batch only (its
// first `sample_rows` non-null values per string column), so a column is masked in every batch or
// in none; with a detect rule the operator takes its input in order, one batch at a time.
// Without one, Consume is stateless and runs on many threads at once.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor MaskModule();

}  // namespace logidata
