#include "mcs/validation/validation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flotilla::mcs {
namespace {

Json parse(const char* text) { return Json::parse(text); }

struct Expected {
  std::string field;
  std::string type;
  std::string message_part;  // substring of the message
};

void expectCauses(const Causes& got, const std::vector<Expected>& want, const std::string& name) {
  std::string all;
  for (const auto& c : got) all += "\n  " + c.field + " [" + c.type + "] " + c.message;
  ASSERT_EQ(got.size(), want.size()) << name << ": got" << all;
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].field, want[i].field) << name << all;
    EXPECT_EQ(got[i].type, want[i].type) << name << all;
    EXPECT_NE(got[i].message.find(want[i].message_part), std::string::npos)
        << name << ": message \"" << got[i].message << "\" lacks \"" << want[i].message_part
        << "\"";
  }
}

const std::set<std::string> kClusters = {"member1", "member2"};

struct Case {
  const char* name;
  const char* object;
  McsContext context;
  const char* service;  // JSON of the same-named Service, or nullptr
  std::vector<Expected> want;
};

void runCases(const std::vector<Case>& cases, Causes (*fn)(const Json&, const McsContext&)) {
  for (const auto& c : cases) {
    Json service;
    McsContext context = c.context;
    if (c.service != nullptr) {
      service = parse(c.service);
      context.service = &service;
    }
    expectCauses(fn(parse(c.object), context), c.want, c.name);
  }
}

constexpr const char* kClusterIpService =
    R"({"metadata":{"name":"web","namespace":"default"},
        "spec":{"type":"ClusterIP","ports":[{"name":"http","port":80},{"name":"tls","port":443}]}})";
constexpr const char* kExternalNameService =
    R"({"metadata":{"name":"web","namespace":"default"},
        "spec":{"type":"ExternalName","externalName":"example.com"}})";

TEST(McsValidation, ServiceExport) {
  runCases(
      {
          {"valid", R"({"metadata":{"name":"web"}})", {}, nullptr, {}},
          {"valid with a ClusterIP Service", R"({"metadata":{"name":"web"}})", {},
           kClusterIpService, {}},
          {"ExternalName Service cannot be exported", R"({"metadata":{"name":"web"}})", {},
           kExternalNameService,
           {{"metadata.name", "FieldValueForbidden", "type ExternalName and cannot be exported"}}},
          {"name not a Service name", R"({"metadata":{"name":"9web"}})", {}, nullptr,
           {{"metadata.name", "FieldValueInvalid", "DNS-1035 label"}}},
          {"name with a dot", R"({"metadata":{"name":"web.v1"}})", {}, nullptr,
           {{"metadata.name", "FieldValueInvalid", "must name a Service"}}},
      },
      validateServiceExport);
}

