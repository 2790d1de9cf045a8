// Small readers shared by the built-in printers: typed lookups into unstructured objects that
// never throw, and the formatting helpers of kube's printers (container names and images,
// selectors, "<none>").
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery::printers {

using Json = nlohmann::json;
using TimePoint = std::chrono::system_clock::time_point;

inline constexpr const char* kNone = "<none>";

const Json& at(const Json& obj, std::initializer_list<const char*> path);
std::string str(const Json& obj, std::initializer_list<const char*> path,
                const std::string& fallback = "");
int64_t num(const Json& obj, std::initializer_list<const char*> path, int64_t fallback = 0);
bool flag(const Json& obj, std::initializer_list<const char*> path);
std::size_t count(const Json& obj, std::initializer_list<const char*> path);

std::string name(const Json& obj);
std::string age(const Json& obj, TimePoint now);

// Comma-joined container names or images of a pod template spec (`spec` of the template).
std::string containerNames(const Json& pod_spec);
std::string containerImages(const Json& pod_spec);
// A metav1.LabelSelector as kubectl prints it ("app=web,tier in (a,b)"), or "<none>".
std::string selectorText(const Json& selector);
// A map[string]string selector ("a=b,c=d"), or "<none>".
std::string mapSelectorText(const Json& map);
std::string orNone(const std::string& s);
std::string join(const std::vector<std::string>& parts, const std::string& sep);

}  // namespace flotilla::apimachinery::printers
