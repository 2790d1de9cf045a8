// Container image references as Karmada's imageOverrider sees them (karmada.md §2b): a
// distribution/reference-style parse WITHOUT docker.io normalisation into hostname, repository,
// tag and digest, plus the component edits the overrider performs. The hostname is the first
// path segment only when it contains '.' or ':' or is "localhost". Serialising drops the digest
// when a tag is present, and yields "host/:tag" when the repository was removed — both Karmada
// quirks kept for wire compatibility.
#pragma once

#include <string>

#include "core/status.h"

namespace flotilla::policies {

struct ImageReference {
  std::string hostname;    // "registry.example.com:5000", may be empty
  std::string repository;  // "library/nginx"
  std::string tag;         // "1.25"
  std::string digest;      // "sha256:<hex>"

  std::string toString() const;
  // If value is a valid tag it becomes the tag (digest cleared); else if it is a valid digest it
  // becomes the digest (tag cleared); else nothing changes.
  void setTagOrDigest(const std::string& value);
};

core::Result<ImageReference> parseImageReference(const std::string& image);

// Applies one imageOverrider edit: component Registry|Repository|Tag, operator
// add|remove|replace.
core::Status applyImageEdit(ImageReference& ref, const std::string& component,
                            const std::string& op, const std::string& value);

bool isValidTag(const std::string& s);
bool isValidDigest(const std::string& s);

}  // namespace flotilla::policies