TEST(McsValidation, ServiceImport) {
  McsContext schema;
  schema.schema_checked = true;
  runCases(
      {
          {"valid ClusterSetIP",
           R"({"metadata":{"name":"web"},"spec":{"type":"ClusterSetIP",
               "ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"dns","port":53,
               "protocol":"UDP"}],"ips":["10.0.0.1"],"sessionAffinity":"ClientIP",
               "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":300}}}})",
           {}, nullptr, {}},
          {"valid Headless without ports", R"({"metadata":{"name":"web"},"spec":{"type":"Headless",
               "ports":[]}})",
           {}, nullptr, {}},
          {"missing spec", R"({"metadata":{"name":"web"}})", {}, nullptr,
           {{"spec", "FieldValueRequired", "Required value"}}},
          {"missing spec, schema checked", R"({"metadata":{"name":"web"}})", schema, nullptr, {}},
          {"missing type and ports", R"({"metadata":{"name":"web"},"spec":{}})", {}, nullptr,
           {{"spec.type", "FieldValueRequired", ""}, {"spec.ports", "FieldValueRequired", ""}}},
          {"missing type and ports, schema checked", R"({"metadata":{"name":"web"},"spec":{}})",
           schema, nullptr, {}},
          {"bad type", R"({"metadata":{"name":"web"},"spec":{"type":"LoadBalancer","ports":[]}})",
           {}, nullptr,
           {{"spec.type", "FieldValueNotSupported", "\"ClusterSetIP\", \"Headless\""}}},
          {"ClusterSetIP needs a port",
           R"({"metadata":{"name":"web"},"spec":{"type":"ClusterSetIP","ports":[]}})", {},
           nullptr, {{"spec.ports", "FieldValueRequired", "at least one port"}}},
          {"port out of range, bad protocol",
           R"({"metadata":{"name":"web"},"spec":{"type":"ClusterSetIP",
               "ports":[{"port":0,"protocol":"HTTP"}]}})",
           {}, nullptr,
           {{"spec.ports[0].port", "FieldValueInvalid", "between 1 and 65535"},
            {"spec.ports[0].protocol", "FieldValueNotSupported", "\"SCTP\", \"TCP\", \"UDP\""}}},
          {"port too high", R"({"metadata":{"name":"web"},"spec":{"type":"ClusterSetIP",
               "ports":[{"port":70000}]}})",
           {}, nullptr, {{"spec.ports[0].port", "FieldValueInvalid", "\"70000\""}}},
          {"several ports need names, names unique, numbers unique",
           R"({"metadata":{"name":"web"},"spec":{"type":"ClusterSetIP",
               "ports":[{"port":80},{"name":"a","port":81},{"name":"a","port":81}]}})",
           {}, nullptr,
           {{"spec.ports[0].name", "FieldValueRequired", "every port must be named"},
            {"spec.ports[2].name", "FieldValueDuplicate", "\"a\""},
            {"spec.ports[2]", "FieldValueDuplicate", "81/TCP"}}},
          {"same number, different protocols is fine",
           R"({"metadata":{"name":"web"},"spec":{"type":"ClusterSetIP",
               "ports":[{"name":"a","port":53,"protocol":"UDP"},{"name":"b","port":53}]}})",
           {}, nullptr, {}},
          {"bad port name", R"({"metadata":{"name":"web"},"spec":{"type":"ClusterSetIP",
               "ports":[{"name":"HTTP_1","port":80}]}})",
           {}, nullptr, {{"spec.ports[0].name", "FieldValueInvalid", "DNS-1123 label"}}},
          {"ips on Headless and a bad IP",
           R"({"metadata":{"name":"web"},"spec":{"type":"Headless","ports":[],
               "ips":["10.0.0.300"]}})",
           {}, nullptr,
           {{"spec.ips", "FieldValueForbidden", "Headless"},
            {"spec.ips[0]", "FieldValueInvalid", "valid IP address"}}},
          {"IPv6 is an IP", R"({"metadata":{"name":"web"},"spec":{"type":"ClusterSetIP",
               "ports":[{"port":80}],"ips":["fd00::1"]}})",
           {}, nullptr, {}},
          {"session affinity",
           R"({"metadata":{"name":"web"},"spec":{"type":"ClusterSetIP","ports":[{"port":80}],
               "sessionAffinity":"Sticky","sessionAffinityConfig":{"clientIP":
               {"timeoutSeconds":0}}}})",
           {}, nullptr,
           {{"spec.sessionAffinity", "FieldValueNotSupported", "\"ClientIP\", \"None\""},
            {"spec.sessionAffinityConfig", "FieldValueForbidden", "Sticky"},
            {"spec.sessionAffinityConfig.clientIP.timeoutSeconds", "FieldValueInvalid",
             "less than or equal to 86400"}}},
          {"wrong types do not crash", R"({"metadata":{"name":"web"},"spec":{"type":7,
               "ports":"all","ips":[1]}})",
           {}, nullptr,
           {{"spec.type", "FieldValueNotSupported", "\"7\""},
            {"spec.ports", "FieldValueInvalid", "must be a list"},
            {"spec.ips[0]", "FieldValueInvalid", "valid IP"}}},
      },
      validateServiceImport);
}

