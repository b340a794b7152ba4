// Precision and recall of the anomaly detector on synthetic run histories with injected
// anomalies. Each scenario simulates a pipeline's runs — hourly (busier in business hours) or
// daily at 9:00 — with a Monday 9:00 load five times the usual one, which is normal and must not
// be flagged, and noise on every metric. A few runs get one injected anomaly: a row spike, a row
// drop, a null-rate jump, or distinct values collapsing. Every run of the evaluation weeks is
// judged against all the runs before it, earlier anomalies included (as a server would). A run
// counts as flagged when its report has any anomaly; it is a true positive when an anomaly was
// injected into it. Deterministic: fixed seeds. The numbers printed are those of
// docs/anomalies.md (reproduce: build/test/unit_anomaly --gtest_filter='SyntheticHistory.*').
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>

#include "anomaly/anomaly_detector.h"

namespace logidata::anomaly {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kMonday = 1'767'571'200'000;  // 2026-01-05 00:00 UTC, a Monday

enum class Injected { kNone, kSpike, kDrop, kNullJump, kDistinctCollapse };
constexpr const char* kInjectedNames[] = {"none", "spike", "drop", "null_rate_jump", "distinct_collapse"};

struct Scenario {
  std::string name;
  bool hourly;         // else daily at 9:00
  int weeks;
  int evaluate_from_week;  // earlier weeks only build the history
  uint64_t seed;
};

struct SimulatedRun {
  RunMeasurements measurements;
  Injected injected = Injected::kNone;
  bool monday_nine = false;
};

std::vector<SimulatedRun> Simulate(const Scenario& s) {
  std::mt19937_64 rng(s.seed);
  std::normal_distribution<double> noise(0, 1);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<SimulatedRun> runs;
  const int count = s.hourly ? s.weeks * 7 * 24 : s.weeks * 7;
  for (int i = 0; i < count; ++i) {
    const int64_t at = s.hourly ? kMonday + i * kHour : kMonday + (i * 24 + 9) * kHour;
    const int hour = static_cast<int>((at / kHour) % 24);
    const bool monday_nine = i % (s.hourly ? 7 * 24 : 7) == (s.hourly ? 9 : 0);
    double rows = s.hourly ? 1000 : 20000;
    if (s.hourly && hour >= 8 && hour < 18) rows *= 1.5;  // business hours
    if (monday_nine) rows *= 5;                          // the weekly load: normal
    rows = std::round(rows * (1 + 0.03 * noise(rng)));
    double null_rate = std::max(0.0, 0.02 + 0.002 * noise(rng));
    double distinct = std::round(rows * 0.9 * (1 + 0.01 * noise(rng)));
    double max_amount = 500 + 15 * noise(rng);
    double min_amount = 1 + 0.05 * noise(rng);

    Injected injected = Injected::kNone;
    if (unit(rng) < 0.04) injected = static_cast<Injected>(1 + static_cast<int>(unit(rng) * 4));
    // Sizes from the obvious to the subtle, so that recall says where detection stops: with 3 %
    // noise on row counts, a change under ~25 % is within what the medium sensitivity allows.
    std::uniform_real_distribution<double> spike(1.2, 6), drop(0.1, 0.85), jump(0.005, 0.3), collapse(0.3, 0.9);
    switch (injected) {
      case Injected::kSpike: {
        const double f = spike(rng);
        rows = std::round(rows * f);
        distinct = std::round(distinct * f);
        break;
      }
      case Injected::kDrop: {
        const double f = drop(rng);
        rows = std::round(rows * f);
        distinct = std::round(distinct * f);
        break;
      }
      case Injected::kNullJump: null_rate += jump(rng); break;
      case Injected::kDistinctCollapse: distinct = std::round(distinct * collapse(rng)); break;
      case Injected::kNone: break;
    }
    const double seconds = std::max(0.05, (0.5 + rows / 2000) * (1 + 0.1 * noise(rng)));

    SimulatedRun run;
    run.injected = injected;
    run.monday_nine = monday_nine;
    RunMeasurements& m = run.measurements;
    m.started_at_ms = at;
    m.Set("extract_orders", "", kRows, rows);
    m.Set("extract_orders", "", kDurationSeconds, seconds * 0.6);
    m.Set("load_orders", "", kRows, rows);
    m.Set("load_orders", "", kDurationSeconds, seconds);
    m.Set("load_orders", "email", kNullRate, null_rate);
    m.Set("load_orders", "customer_id", kDistinct, distinct);
    m.Set("load_orders", "amount", kMin, min_amount);
    m.Set("load_orders", "amount", kMax, max_amount);
    runs.push_back(std::move(run));
  }
  return runs;
}

struct Tally {
  int runs = 0, injected = 0, true_positives = 0, false_positives = 0, monday_nine_runs = 0, monday_nine_flagged = 0;
  int injected_by_kind[5] = {}, caught_by_kind[5] = {};
  double Precision() const {
    const int flagged = true_positives + false_positives;
    return flagged == 0 ? 1 : static_cast<double>(true_positives) / flagged;
  }
  double Recall() const { return injected == 0 ? 1 : static_cast<double>(true_positives) / injected; }
  void Add(const Tally& o) {
    runs += o.runs, injected += o.injected, true_positives += o.true_positives, false_positives += o.false_positives;
    monday_nine_runs += o.monday_nine_runs, monday_nine_flagged += o.monday_nine_flagged;
    for (int k = 0; k < 5; ++k) injected_by_kind[k] += o.injected_by_kind[k], caught_by_kind[k] += o.caught_by_kind[k];
  }
};

Tally Evaluate(const Scenario& s, const DetectorOptions& options) {
  const std::vector<SimulatedRun> runs = Simulate(s);
  const size_t first = static_cast<size_t>(s.evaluate_from_week * (s.hourly ? 7 * 24 : 7));
  Tally t;
  std::vector<RunMeasurements> history;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i >= first) {
      const AnomalyReport report = DetectRunAnomalies(history, runs[i].measurements, options);
      const bool flagged = !report.anomalies.empty();
      const bool injected = runs[i].injected != Injected::kNone;
      ++t.runs;
      t.injected += injected;
      t.true_positives += flagged && injected;
      t.false_positives += flagged && !injected;
      if (injected) {
        ++t.injected_by_kind[static_cast<int>(runs[i].injected)];
        t.caught_by_kind[static_cast<int>(runs[i].injected)] += flagged;
      }
      if (runs[i].monday_nine && !injected) {
        ++t.monday_nine_runs;
        t.monday_nine_flagged += flagged;
      }
    }
    history.push_back(runs[i].measurements);
    // The server loads at most kHistoryRunsToLoad earlier runs.
    if (history.size() > static_cast<size_t>(kHistoryRunsToLoad)) history.erase(history.begin());
  }
  return t;
}

