// MetricsRegistry: a small Prometheus registry (counters, gauges, histograms, each a family with
// label names) rendered in the text exposition format for /metrics. It has no I/O and no
// dependency on the client, so the REST client, the work queue and the controllers can all record
// into the same registry that the manager serves.
#pragma once

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
  double value(const LabelValues& labels) const;
  void render(std::string* out) const override;

 private:
  std::map<LabelValues, double> values_;
};

class GaugeFamily final : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  void set(const LabelValues& labels, double v);
  void add(const LabelValues& labels, double v);
  double value(const LabelValues& labels) const;
  void render(std::string* out) const override;

 private:
  std::map<LabelValues, double> values_;
};

class HistogramFamily final : public MetricFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> buckets);
  void observe(const LabelValues& labels, double v);
  uint64_t count(const LabelValues& labels) const;
  void render(std::string* out) const override;

 private:
  struct Series {
    std::vector<uint64_t> bucket_counts;  // non-cumulative, one per bucket
    uint64_t count = 0;
    double sum = 0;
  };
  std::vector<double> buckets_;
  std::map<LabelValues, Series> series_;
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
