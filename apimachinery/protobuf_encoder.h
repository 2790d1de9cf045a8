// Protobuf encoding of built-in objects (`application/vnd.kubernetes.protobuf`), the inverse of
// protobuf_codec.h. It writes what Go's generated marshallers write for the object the JSON
// describes: fields in ascending number order, non-pointer scalars and structs always (zero values
// included), pointer fields only when set, repeated scalars unpacked, map entries sorted by key,
// flattened inline structs inside their enclosing message. Re-encoding the upstream fixtures
// reproduces them byte for byte (see protobuf_encoder_test.cc).
//
// Clients accept JSON for every response, so serving protobuf is optional; the encoder exists for
// clients that prefer it and as a cross-check of the decoder's tables.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "apimachinery/builtin_schema.h"
#include "core/status.h"

namespace flotilla::apimachinery {

// Encodes a whole object: the "k8s\0" magic and a runtime.Unknown envelope whose typeMeta comes
// from the object's apiVersion/kind. `type` overrides the lookup by apiVersion/kind (WatchEvent
// frames, which carry an empty typeMeta). Errors: UnsupportedMediaType when the kind has no
// built-in protobuf form; InvalidArgument when a value does not fit its field (a string where an
// integer goes, a malformed time, quantity text that is not a string...).
core::Result<std::string> encodeProtobufObject(const nlohmann::json& obj,
                                               const TypeInfo* type = nullptr);

// Encodes one message of the given type (no envelope).
core::Result<std::string> encodeProtobufMessage(const TypeInfo& type, const nlohmann::json& obj);

}  // namespace flotilla::apimachinery
