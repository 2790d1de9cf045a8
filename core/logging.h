// Logging setup: one named spdlog logger per module, text or JSON lines, level by flag.
// Log lines about an object start with its key: "[ns/name] ...".
#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace flotilla::core {

enum class LogFormat { Text, Json };

// Configures every logger created afterwards (and the existing ones). level: trace, debug, info,
// warn, error, off. Returns false when level or format is unknown.
bool setupLogging(const std::string& level, const std::string& format);

// The named logger for a module, created on first use, writing to stderr.
std::shared_ptr<spdlog::logger> logger(const std::string& module);

}  // namespace flotilla::core
