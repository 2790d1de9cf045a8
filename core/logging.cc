#include "core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace flotilla::core {

namespace {
std::mutex g_mu;
spdlog::level::level_enum g_level = spdlog::level::info;
LogFormat g_format = LogFormat::Text;

void applyFormat(spdlog::logger& l) {
  if (g_format == LogFormat::Json) {
    l.set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","msg":"%v"})",
                  spdlog::pattern_time_type::utc);
  } else {
    l.set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%L%$ %n: %v", spdlog::pattern_time_type::utc);
  }
  l.set_level(g_level);
}
}  // namespace

bool setupLogging(const std::string& level, const std::string& format) {
  std::lock_guard lock(g_mu);
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") return false;
  if (format == "json") {
    g_format = LogFormat::Json;
  } else if (format == "text") {
    g_format = LogFormat::Text;
  } else {
    return false;
  }
  g_level = lvl;
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { applyFormat(*l); });
  return true;
}

std::shared_ptr<spdlog::logger> logger(const std::string& module) {
  std::lock_guard lock(g_mu);
  if (auto existing = spdlog::get(module)) return existing;
  auto l = spdlog::stderr_color_mt(module);
  applyFormat(*l);
  return l;
}

}  // namespace flotilla::core
