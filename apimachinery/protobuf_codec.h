// Protobuf request bodies for built-in kinds (`application/vnd.kubernetes.protobuf`), decoded to
// the JSON that Go's encoding/json would produce for the same object.
//
// kubectl 1.32's typed clients send protobuf for creates and updates of built-in kinds (create
// configmap/secret/deployment, auth can-i, create token, ...). The body is the magic "k8s\0"
// followed by a runtime.Unknown envelope whose typeMeta names the kind and whose raw field holds
// the object's message. Decoding is driven entirely by the BuiltinSchema tables: field numbers,
// flattened inline structs (`via`), wrapper messages, and the Go presence rules that decide
// whether an unset field is omitted, null or a zero value (gogo-protobuf writes every non-pointer
// scalar, so "present" in the wire does not mean "set" in JSON).
//
// The decoder is bounds-checked and depth-limited: garbage input yields InvalidArgument, never a
// crash. Strings with invalid UTF-8 are repaired the way Go's encoder does (U+FFFD).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "apimachinery/builtin_schema.h"
#include "core/status.h"

namespace flotilla::apimachinery {

inline constexpr std::string_view kProtobufMediaType = "application/vnd.kubernetes.protobuf";

// The runtime.Unknown envelope of a protobuf body.
struct ProtobufEnvelope {
  std::string api_version;  // typeMeta.apiVersion, "" for WatchEvent frames
  std::string kind;         // typeMeta.kind
  std::string_view raw;     // the object's message, pointing into the body
  std::string content_encoding;
  std::string content_type;
};

// True when the body starts with the 4-byte magic "k8s\0".
bool hasProtobufMagic(std::string_view body);

// Parses the magic and envelope. InvalidArgument on malformed input.
core::Result<ProtobufEnvelope> parseProtobufEnvelope(std::string_view body);

// Decodes a whole protobuf body to JSON, with apiVersion and kind taken from the envelope.
// `expected` gives the type when the envelope carries no typeMeta (watch event frames); it is
// ignored otherwise. Errors: InvalidArgument for malformed input (bad magic, truncated varints or
// lengths, wrong wire types, nesting deeper than the limit); UnsupportedMediaType when the kind
// has no built-in protobuf schema (custom resources, Table), with the message kube-apiserver uses
// for 415 answers.
core::Result<nlohmann::json> decodeProtobufObject(std::string_view body,
                                                  const TypeInfo* expected = nullptr);

// Decodes one message of the given type (no envelope), applying the Go JSON presence rules.
core::Result<nlohmann::json> decodeProtobufMessage(const TypeInfo& type, std::string_view bytes);

}  // namespace flotilla::apimachinery
