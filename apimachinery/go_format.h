// Text renderings that must match Go's exactly because they appear in JSON produced by
// kube-apiserver: time.Duration strings ("1h0m0s"), metav1.Time/MicroTime RFC 3339 strings,
// []byte as standard base64, and encoding/json's repair of invalid UTF-8. Used by the protobuf
// decoder and anything else converting typed values to Kubernetes JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace flotilla::apimachinery {

// Go's time.Duration.String(): "0s", "1.5µs", "300ms", "1h2m3.5s", "-2s".
std::string formatGoDuration(int64_t nanos);

// metav1.Time JSON form: "2008-01-01T01:01:01Z" (UTC, whole seconds). With `micro`, the MicroTime
// form with exactly six fractional digits. Years outside [0, 9999] are an error, as in Go.
core::Result<std::string> formatGoTime(int64_t unix_seconds, int64_t nanos, bool micro);

// Go's time.ParseDuration, in nanoseconds ("1h2m3.5s", "300ms", "-1.5µs", "0"). InvalidArgument
// `time: invalid duration "x"` otherwise.
core::Result<int64_t> parseGoDuration(std::string_view text);

// time.Parse(time.RFC3339, text) as Unix seconds and nanoseconds: "2006-01-02T15:04:05Z", with
// optional fraction and numeric offset. InvalidArgument `parsing time "x" as
// "2006-01-02T15:04:05Z07:00"`.
struct GoTime {
  int64_t seconds = 0;
  int64_t nanos = 0;
};
core::Result<GoTime> parseGoTime(std::string_view text);

// Standard base64 with padding (Go's encoding/json for []byte).
std::string base64Encode(std::string_view bytes);
// Decodes standard base64 as Go's encoding/json does (padding required; \r and \n skipped).
// InvalidArgument `illegal base64 data at input byte N` otherwise.
core::Result<std::string> base64Decode(std::string_view text);

// Returns the text with each invalid UTF-8 byte replaced by U+FFFD, as Go's encoder does. Valid
// text is returned unchanged (the common case costs one scan).
std::string sanitizeUtf8(std::string_view text);

}  // namespace flotilla::apimachinery