TEST(McsValidation, MultiClusterService) {
  McsContext known;
  known.known_clusters = kClusters;
  McsContext schema;
  schema.schema_checked = true;
  runCases(
      {
          {"valid, all clusters", R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster"]}})",
           {}, nullptr, {}},
          {"valid with clusters and ports",
           R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster"],
               "ports":[{"name":"http","port":80}],
               "providerClusters":[{"name":"member1"}],"consumerClusters":[{"name":"member2"}]}})",
           known, kClusterIpService, {}},
          {"missing spec", R"({"metadata":{"name":"web"}})", {}, nullptr,
           {{"spec", "FieldValueRequired", ""}}},
          {"empty types", R"({"metadata":{"name":"web"},"spec":{"types":[]}})", schema, nullptr,
           {{"spec.types", "FieldValueRequired", "CrossCluster"}}},
          {"missing types", R"({"metadata":{"name":"web"},"spec":{}})", {}, nullptr,
           {{"spec.types", "FieldValueRequired", ""}}},
          {"missing types, schema checked", R"({"metadata":{"name":"web"},"spec":{}})", schema,
           nullptr, {}},
          {"LoadBalancer is not implemented",
           R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster","LoadBalancer"]}})",
           schema, nullptr,
           {{"spec.types[1]", "FieldValueNotSupported", "does not implement LoadBalancer"}}},
          {"unknown type", R"({"metadata":{"name":"web"},"spec":{"types":["Mesh"]}})", {},
           nullptr, {{"spec.types[0]", "FieldValueNotSupported", "\"CrossCluster\""}}},
          {"duplicate type",
           R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster","CrossCluster"]}})", {},
           nullptr, {{"spec.types[1]", "FieldValueDuplicate", ""}}},
          {"bad ports",
           R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster"],
               "ports":[{"port":-1},{"name":"x","port":80},{"name":"x","port":80}]}})",
           {}, nullptr,
           {{"spec.ports[0].port", "FieldValueInvalid", "between 1 and 65535"},
            {"spec.ports[2].name", "FieldValueDuplicate", "\"x\""},
            {"spec.ports[2].port", "FieldValueDuplicate", "\"80\""}}},
          {"port the Service does not have",
           R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster"],
               "ports":[{"port":8080}]}})",
           {}, kClusterIpService,
           {{"spec.ports[0].port", "FieldValueNotFound", "Service \"web\" has no such port"}}},
          {"unknown and malformed clusters",
           R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster"],
               "providerClusters":[{"name":"member1"},{"name":"member3"}],
               "consumerClusters":[{"name":"Member_2"},{"name":"member2"},{"name":"member2"}]}})",
           known, nullptr,
           {{"spec.providerClusters[1].name", "FieldValueNotFound", "no Cluster of that name"},
            {"spec.consumerClusters[0].name", "FieldValueInvalid", "DNS-1123 label"},
            {"spec.consumerClusters[2].name", "FieldValueDuplicate", "\"member2\""}}},
          {"clusters not checked when unknown",
           R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster"],
               "providerClusters":[{"name":"anything"}]}})",
           {}, nullptr, {}},
          {"empty cluster name", R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster"],
               "providerClusters":[{"name":""}]}})",
           schema, nullptr, {{"spec.providerClusters[0].name", "FieldValueRequired", ""}}},
          {"deprecated cluster lists",
           R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster"],
               "range":{"clusterNames":["member9"]},"serviceProvisionClusters":["member1"],
               "serviceConsumptionClusters":["a..b"]}})",
           known, nullptr,
           {{"spec.range.clusterNames[0]", "FieldValueNotFound", "\"member9\""},
            {"spec.serviceConsumptionClusters[0]", "FieldValueInvalid", "DNS-1123"}}},
          {"ExternalName Service", R"({"metadata":{"name":"web"},"spec":{"types":["CrossCluster"]}})",
           {}, kExternalNameService,
           {{"metadata.name", "FieldValueForbidden", "type ExternalName"}}},
      },
      validateMultiClusterService);
}

TEST(McsValidation, Exportable) {
  struct Row {
    const char* name;
    const char* service;
    std::string reason;
  };
  const std::vector<Row> rows = {
      {"ClusterIP", kClusterIpService, ""},
      {"headless", R"({"metadata":{"name":"h","namespace":"a"},"spec":{"clusterIP":"None"}})", ""},
      {"no type means ClusterIP", R"({"metadata":{"name":"h","namespace":"a"}})", ""},
      {"ExternalName", kExternalNameService, "ExternalNameNotSupported"},
  };
  for (const auto& row : rows) {
    const Json svc = parse(row.service);
    EXPECT_EQ(validateExportable(svc).empty(), row.reason.empty()) << row.name;
    const ExportBlock block = exportBlock(svc);
    EXPECT_EQ(block.reason, row.reason) << row.name;
    if (!row.reason.empty()) {
      EXPECT_NE(block.message.find("default/web"), std::string::npos) << block.message;
      EXPECT_EQ(validateExportable(svc)[0].field, "spec.type");
    }
  }
}

TEST(McsValidation, NameRules) {
  struct Row {
    std::string s;
    bool label1123, label1035;
  };
  for (const auto& r : std::vector<Row>{{"a", true, true},
                                        {"member-1", true, true},
                                        {"1member", true, false},
                                        {"-a", false, false},
                                        {"a-", false, false},
                                        {"A", false, false},
                                        {"", false, false},
                                        {std::string(63, 'a'), true, true},
                                        {std::string(64, 'a'), false, false}}) {
    EXPECT_EQ(isDns1123Label(r.s), r.label1123) << r.s;
    EXPECT_EQ(isDns1035Label(r.s), r.label1035) << r.s;
  }
  EXPECT_TRUE(isValidIp("192.168.0.1"));
  EXPECT_TRUE(isValidIp("::1"));
  EXPECT_FALSE(isValidIp("1.2.3"));
  EXPECT_FALSE(isValidIp("host"));
}

}  // namespace
}  // namespace flotilla::mcs