const std::vector<Scenario>& Scenarios() {
  static const std::vector<Scenario> kScenarios = {
      {"hourly A", true, 10, 5, 11},
      {"hourly B", true, 10, 5, 12},
      {"daily 9:00 A", false, 60, 8, 21},
      {"daily 9:00 B", false, 60, 8, 22},
  };
  return kScenarios;
}

void Print(const std::string& label, const Tally& t) {
  std::printf("%-22s runs %5d  injected %3d  caught %3d  false alarms %3d  precision %.3f  recall %.3f  "
              "Monday 9:00 flagged %d of %d\n",
              label.c_str(), t.runs, t.injected, t.true_positives, t.false_positives, t.Precision(), t.Recall(),
              t.monday_nine_flagged, t.monday_nine_runs);
}

TEST(SyntheticHistory, PrecisionAndRecallPerSensitivity) {
  for (const char* sensitivity : {"low", "medium", "high"}) {
    Tally all;
    for (const Scenario& s : Scenarios()) {
      Tally t = Evaluate(s, OptionsForSensitivity(sensitivity));
      Print(std::string(sensitivity) + " " + s.name, t);
      all.Add(t);
    }
    Print(std::string(sensitivity) + " ALL", all);
    for (int k = 1; k < 5; ++k) {
      std::printf("    recall %-18s %d of %d\n", kInjectedNames[k], all.caught_by_kind[k], all.injected_by_kind[k]);
    }
    SCOPED_TRACE(sensitivity);
    ASSERT_GT(all.injected, 50);  // enough injected anomalies for the rates to mean something
    // The Monday 9:00 load is five times the usual one, every week: seasonality must absorb it.
    EXPECT_LE(all.monday_nine_flagged, all.monday_nine_runs / 20) << "Monday 9:00 runs flagged";
    // Lower sensitivity trades recall for precision; the bounds sit a little under the measured
    // values (docs/anomalies.md) so that a regression of the detector fails here.
    const std::map<std::string, std::pair<double, double>> kMinimum = {
        {"low", {0.95, 0.75}}, {"medium", {0.9, 0.9}}, {"high", {0.85, 0.9}}};
    EXPECT_GE(all.Precision(), kMinimum.at(sensitivity).first);
    EXPECT_GE(all.Recall(), kMinimum.at(sensitivity).second);
  }
}

// Without seasonality (one baseline of all runs), the same histories flag the normal Monday 9:00
// spike: the test above would fail if the weekday-and-hour baseline did nothing.
TEST(SyntheticHistory, WithoutSeasonalityMondayNineIsFlagged) {
  DetectorOptions no_seasons;
  no_seasons.min_seasonal_history = 1'000'000;  // never enough for a seasonal baseline
  Tally all;
  for (const Scenario& s : Scenarios()) all.Add(Evaluate(s, no_seasons));
  Print("no seasonality ALL", all);
  EXPECT_GT(all.monday_nine_flagged, all.monday_nine_runs / 2);
}

}  // namespace
}  // namespace logidata::anomaly
