#include "runtime/metrics_registry.h"

#include <cmath>
#include <cstdio>

namespace flotilla::runtime {

namespace {
std::string escapeLabel(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string formatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.9g", v);
  }
  return buf;
}

void header(std::string* out, const std::string& name, const std::string& help,
            const char* type) {
  *out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}
}  // namespace

std::string MetricFamily::labelText(const LabelValues& values, const std::string& extra) const {
  std::string out;
  for (std::size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
    if (!out.empty()) out += ",";
    out += label_names_[i] + "=\"" + escapeLabel(values[i]) + "\"";
  }
  if (!extra.empty()) {
    if (!out.empty()) out += ",";
    out += extra;
  }
  return out.empty() ? "" : "{" + out + "}";
}

namespace {
std::atomic<double>* valueSeries(std::map<LabelValues, std::unique_ptr<std::atomic<double>>>& m,
                                 const LabelValues& labels) {
  auto& slot = m[labels];
  if (!slot) slot = std::make_unique<std::atomic<double>>(0.0);
  return slot.get();
}
}  // namespace

std::atomic<double>* CounterFamily::series(const LabelValues& labels) {
  std::lock_guard lock(mu_);
  return valueSeries(values_, labels);
}
void CounterFamily::inc(const LabelValues& labels, double v) { inc(series(labels), v); }
double CounterFamily::value(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second->load();
}
void CounterFamily::render(std::string* out) const {
  std::lock_guard lock(mu_);
  header(out, name_, help_, "counter");
  for (const auto& [labels, v] : values_) {
    *out += name_ + labelText(labels) + " " + formatValue(v->load()) + "\n";
  }
}

std::atomic<double>* GaugeFamily::series(const LabelValues& labels) {
  std::lock_guard lock(mu_);
  return valueSeries(values_, labels);
}
void GaugeFamily::set(const LabelValues& labels, double v) { series(labels)->store(v); }
void GaugeFamily::add(const LabelValues& labels, double v) { series(labels)->fetch_add(v); }
double GaugeFamily::value(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second->load();
}
void GaugeFamily::render(std::string* out) const {
  std::lock_guard lock(mu_);
  header(out, name_, help_, "gauge");
  for (const auto& [labels, v] : values_) {
    *out += name_ + labelText(labels) + " " + formatValue(v->load()) + "\n";
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> buckets)
    : MetricFamily(std::move(name), std::move(help), std::move(label_names)),
      buckets_(std::move(buckets)) {}

HistogramFamily::Series* HistogramFamily::series(const LabelValues& labels) {
  std::lock_guard lock(mu_);
  auto& slot = series_[labels];
  if (!slot) {
    slot = std::make_unique<Series>();
    slot->bucket_counts.assign(buckets_.size(), 0);
  }
  return slot.get();
}

void HistogramFamily::observe(const LabelValues& labels, double v) { observe(series(labels), v); }

void HistogramFamily::observe(Series* series, double v) const {
  Series& s = *series;
  std::lock_guard lock(s.mu);
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    if (v <= buckets_[i]) {
      ++s.bucket_counts[i];
      break;
    }
  }
  ++s.count;
  s.sum += v;
}

uint64_t HistogramFamily::count(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  if (it == series_.end()) return 0;
  std::lock_guard series_lock(it->second->mu);
  return it->second->count;
}

void HistogramFamily::render(std::string* out) const {
  std::lock_guard lock(mu_);
  header(out, name_, help_, "histogram");
  for (const auto& [labels, series] : series_) {
    const Series& s = *series;
    std::lock_guard series_lock(series->mu);
    uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
      cumulative += s.bucket_counts[i];
      *out += name_ + "_bucket" + labelText(labels, "le=\"" + formatValue(buckets_[i]) + "\"") +
              " " + std::to_string(cumulative) + "\n";
    }
    *out += name_ + "_bucket" + labelText(labels, "le=\"+Inf\"") + " " +
            std::to_string(s.count) + "\n";
    *out += name_ + "_sum" + labelText(labels) + " " + formatValue(s.sum) + "\n";
    *out += name_ + "_count" + labelText(labels) + " " + std::to_string(s.count) + "\n";
  }
}

std::vector<double> exponentialBuckets(double start, double factor, int count) {
  std::vector<double> out;
  double v = start;
  for (int i = 0; i < count; ++i, v *= factor) out.push_back(v);
  return out;
}

CounterFamily* MetricsRegistry::counter(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) return dynamic_cast<CounterFamily*>(it->second.get());
  auto fam = std::make_unique<CounterFamily>(name, help, std::move(label_names));
  auto* raw = fam.get();
  families_.emplace(name, std::move(fam));
  return raw;
}

GaugeFamily* MetricsRegistry::gauge(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) return dynamic_cast<GaugeFamily*>(it->second.get());
  auto fam = std::make_unique<GaugeFamily>(name, help, std::move(label_names));
  auto* raw = fam.get();
  families_.emplace(name, std::move(fam));
  return raw;
}

HistogramFamily* MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) return dynamic_cast<HistogramFamily*>(it->second.get());
  auto fam =
      std::make_unique<HistogramFamily>(name, help, std::move(label_names), std::move(buckets));
  auto* raw = fam.get();
  families_.emplace(name, std::move(fam));
  return raw;
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, fam] : families_) fam->render(&out);
  return out;
}

}  // namespace flotilla::runtime
