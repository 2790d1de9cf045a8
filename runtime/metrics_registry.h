// MetricsRegistry: a small Prometheus registry (counters, gauges, histograms, each a family with
// label names) rendered in the text exposition format for /metrics. It has no I/O and no
// dependency on the client, so the REST client, the work queue and the controllers can all record
// into the same registry that the manager serves. A hot path looks a series up once (series()) and
// updates it through the handle: no label vector built, no map lookup, no family-wide lock (the
// families are shared by every queue and controller of a process).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace flotilla::runtime {

using LabelValues = std::vector<std::string>;

class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}
  virtual ~MetricFamily() = default;
  const std::string& name() const { return name_; }
  virtual void render(std::string* out) const = 0;

 protected:
  std::string labelText(const LabelValues& values, const std::string& extra = "") const;
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mu_;
};

class CounterFamily final : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  void inc(const LabelValues& labels, double v = 1.0);
  // The series of `labels` (created at 0), valid as long as the family: inc(series, v).
  std::atomic<double>* series(const LabelValues& labels);
  static void inc(std::atomic<double>* series, double v = 1.0) { series->fetch_add(v); }
  double value(const LabelValues& labels) const;
  void render(std::string* out) const override;

 private:
  std::map<LabelValues, std::unique_ptr<std::atomic<double>>> values_;
};

class GaugeFamily final : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  void set(const LabelValues& labels, double v);
  void add(const LabelValues& labels, double v);
  // The series of `labels` (created at 0), valid as long as the family: series->store(v).
  std::atomic<double>* series(const LabelValues& labels);
  double value(const LabelValues& labels) const;
  void render(std::string* out) const override;

 private:
  std::map<LabelValues, std::unique_ptr<std::atomic<double>>> values_;
};

class HistogramFamily final : public MetricFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> buckets);
  struct Series {
    std::mutex mu;  // its own: observations of different series never wait on each other
    std::vector<uint64_t> bucket_counts;  // non-cumulative, one per bucket
    uint64_t count = 0;
    double sum = 0;
  };
  void observe(const LabelValues& labels, double v);
  // The series of `labels` (created empty), valid as long as the family: observe(series, v).
  Series* series(const LabelValues& labels);
  void observe(Series* series, double v) const;
  uint64_t count(const LabelValues& labels) const;
  void render(std::string* out) const override;

 private:
  std::vector<double> buckets_;
  std::map<LabelValues, std::unique_ptr<Series>> series_;
};

// Exponential bucket boundaries: start, start*factor, ... (count values).
std::vector<double> exponentialBuckets(double start, double factor, int count);

class MetricsRegistry {
 public:
  // Families are created on first use and shared afterwards (same name → same family; the first
  // registration's help and labels win).
  CounterFamily* counter(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names);
  GaugeFamily* gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> label_names);
  HistogramFamily* histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names, std::vector<double> buckets);
  // The whole registry in Prometheus text format 0.0.4.
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<MetricFamily>> families_;
};
using MetricsRegistryPtr = std::shared_ptr<MetricsRegistry>;

}  // namespace flotilla::runtime
