// CleanerPlan: transform.cleaner's config checked against the input schema and compiled — the
// ordered operations, the validation rules (against the cleaned schema, which gains a
// `<column>_valid` flag per flagged email/phone column) and the optional dedupe step — plus the
// config's JSON Schema. Immutable once bound; safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "transforms/dedupe.h"
#include "transforms/null_filling.h"
#include "transforms/text_cleaning.h"
#include "transforms/validation_rules.h"

namespace logidata {

enum class CleanerStepKind { kTrim, kCase, kFillNulls, kDropNulls, kEmail, kPhone };
// What to do with a value that is not a valid email/phone.
enum class InvalidPolicy { kKeep, kFlag, kNull, kReject };

// One entry of "operations".
struct CleanerStep {
  CleanerStepKind kind = CleanerStepKind::kTrim;
  std::vector<int> columns;         // into the input schema (unchanged positions in the cleaned one)
  TextCase text_case = TextCase::kLower;
  std::vector<NullFiller> fillers;  // kFillNulls: one per column
  InvalidPolicy invalid = InvalidPolicy::kFlag;
  std::string country_code;         // kPhone
};

// Optional last step: keep one row per key (the dedupe transform's engine).
struct CleanerDedupe {
  std::vector<int> keys;  // into the cleaned schema; empty = whole rows
  DedupeKeep keep = DedupeKeep::kFirst;
};

struct CleanerPlan {
  SchemaPtr cleaned;  // the input plus flag columns; also the "out" port's schema
  std::vector<int> source_of;  // per cleaned column: the input column its values come from
  std::vector<CleanerStep> steps;
  ValidationRules rules;
  std::optional<CleanerDedupe> dedupe;
};

// Errors are ConfigErrors naming the JSON pointer of the offending field.
Result<CleanerPlan> BindCleanerPlan(const nlohmann::json& config, const Schema& input, const ExpressionOptions& options);

// The JSON Schema of the config (one oneOf branch per operation, for the UI's forms).
nlohmann::json CleanerConfigSchema();

}  // namespace logidata
