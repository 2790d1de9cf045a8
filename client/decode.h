// Decoding of list bodies and watch streams into Objects, on top of the JSON scanner. The watch
// decoder is fed whatever bytes the transport read (chunk boundaries fall anywhere, even inside
// a UTF-8 sequence) and emits one event per complete newline-terminated line.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "client/resource.h"
#include "core/status.h"

namespace flotilla::client {

// {"kind":"XList","apiVersion":..,"metadata":{..},"items":[..]}; items lacking apiVersion/kind
// get them from the list. drop_managed_fields: the objects come without metadata.managedFields
// (Object::parseWithoutManagedFields).
core::Result<ObjectList> decodeList(std::string_view body, bool drop_managed_fields = false);

// {"type":"ADDED","object":{...}}
core::Result<WatchEvent> decodeWatchEvent(std::string_view line,
                                          bool drop_managed_fields = false);

class WatchDecoder {
 public:
  explicit WatchDecoder(bool drop_managed_fields = false)
      : drop_managed_fields_(drop_managed_fields) {}
  // Emits every complete event in pending + data. Returns false in *keep_going when the handler
  // asked to stop. A malformed line is an error.
  core::Status feed(std::string_view data, const std::function<bool(WatchEvent&&)>& handler,
                    bool* keep_going);
  std::size_t pendingBytes() const { return pending_.size(); }

 private:
  std::string pending_;
  bool drop_managed_fields_;
};

}  // namespace flotilla::client
