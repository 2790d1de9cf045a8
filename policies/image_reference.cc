#include "policies/image_reference.h"

#include <cctype>
#include <vector>

namespace flotilla::policies {

namespace {

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool isWord(char c) { return isAlnum(c) || c == '_'; }

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [._] | __ | -+
bool isValidPathComponent(const std::string& s) {
  if (s.empty() || !isLowerAlnum(s.front()) || !isLowerAlnum(s.back())) return false;
  size_t i = 0;
  while (i < s.size()) {
    if (isLowerAlnum(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !isLowerAlnum(s[j])) ++j;
    std::string sep = s.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

// domain := component ('.' component)* (':' port)?, component := alnum ([alnum-]* alnum)?
bool isValidDomain(const std::string& s) {
  std::string host = s;
  auto colon = s.find(':');
  if (colon != std::string::npos) {
    std::string port = s.substr(colon + 1);
    if (port.empty()) return false;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    host = s.substr(0, colon);
  }
  if (host.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = host.find('.', start);
    std::string part =
        host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || !isAlnum(part.front()) || !isAlnum(part.back())) return false;
    for (char c : part) {
      if (!isAlnum(c) && c != '-') return false;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

core::Status invalid(const std::string& image, const std::string& why) {
  return core::invalidArgument("invalid image reference \"" + image + "\": " + why);
}

}  // namespace

bool isValidTag(const std::string& s) {
  if (s.empty() || s.size() > 128 || !isWord(s[0])) return false;
  for (char c : s) {
    if (!isWord(c) && c != '.' && c != '-') return false;
  }
  return true;
}

bool isValidDigest(const std::string& s) {
  auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string algo = s.substr(0, colon), hex = s.substr(colon + 1);
  if (hex.size() < 32) return false;
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  // algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)*
  bool expect_alpha = true;
  for (char c : algo) {
    if (expect_alpha) {
      if (!std::isalpha(static_cast<unsigned char>(c))) return false;
      expect_alpha = false;
    } else if (c == '-' || c == '_' || c == '+' || c == '.') {
      expect_alpha = true;
    } else if (!isAlnum(c)) {
      return false;
    }
  }
  return !expect_alpha;
}

std::string ImageReference::toString() const {
  std::string out = hostname.empty() ? repository : hostname + "/" + repository;
  if (!tag.empty()) return out + ":" + tag;
  if (!digest.empty()) return out + "@" + digest;
  return out;
}

void ImageReference::setTagOrDigest(const std::string& value) {
  if (isValidTag(value)) {
    tag = value;
    digest.clear();
  } else if (isValidDigest(value)) {
    digest = value;
    tag.clear();
  }
}

core::Result<ImageReference> parseImageReference(const std::string& image) {
  if (image.empty()) return invalid(image, "repository name must have at least one component");
  ImageReference ref;
  std::string rest = image;
  if (auto at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!isValidDigest(ref.digest)) return invalid(image, "invalid digest");
  }
  auto last_slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && (last_slash == std::string::npos || colon > last_slash)) {
    ref.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!isValidTag(ref.tag)) return invalid(image, "invalid tag");
  }
  if (rest.empty()) return invalid(image, "repository name must have at least one component");
  if (rest.size() > 255)
    return invalid(image, "repository name must not be more than 255 characters");
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto slash = rest.find('/', start);
    parts.push_back(
        rest.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  size_t first_path = 0;
  if (parts.size() > 1 &&
      (parts[0].find_first_of(".:") != std::string::npos || parts[0] == "localhost")) {
    if (!isValidDomain(parts[0])) return invalid(image, "invalid registry host");
    ref.hostname = parts[0];
    first_path = 1;
  }
  for (size_t i = first_path; i < parts.size(); ++i) {
    for (char c : parts[i]) {
      if (std::isupper(static_cast<unsigned char>(c))) {
        return invalid(image, "repository name must be lowercase");
      }
    }
    if (!isValidPathComponent(parts[i])) return invalid(image, "invalid reference format");
    if (i > first_path) ref.repository += "/";
    ref.repository += parts[i];
  }
  return ref;
}

core::Status applyImageEdit(ImageReference& ref, const std::string& component,
                            const std::string& op, const std::string& value) {
  if (op != "add" && op != "remove" && op != "replace") {
    return core::invalidArgument("unsupported image overrider operator \"" + op + "\"");
  }
  if (component == "Registry") {
    if (op == "add") ref.hostname += value;
    if (op == "replace") ref.hostname = value;
    if (op == "remove") ref.hostname.clear();
  } else if (component == "Repository") {
    if (op == "add") ref.repository += value;
    if (op == "replace") ref.repository = value;
    if (op == "remove") ref.repository.clear();
  } else if (component == "Tag") {
    if (op == "add") ref.setTagOrDigest((ref.tag.empty() ? ref.digest : ref.tag) + value);
    if (op == "replace") ref.setTagOrDigest(value);
    if (op == "remove") {
      if (!ref.tag.empty()) {
        ref.tag.clear();
      } else {
        ref.digest.clear();
      }
    }
  } else {
    return core::invalidArgument("unsupported image overrider component \"" + component + "\"");
  }
  return core::Status::ok();
}

}  // namespace flotilla::policies
