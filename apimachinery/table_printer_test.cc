#include "apimachinery/table_printer.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

std::chrono::system_clock::time_point at(const char* ts) {
  std::chrono::system_clock::time_point t;
  EXPECT_TRUE(core::parseRfc3339(ts, &t)) << ts;
  return t;
}

TEST(TablePrinterTest, HumanDuration) {
  struct Row {
    std::chrono::seconds d;
    const char* text;
  };
  const Row rows[] = {
      {-5s, "<invalid>"},  {-1s, "0s"},     {0s, "0s"},          {119s, "119s"},
      {120s, "2m"},        {125s, "2m5s"},  {599s, "9m59s"},     {600s, "10m"},
      {179min, "179m"},    {3h, "3h"},      {3h + 5min, "3h5m"}, {8h, "8h"},
      {47h, "47h"},        {48h, "2d"},     {50h, "2d2h"},       {8 * 24h, "8d"},
      {729 * 24h, "729d"}, {730 * 24h, "2y"}, {731 * 24h, "2y1d"}, {8 * 365 * 24h, "8y"},
  };
  for (const auto& row : rows) EXPECT_EQ(humanDuration(row.d), row.text) << row.d.count();
}

TEST(TablePrinterTest, BuiltinColumnsAndCells) {
  const auto now = at("2026-01-01T00:10:00Z");
  struct Row {
    const char* name;
    const char* group;
    const char* resource;
    const char* object;
    const char* headers;  // JSON array of priority-0 column names
    const char* cells;    // JSON array of all cells
  };
  const Row rows[] = {
      {"running pod", "", "pods",
       R"({"metadata":{"name":"web","creationTimestamp":"2026-01-01T00:00:00Z"},
          "spec":{"containers":[{"name":"a"},{"name":"b"}],"nodeName":"n1"},
          "status":{"phase":"Running","podIP":"10.0.0.2","containerStatuses":[
            {"name":"a","ready":true,"restartCount":1,"state":{"running":{}}},
            {"name":"b","ready":false,"restartCount":0,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})",
       R"(["Name","Ready","Status","Restarts","Age"])",
       R"(["web","1/2","CrashLoopBackOff","1","10m","10.0.0.2","n1","<none>","<none>"])"},
      {"terminating pod", "", "pods",
       R"({"metadata":{"name":"p","creationTimestamp":"2026-01-01T00:09:00Z","deletionTimestamp":"2026-01-01T00:09:30Z"},
          "spec":{"containers":[{"name":"a"}]},"status":{"phase":"Running"}})",
       R"(["Name","Ready","Status","Restarts","Age"])",
       R"(["p","0/1","Terminating","0","60s","<none>","<none>","<none>","<none>"])"},
      {"init pod", "", "pods",
       R"({"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"i"}],"containers":[{"name":"a"}]},
          "status":{"phase":"Pending","initContainerStatuses":[{"name":"i","state":{"running":{}}}]}})",
       R"(["Name","Ready","Status","Restarts","Age"])",
       R"(["p","0/1","Init:0/1","0","<unknown>","<none>","<none>","<none>","<none>"])"},
      {"deployment", "apps", "deployments",
       R"({"metadata":{"name":"d","creationTimestamp":"2026-01-01T00:00:00Z"},
          "spec":{"replicas":3,"selector":{"matchLabels":{"app":"d"}},
                  "template":{"spec":{"containers":[{"name":"c","image":"nginx"}]}}},
          "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}})",
       R"(["Name","Ready","Up-to-date","Available","Age"])",
       R"(["d","2/3",3,2,"10m","c","nginx","app=d"])"},
      {"configmap", "", "configmaps",
       R"({"metadata":{"name":"c","creationTimestamp":"2026-01-01T00:09:50Z"},"data":{"a":"1","b":"2"}})",
       R"(["Name","Data","Age"])", R"(["c",2,"10s"])"},
      {"service", "", "services",
       R"({"metadata":{"name":"s"},"spec":{"type":"NodePort","clusterIP":"10.96.0.1",
          "ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}],"selector":{"app":"x"}}})",
       R"j(["Name","Type","Cluster-IP","External-IP","Port(s)","Age"])j",
       R"(["s","NodePort","10.96.0.1","<none>","80:30080/TCP","<unknown>","app=x"])"},
      {"namespace", "", "namespaces", R"({"metadata":{"name":"n"}})",
       R"(["Name","Status","Age"])", R"(["n","Active","<unknown>"])"},
      {"node", "", "nodes",
       R"({"metadata":{"name":"n","labels":{"node-role.kubernetes.io/control-plane":""}},
          "spec":{"unschedulable":true},
          "status":{"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.32.0"}}})",
       R"(["Name","Status","Roles","Age","Version"])",
       R"(["n","Ready,SchedulingDisabled","control-plane","<unknown>","v1.32.0","<none>","<none>","<unknown>","<unknown>","<unknown>"])"},
      {"event", "", "events",
       R"({"metadata":{"name":"e"},"type":"Normal","reason":"Scheduled","message":"ok",
          "involvedObject":{"kind":"Pod","name":"web"},"source":{"component":"sched"},
          "lastTimestamp":"2026-01-01T00:09:00Z","count":2})",
       R"(["Last Seen","Type","Reason","Object","Message"])",
       R"(["60s","Normal","Scheduled","pod/web","ok","","sched","60s",2,"e"])"},
      {"job", "batch", "jobs",
       R"({"metadata":{"name":"j"},"spec":{"completions":2},
          "status":{"succeeded":1,"startTime":"2026-01-01T00:05:00Z"}})",
       R"(["Name","Status","Completions","Duration","Age"])",
       R"(["j","Running","1/2","5m","<unknown>","","","<none>"])"},
      {"crd uses created at", "apiextensions.k8s.io", "customresourcedefinitions",
       R"({"metadata":{"name":"w.example.com","creationTimestamp":"2026-01-01T00:00:00Z"}})",
       R"(["Name","Created At"])", R"(["w.example.com","2026-01-01T00:00:00Z"])"},
      {"unknown resource gets the default", "example.com", "things",
       R"({"metadata":{"name":"t","creationTimestamp":"2026-01-01T00:00:00Z"}})",
       R"(["Name","Created At"])", R"(["t","2026-01-01T00:00:00Z"])"},
  };
  for (const auto& row : rows) {
    const TablePrinter p = TablePrinter::forBuiltin(row.group, row.resource);
    Json headers = Json::array();
    for (const auto& c : p.columns()) {
      if (c.priority == 0) headers.push_back(c.name);
    }
    EXPECT_EQ(headers, Json::parse(row.headers)) << row.name;
    TableOptions opts;
    opts.now = now;
    const Json r = p.row(Json::parse(row.object), opts);
    EXPECT_EQ(r["cells"], Json::parse(row.cells)) << row.name;
  }
}

