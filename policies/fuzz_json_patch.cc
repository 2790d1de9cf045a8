// libFuzzer target: JSON Patch (RFC 6902) in both implementations — apimachinery's (the API
// server's PATCH) and the overriders' add/remove/replace subset (policies/json_patch_ops.h).
// Input: a JSON document on the first line, a JSON patch (array of operations) after it.
// Properties: neither crashes or throws; the overriders' patch is atomic (a failed patch leaves
// the document unchanged); where both accept the same add/remove/replace patch they agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apimachinery/json_patch.h"
#include "policies/json_patch_ops.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto nl = text.find('\n');
  if (nl == std::string::npos) return 0;
  const nlohmann::json doc = nlohmann::json::parse(text.substr(0, nl), nullptr, false);
  const nlohmann::json patch = nlohmann::json::parse(text.substr(nl + 1), nullptr, false);
  if (doc.is_discarded() || patch.is_discarded()) return 0;

  auto server = flotilla::apimachinery::applyJsonPatch(doc, patch);

  if (!patch.is_array()) return 0;
  std::vector<flotilla::policies::PatchOp> ops;
  bool subset = true;
  for (const auto& op : patch) {
    if (!op.is_object()) return 0;
    auto o = op.find("op");
    auto p = op.find("path");
    if (o == op.end() || !o->is_string() || p == op.end() || !p->is_string()) return 0;
    const std::string name = o->get<std::string>();
    subset = subset && (name == "add" || name == "remove" || name == "replace");
    auto v = op.find("value");
    ops.push_back({name, p->get<std::string>(), v == op.end() ? nlohmann::json() : *v});
  }
  nlohmann::json patched = doc;
  const auto st = flotilla::policies::applyPatch(patched, ops);
  if (!st.isOk() && patched != doc) std::abort();  // atomic
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(doc.dump());
  const auto ordered_st = flotilla::policies::applyPatch(ordered, ops);
  if (ordered_st.isOk() != st.isOk()) std::abort();
  if (st.isOk() && nlohmann::json::parse(ordered.dump()) != patched) std::abort();

  // Differential: the overriders' subset must agree with the API server where both succeed and
  // every operation carries a value when it needs one (the overriders default a missing value
  // to null, the server rejects it).
  bool values_present = true;
  for (const auto& op : patch) {
    values_present = values_present && (op.value("op", "") == "remove" || op.contains("value"));
  }
  if (subset && values_present && st.isOk() && server.isOk() && *server != patched) std::abort();
  return 0;
}
