// Standard base64 (RFC 4648, with padding): the encoding the etcd v3 JSON gateway uses for keys
// and values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flotilla::storage {

std::string base64Encode(std::string_view bytes);
// nullopt when `text` is not valid padded base64.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace flotilla::storage