TEST(TablePrinterTest, CustomResourceColumns) {
  const Json columns = Json::parse(R"([
    {"name":"Replicas","type":"integer","jsonPath":".spec.replicas"},
    {"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"},
    {"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"},
    {"name":"Size","type":"string","jsonPath":".spec.size","priority":1}])");
  auto p = TablePrinter::forCustomResource(columns);
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  const Json obj = Json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget",
    "metadata":{"name":"w1","namespace":"default","labels":{"a":"b"},"creationTimestamp":"2026-01-01T00:00:00Z"},
    "spec":{"replicas":3},"status":{"conditions":[{"type":"Ready","status":"True"}]}})");
  TableOptions opts;
  opts.now = at("2026-01-01T01:00:00Z");
  opts.resource_version = "42";
  const Json t = p->table({obj}, opts);
  EXPECT_EQ(t["kind"], "Table");
  EXPECT_EQ(t["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(t["metadata"]["resourceVersion"], "42");
  ASSERT_EQ(t["columnDefinitions"].size(), 5u);
  EXPECT_EQ(t["columnDefinitions"][0]["format"], "name");
  EXPECT_EQ(t["columnDefinitions"][4]["priority"], 1);
  EXPECT_EQ(t["rows"][0]["cells"], Json::parse(R"(["w1",3,"True","60m",null])"));
  EXPECT_EQ(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(t["rows"][0]["object"]["metadata"]["labels"]["a"], "b");

  auto none = TablePrinter::forCustomResource(Json());
  ASSERT_TRUE(none.isOk());
  EXPECT_EQ(none->columns().size(), 2u);
  EXPECT_EQ(none->columns()[1].name, "Age");
  opts.include_object = IncludeObject::None;
  opts.no_headers = true;
  const Json t2 = none->table({obj}, opts);
  EXPECT_TRUE(t2["columnDefinitions"].empty());
  EXPECT_FALSE(t2["rows"][0].contains("object"));
  EXPECT_FALSE(TablePrinter::forCustomResource(
                   Json::parse(R"([{"name":"X","type":"string","jsonPath":".a["}])"))
                   .isOk());
}

TEST(TablePrinterTest, OddObjectsNeverThrow) {
  const char* objects[] = {"null", "[]", "1", R"({"metadata":5})", R"({"spec":{"containers":7}})",
                           R"({"status":{"containerStatuses":[1,null,{"state":3}]}})"};
  const char* resources[] = {"pods", "services", "nodes", "events", "configmaps"};
  TableOptions opts;
  for (const char* r : resources) {
    const TablePrinter p = TablePrinter::forBuiltin("", r);
    for (const char* o : objects) {
      const Json row = p.row(Json::parse(o), opts);
      EXPECT_EQ(row["cells"].size(), p.columns().size()) << r << " " << o;
    }
  }
  EXPECT_EQ(parseIncludeObject("").value(), IncludeObject::Metadata);
  EXPECT_FALSE(parseIncludeObject("All").isOk());
}

}  // namespace
}  // namespace flotilla::apimachinery
