// `flotilla controller-manager`: the composition root of the federation controllers. It builds
// the host client from a kubeconfig, the member clients from each Cluster's apiEndpoint and
// credentials Secret, the shared informers (Karmada objects plus one informer per propagatable
// resource the host serves, found by discovery), and runs the cluster status, taint policy, taint
// manager, graceful eviction, detector, scheduler, binding, execution and binding status
// controllers under the runtime's manager
// (optionally behind leader election, with /metrics, /healthz and /readyz).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "cli/command.h"
#include "cli/flags.h"
#include "client/kubeconfig.h"
#include "client/object_compare.h"
#include "client/rest_client.h"
#include "client/rest_mapper.h"
#include "controllers/binding/binding_controller.h"
#include "controllers/binding_status/binding_status_controller.h"
#include "controllers/cluster_status/cluster_status_controller.h"
#include "controllers/detector/detector.h"
#include "controllers/eviction/graceful_eviction_controller.h"
#include "controllers/detector/namespace_sync.h"
#include "controllers/execution/execution_controller.h"
#include "controllers/execution/member_object_cache.h"
#include "controllers/membership/member_clients.h"
#include "controllers/scheduler/scheduler_controller.h"
#include "controllers/taint_manager/taint_manager.h"
#include "controllers/application_failover/application_failover_controller.h"
#include "controllers/taint_policy/taint_policy_controller.h"
#include "controllers/templates/kind_discovery.h"
#include "controllers/templates/template_store.h"
#include "controllers/wire/karmada_names.h"
#include "api/work_types.h"
#include "core/logging.h"
#include "mcs/consistency/consistency_wiring.h"
#include "mcs/controllers/mcs_wiring.h"
#include "runtime/event_recorder.h"
#include "runtime/heap_trimmer.h"
#include "runtime/manager.h"

namespace flotilla::cli {
namespace {

using controllers::TemplateKind;
using runtime::Request;

bool parseDuration(const std::string& text, std::chrono::milliseconds* out) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    const std::string unit = text.substr(used);
    double ms;
    if (unit.empty() || unit == "s") {
      ms = v * 1000;
    } else if (unit == "ms") {
      ms = v;
    } else if (unit == "m") {
      ms = v * 60000;
    } else {
      return false;
    }
    *out = std::chrono::milliseconds(static_cast<int64_t>(ms));
    return true;
  } catch (...) {
    return false;
  }
}

core::Result<client::ClientPtr> hostClient(const std::string& kubeconfig,
                                           runtime::MetricsRegistry* metrics) {
  core::Result<client::RestConfig> rc = core::Status(core::Code::NotFound, "");
  if (!kubeconfig.empty()) {
    auto kc = client::loadKubeconfigFile(kubeconfig);
    if (!kc) return kc.status();
    rc = kc->restConfig();
  } else {
    rc = client::loadDefaultRestConfig();
  }
  if (!rc) return rc.status();
  // Thousands of Works per second each need a write or two; the API server, not this client,
  // is the limit worth having.
  rc->qps = 5000;
  rc->burst = 10000;
  auto rest = client::RestClient::create(*rc, {nullptr, nullptr, metrics});
  if (!rest) return rest.status();
  return client::ClientPtr(*rest);
}

std::vector<Request> allKeys(const client::Indexer& indexer) {
  std::vector<Request> out;
  for (const auto& k : indexer.keys()) out.push_back(Request::fromKey(k));
  return out;
}

int runControllerManager(const std::vector<std::string>& args) {
  Flags flags("controller-manager", "--kubeconfig HOST [flags]",
              {{"kubeconfig", "kubeconfig of the host (Flotilla) API server", ""},
               {"leader-elect", "run behind a Lease in karmada-system", "", true},
               {"leader-elect-identity", "identity for leader election (default host name)", ""},
               {"metrics-addr", "address of /metrics, /healthz, /readyz (port 0 picks one)",
                "127.0.0.1:0"},
               {"cluster-probe-period", "how often member clusters are probed", "10s"},
               {"cluster-failure-threshold", "how long a probe must fail before NotReady", "30s"},
               {"cluster-success-threshold", "how long a probe must pass before Ready", "0s"},
               {"cluster-probe-timeout",
                "the longest one member health probe may take (no retries)", "5s"},
               {"work-status-period", "how often member object status is collected", "2s"},
               {"status-coalesce",
                "how long member status changes are gathered into one Work or binding status "
                "write (0 = write each at once)",
                "300ms"},
               {"status-settle",
                "after applying a Work, how long its status write may wait for the member objects "
                "to turn Healthy (one write instead of one per intermediate state); bindings wait "
                "up to twice this for all their Works to report (0 = write each state)",
                "5s"},
               {"enable-taint-manager",
                "evict bindings from clusters with untolerated NoExecute taints (false to disable)",
                "true"},
               {"enable-application-failover",
                "evict bindings whose policy sets failover.application from clusters where the "
                "workload stays Unhealthy past tolerationSeconds (false to disable)",
                "true"},
               {"resource-eviction-rate",
                "bindings the taint manager may evict per second (after a burst of 10; 0 = no "
                "limit), so a partitioned cluster is not emptied in one go",
                "0.5"},
               {"no-execute-taint-eviction-purge-mode",
                "purge mode when the policy sets none: Gracefully or Directly", "Gracefully"},
               {"graceful-eviction-timeout",
                "how long an evicted cluster keeps the old copy at most", "10m"},
               {"scheduler-name", "bindings with this spec.schedulerName are scheduled",
                "default-scheduler"},
               {"workers", "workers per controller", "2"},
               {"binding-workers", "workers of the binding controller", "8"},
               {"execution-workers", "workers of the execution controller (member round trips)",
                "16"},
               {"mcs-endpoint-grace",
                "how long a NotReady cluster's exported endpoints stay in consumers", "10s"},
               {"mcs-workers",
                "workers of the multi-cluster service sync (they mostly wait on members)", "16"},
               {"mcs-consistency-period",
                "how often consumers' MCS endpoints are checked against the providers (0 = off)",
                "30s"},
               {"kind-discovery-period",
                "how often the host is asked for resource kinds served since start", "10s"},
               {"log-level", "trace, debug, info, warn, error", "info"}});
  auto st = flags.parse(args);
  if (!st.isOk()) {
    std::fprintf(stderr, "controller-manager: %s\n", st.message().c_str());
    return 2;
  }
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // Before any thread starts: the arena bound applies to threads created afterwards.
  runtime::HeapTrimmer heap_trimmer;
  core::setupLogging(flags.get("log-level"), "text");
  auto log = core::logger("controller-manager");

  controllers::ClusterStatusOptions cs_options;
  controllers::ExecutionOptions ex_options;
  mcs::McsWiringOptions mcs_options;
  std::chrono::milliseconds kind_discovery_period{10000};
  if (!parseDuration(flags.get("cluster-probe-period"), &cs_options.probe_period) ||
      !parseDuration(flags.get("cluster-failure-threshold"), &cs_options.failure_threshold) ||
      !parseDuration(flags.get("cluster-success-threshold"), &cs_options.success_threshold) ||
      !parseDuration(flags.get("cluster-probe-timeout"), &cs_options.probe_timeout) ||
      !parseDuration(flags.get("work-status-period"), &ex_options.status_period) ||
      !parseDuration(flags.get("status-coalesce"), &ex_options.status_coalesce) ||
      !parseDuration(flags.get("status-settle"), &ex_options.status_settle) ||
      !parseDuration(flags.get("kind-discovery-period"), &kind_discovery_period)) {
    std::fprintf(stderr, "controller-manager: bad duration flag\n");
    return 2;
  }
  std::chrono::milliseconds eviction_timeout{};
  if (!parseDuration(flags.get("graceful-eviction-timeout"), &eviction_timeout)) {
    std::fprintf(stderr, "controller-manager: bad --graceful-eviction-timeout\n");
    return 2;
  }
  double eviction_rate = 0;
  {
    const std::string text = flags.get("resource-eviction-rate");
    char* end = nullptr;
    eviction_rate = std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0' || eviction_rate < 0) {
      std::fprintf(stderr,
                   "controller-manager: --resource-eviction-rate must be a number >= 0, got %s\n",
                   text.c_str());
      return 2;
    }
  }
  const std::string application_failover_flag = flags.get("enable-application-failover");
  if (application_failover_flag != "true" && application_failover_flag != "false") {
    std::fprintf(stderr,
                 "controller-manager: --enable-application-failover must be true or false\n");
    return 2;
  }
  const std::string taint_manager_flag = flags.get("enable-taint-manager");
  if (taint_manager_flag != "true" && taint_manager_flag != "false") {
    std::fprintf(stderr, "controller-manager: --enable-taint-manager must be true or false\n");
    return 2;
  }
  const std::string purge_mode = flags.get("no-execute-taint-eviction-purge-mode");
  if (purge_mode != "Gracefully" && purge_mode != "Directly") {
    std::fprintf(stderr,
                 "controller-manager: --no-execute-taint-eviction-purge-mode must be Gracefully "
                 "or Directly\n");
    return 2;
  }
  const std::string metrics_addr = flags.get("metrics-addr");
  const auto colon = metrics_addr.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "controller-manager: --metrics-addr must be host:port\n");
    return 2;
  }
  const int workers = std::max(1, std::atoi(flags.get("workers").c_str()));

  auto metrics = std::make_shared<runtime::MetricsRegistry>();
  auto host = hostClient(flags.get("kubeconfig"), metrics.get());
  if (!host) {
    std::fprintf(stderr, "controller-manager: %s\n", host.status().toString().c_str());
    return 1;
  }
  auto resources = client::discoverResources(**host);
  if (!resources) {
    std::fprintf(stderr, "controller-manager: discovery failed: %s\n",
                 resources.status().toString().c_str());
    return 1;
  }

  runtime::ManagerOptions mo;
  mo.name = "flotilla-controller-manager";
  mo.metrics_host = metrics_addr.substr(0, colon);
  mo.metrics_port = static_cast<uint16_t>(std::atoi(metrics_addr.substr(colon + 1).c_str()));
  if (flags.getBool("leader-elect")) {
    runtime::LeaderElectionConfig le;
    le.lease_namespace = "karmada-system";
    le.lease_name = "flotilla-controller-manager";
    le.identity = flags.get("leader-elect-identity");
    if (le.identity.empty()) {
      char name[256] = {};
      gethostname(name, sizeof(name) - 1);
      le.identity = std::string(name) + "_" + std::to_string(getpid());
    }
    mo.leader_election = le;
    // The Lease lives in karmada-system; a fresh host may not have it yet.
    auto created = (*host)->create(controllers::kNamespacesGvr, "",
                                   {{"apiVersion", "v1"},
                                    {"kind", "Namespace"},
                                    {"metadata", {{"name", le.lease_namespace}}}},
                                   {controllers::kFieldManager});
    if (!created && created.status().code() != core::Code::AlreadyExists) {
      log->warn("cannot create namespace {}: {}", le.lease_namespace,
                created.status().toString());
    }
  }
  mo.informer_defaults.drop_managed_fields = true;
  runtime::Manager manager(*host, mo, metrics);
  auto& inf = manager.informers();
  using namespace controllers;  // NOLINT: wiring reads better with the names unqualified
  auto clusters = inf.informerFor(kClustersGvr);
  auto secrets = inf.informerFor(kSecretsGvr, kClusterNamespace);
  auto pps = inf.informerFor(kPropagationPoliciesGvr);
  auto cpps = inf.informerFor(kClusterPropagationPoliciesGvr);
  auto ops = inf.informerFor(kOverridePoliciesGvr);
  auto cops = inf.informerFor(kClusterOverridePoliciesGvr);
  auto rbs = inf.informerFor(kResourceBindingsGvr);
  auto crbs = inf.informerFor(kClusterResourceBindingsGvr);
  auto works = inf.informerFor(kWorksGvr);
  works->addIndex(kWorkBindingIndex, workBindingIndex);
  rbs->addIndex(kRequiredByIndex, requiredByIndex);
  crbs->addIndex(kRequiredByIndex, requiredByIndex);
  client::InformerPtr price_books;
  bool have_price_books = false;
  for (const auto& r : *resources) have_price_books = have_price_books || r.gvr == kPriceBooksGvr;
  if (have_price_books) price_books = inf.informerFor(kPriceBooksGvr);

  // Member requests are counted in /metrics (rest_client_requests_total by host) like the host's.
  auto member_clients = std::make_shared<SecretMemberClients>(
      clusters->indexer(), secrets->indexer(),
      [metrics](const client::RestConfig& c) -> core::Result<client::ClientPtr> {
        auto rest = client::RestClient::create(c, {nullptr, nullptr, metrics.get()});
        if (!rest) return rest.status();
        return client::ClientPtr(*rest);
      });
  auto events = std::make_shared<runtime::EventRecorder>(*host, "flotilla-controller-manager");

  // Template kinds: the preferred version of every propagatable resource.
  auto templates = std::make_shared<TemplateStore>();
  for (auto& kind : newTemplateKinds(*resources, *templates)) {
    kind.informer = inf.informerFor(kind.gvr);
    templates->add(kind);
  }
  auto namespaces = inf.informerFor(kNamespacesGvr);
  const auto kinds = templates->kinds();
  log->info("watching {} template kinds", kinds.size());

  auto add = [&](const std::string& name, runtime::ReconcilerPtr r,
                 int n = 0) -> runtime::Controller& {
    runtime::ControllerOptions co;
    co.name = name;
    co.workers = n > 0 ? n : workers;
    return manager.addController(co, std::move(r));
  };
  const client::Indexer& rb_cache = rbs->indexer();
  const client::Indexer& crb_cache = crbs->indexer();
  auto all_bindings = [&rb_cache, &crb_cache](const client::ObjectPtr&) {
    auto out = allKeys(rb_cache);
    for (const auto& k : crb_cache.keys()) out.push_back(Request{"", k});
    return out;
  };
  // Status-only updates (bindings' aggregated status, templates' status, Works' member status,
  // Cluster probes) matter to few controllers.
  auto spec_changed = [](const client::ObjectPtr& o, const client::ObjectPtr& n) {
    return !client::sameExceptStatus(*o, *n);
  };
  auto binding_of_work = [](const client::ObjectPtr& w) {
    std::vector<Request> out;
    for (const auto& k : workBindingIndex(*w)) out.push_back(Request::fromKey(k));
    return out;
  };

  // Cluster status.
  auto& cluster_status = add("cluster-status", std::make_shared<ClusterStatusController>(
                                                   *host, clusters->indexer(), member_clients,
                                                   nullptr, cs_options));
  cluster_status.watch(*clusters);

  // Detector: one controller per template kind; policy events revisit the templates they may
  // select, binding events revisit the template a binding belongs to.
  struct DetectorRoutes {
    std::mutex mu;
    std::map<std::pair<std::string, std::string>, runtime::Controller*> by_kind;  // (gv, kind)
  } detector_routes;
  DetectorCaches dcaches{&pps->indexer(), &cpps->indexer(), &rb_cache, &crb_cache};
  auto wire_detector = [&](const TemplateKind& kind, runtime::Controller& c) {
    c.watch(*kind.informer);
    const client::Indexer& tcache = kind.informer->indexer();
    if (kind.namespaced) {
      c.watch(*pps, [&tcache](const client::ObjectPtr& p) {
        std::vector<Request> out;
        for (const auto& o : tcache.byNamespace(p->namespaceName())) {
          out.push_back({o->namespaceName(), o->name()});
        }
        return out;
      });
    }
    c.watch(*cpps, [&tcache](const client::ObjectPtr&) { return allKeys(tcache); });
    std::lock_guard lock(detector_routes.mu);
    detector_routes.by_kind[{kind.gvk.groupVersion(), kind.gvk.kind}] = &c;
  };
  // Binding events revisit the template a binding belongs to: one handler per binding informer
  // routes by the binding's spec.resource (parsed alone from the text), instead of one handler
  // per template kind each parsing every binding.
  auto route_binding = [&detector_routes](const client::ObjectPtr& b) {
    const std::string_view text = b->rawMember({"spec", "resource"});
    if (text.empty()) return;
    const nlohmann::json res = nlohmann::json::parse(text, nullptr, false);
    if (!res.is_object()) return;
    runtime::Controller* detector = nullptr;
    {
      std::lock_guard lock(detector_routes.mu);
      auto it = detector_routes.by_kind.find({res.value("apiVersion", ""), res.value("kind", "")});
      if (it != detector_routes.by_kind.end()) detector = it->second;
    }
    if (detector) {
      detector->queue().add(
          Request{res.value("namespace", ""), res.value("name", "")}.key());
    }
  };
  for (auto* binding_informer : {rbs.get(), crbs.get()}) {
    binding_informer->addEventHandler(
        {route_binding,
         // A binding's status (aggregated from its Works on every member report) never
         // changes what the detector writes into it; only its spec and metadata do.
         [route_binding, spec_changed](const client::ObjectPtr& o, const client::ObjectPtr& n) {
           if (spec_changed(o, n)) route_binding(n);
         },
         route_binding});
  }
  for (const auto& kind : kinds) {
    wire_detector(kind, add("detector-" + kind.gvr.toString(),
                            std::make_shared<Detector>(*host, kind, dcaches, templates.get())));
  }

  // Namespaces: every host namespace (bar reserved and skip-labelled ones) in every member.
  const client::Indexer& ns_cache = namespaces->indexer();
  auto& ns_sync = add("namespace-sync",
                      std::make_shared<NamespaceSync>(
                          *host, NamespaceSyncCaches{&ns_cache, &clusters->indexer(),
                                                     &works->indexer(), &cops->indexer()}));
  ns_sync.watch(*namespaces);
  // ClusterOverridePolicies may select Namespaces: any change revisits every namespace.
  ns_sync.watch(*cops, [&ns_cache](const client::ObjectPtr&) { return allKeys(ns_cache); });
  // Cluster status (probed every few seconds) changes no namespace Work.
  ns_sync.watch(
      *clusters, [&ns_cache](const client::ObjectPtr&) { return allKeys(ns_cache); },
      spec_changed);
  ns_sync.watch(*works, [](const client::ObjectPtr& w) {
    const std::string ns = namespaceOfWork(*w);
    return ns.empty() ? std::vector<Request>{} : std::vector<Request>{Request{"", ns}};
  });

  // Scheduler.
  SchedulerControllerOptions so;
  so.scheduler_name = flags.get("scheduler-name");
  SchedulerCaches scaches{&rb_cache, &crb_cache, &clusters->indexer(),
                          price_books ? &price_books->indexer() : nullptr};
  auto& sched = add("scheduler", std::make_shared<SchedulerController>(*host, scaches, events,
                                                                       nullptr, so));
  auto binding_and_dependents = [](const client::Indexer& cache) {
    return [&cache](const client::ObjectPtr& b) {
      std::vector<Request> out{Request{b->namespaceName(), b->name()}};
      for (const auto& d : cache.byIndex(kRequiredByIndex, b->key())) {
        out.push_back({d->namespaceName(), d->name()});
      }
      return out;
    };
  };
  sched.watch(*rbs, binding_and_dependents(rb_cache));
  sched.watch(*crbs, binding_and_dependents(crb_cache));
  auto pending_bindings = std::make_shared<PendingBindings>();
  auto unscheduled = [&rb_cache, &crb_cache, pending_bindings](const client::ObjectPtr&) {
    return pending_bindings->list(rb_cache, crb_cache);
  };
  sched.watch(*clusters, unscheduled);
  if (price_books) sched.watch(*price_books, unscheduled);

  // Binding → Work.
  BindingCaches bcaches{&rb_cache, &crb_cache, &works->indexer(), &clusters->indexer(),
                        &ops->indexer(), &cops->indexer()};
  auto& binding = add("binding",
                      std::make_shared<BindingController>(*host, bcaches, templates.get(), events),
                      std::atoi(flags.get("binding-workers").c_str()));
  binding.watch(*rbs, nullptr, spec_changed);
  binding.watch(*crbs, nullptr, spec_changed);
  // Works: only someone else's change matters (a Work edited or deleted behind our back). The add
  // of a Work we just created would re-render every Work of its binding to find nothing to do.
  works->addEventHandler(
      {nullptr,
       [&binding, binding_of_work, spec_changed](const client::ObjectPtr& o,
                                                 const client::ObjectPtr& n) {
         if (!spec_changed(o, n)) return;
         for (const auto& r : binding_of_work(n)) binding.queue().add(r.key());
       },
       [&binding, binding_of_work](const client::ObjectPtr& w) {
         for (const auto& r : binding_of_work(w)) binding.queue().add(r.key());
       }});
  binding.watch(*ops, [&rb_cache](const client::ObjectPtr& p) {
    std::vector<Request> out;
    for (const auto& b : rb_cache.byNamespace(p->namespaceName())) {
      out.push_back({b->namespaceName(), b->name()});
    }
    return out;
  });
  binding.watch(*cops, all_bindings);
  binding.watch(*clusters, all_bindings, spec_changed);
  auto template_to_binding = [&](const TemplateKind& kind) {
    binding.watch(
        *kind.informer,
        [kind](const client::ObjectPtr& t) {
          return std::vector<Request>{
              Request{kind.namespaced ? t->namespaceName() : "",
                      api::bindingName(kind.gvk.kind, t->name())}};
        },
        spec_changed);
  };
  for (const auto& kind : kinds) template_to_binding(kind);

  // Cluster failover: ClusterTaintPolicy taints, the NoExecute taint manager, graceful eviction.
  auto taint_policies = inf.informerFor(kClusterTaintPoliciesGvr);
  auto& taint_policy = add("taint-policy", std::make_shared<TaintPolicyController>(
                                               *host, clusters->indexer(),
                                               taint_policies->indexer(), nullptr));
  taint_policy.watch(*clusters);
  const client::Indexer& cluster_cache = clusters->indexer();
  taint_policy.watch(*taint_policies,
                     [&cluster_cache](const client::ObjectPtr&) { return allKeys(cluster_cache); });
  if (taint_manager_flag == "true") {
    TaintManagerOptions tm_options;
    tm_options.purge_mode = purge_mode;
    tm_options.eviction_rate = eviction_rate;
    auto& taint_manager = add(
        "taint-manager",
        std::make_shared<TaintManager>(*host, TaintManagerCaches{&rb_cache, &crb_cache,
                                                                 &cluster_cache},
                                       events, nullptr, tm_options));
    taint_manager.watch(*rbs);
    taint_manager.watch(*crbs);
    // Taints live in the Cluster's spec; its status updates cannot evict anything.
    taint_manager.watch(
        *clusters,
        [&rb_cache, &crb_cache](const client::ObjectPtr& c) {
          return bindingsOnCluster(rb_cache, crb_cache, c->name());
        },
        spec_changed);
  }
  if (application_failover_flag == "true") {
    // Health lives in the bindings' status: every binding change may start or end a timer.
    auto& application_failover =
        add("application-failover",
            std::make_shared<ApplicationFailoverController>(
                *host, ApplicationFailoverCaches{&rb_cache, &crb_cache}, events));
    application_failover.watch(*rbs);
    application_failover.watch(*crbs);
  }
  GracefulEvictionOptions ge_options;
  ge_options.timeout = std::chrono::duration_cast<std::chrono::seconds>(eviction_timeout);
  auto& graceful_eviction =
      add("graceful-eviction", std::make_shared<GracefulEvictionController>(
                                   *host, GracefulEvictionCaches{&rb_cache, &crb_cache}, nullptr,
                                   ge_options));
  graceful_eviction.watch(*rbs);
  graceful_eviction.watch(*crbs);

  // Execution.
  // Member objects are watched (one informer per member and resource, started on first use), so
  // member status reaches Works without polling.
  client::InformerOptions member_informers;
  member_informers.drop_managed_fields = true;
  auto member_objects = std::make_shared<MemberObjectCache>(member_informers);
  auto& execution = add("execution",
                        std::make_shared<ExecutionController>(*host, works->indexer(),
                                                              member_clients, nullptr, ex_options,
                                                              member_objects),
                        std::atoi(flags.get("execution-workers").c_str()));
  const auto coalesce = ex_options.status_coalesce;
  member_objects->setNotify(
      [&execution, coalesce](const std::string& ns, const std::string& name) {
        execution.queue().addAfter(client::objectKey(ns, name), coalesce);
      });
  execution.watch(*works, nullptr, spec_changed);  // its own status writes need no reconcile

  // Binding status → template status.
  BindingStatusCaches bscaches{&rb_cache, &crb_cache, &works->indexer()};
  BindingStatusOptions bs_options;
  bs_options.settle = 2 * ex_options.status_settle;
  auto& binding_status = add("binding-status", std::make_shared<BindingStatusController>(
                                                   *host, bscaches, templates.get(), nullptr,
                                                   bs_options));
  binding_status.watch(*rbs);
  binding_status.watch(*crbs);
  // Work status changes of one binding arrive one Work at a time; gathered for a moment, they
  // make one binding (and template) status write instead of one each.
  {
    auto enqueue = [&binding_status, binding_of_work, coalesce](const client::ObjectPtr& w) {
      for (const auto& r : binding_of_work(w)) binding_status.queue().addAfter(r.key(), coalesce);
    };
    works->addEventHandler(
        {enqueue, [enqueue](const client::ObjectPtr&, const client::ObjectPtr& n) { enqueue(n); },
         enqueue});
  }

  // Kinds served after start (a CRD established later) are wired by the discovery loop once
  // their informer has synced; their detectors run beside the manager's controllers, behind the
  // same leadership gate.
  std::mutex late_mu;
  std::vector<std::unique_ptr<runtime::Controller>> late_detectors;
  KindDiscovery discovery(*host, templates.get(), kind_discovery_period, [&](TemplateKind kind) {
    if (!manager.ready()) return;  // the next pass picks it up
    kind.informer = inf.informerFor(kind.gvr);
    inf.start();
    if (!kind.informer->waitForSync(std::chrono::seconds(60))) {
      log->warn("[{}] informer did not sync; retrying on the next pass", kind.gvr.toString());
      return;
    }
    templates->add(kind);
    runtime::ControllerOptions co;
    co.name = "detector-" + kind.gvr.toString();
    co.workers = workers;
    co.metrics = metrics.get();
    co.gate = [&manager] { return manager.leading(); };
    auto c = std::make_unique<runtime::Controller>(
        co, std::make_shared<Detector>(*host, kind, dcaches, templates.get()));
    wire_detector(kind, *c);
    template_to_binding(kind);
    c->start();
    std::lock_guard lock(late_mu);
    late_detectors.push_back(std::move(c));
  });
  discovery.start();

  // Multi-cluster services: own member clients, so endpoint fan-out does not queue behind
  // execution's writes in the same token bucket.
  mcs_options.workers = std::max(1, std::atoi(flags.get("mcs-workers").c_str()));
  if (!parseDuration(flags.get("mcs-endpoint-grace"), &mcs_options.endpoint_grace)) {
    std::fprintf(stderr, "controller-manager: bad --mcs-endpoint-grace\n");
    return 2;
  }
  bool have_mcs = false;
  for (const auto& r : *resources) have_mcs = have_mcs || r.gvr.resource == "multiclusterservices";
  mcs_options.serve_multi_cluster_services = have_mcs;
  auto mcs_member_clients = std::make_shared<SecretMemberClients>(
      clusters->indexer(), secrets->indexer(),
      [](const client::RestConfig& c) -> core::Result<client::ClientPtr> {
        client::RestConfig fast = c;
        fast.qps = 500;
        fast.burst = 1000;
        auto rest = client::RestClient::create(fast);
        if (!rest) return rest.status();
        return client::ClientPtr(*rest);
      });
  auto mcs_handle = mcs::addMcsControllers(manager, *host, mcs_member_clients, mcs_options);
  mcs::ConsistencyOptions consistency;
  consistency.endpoint_grace = mcs_options.endpoint_grace;
  if (!parseDuration(flags.get("mcs-consistency-period"), &consistency.period)) {
    std::fprintf(stderr, "controller-manager: bad --mcs-consistency-period\n");
    return 2;
  }
  mcs::addConsistencyController(manager, *host, mcs_member_clients, events, consistency);

  manager.installSignalHandlers();
  std::thread announce([&] {
    for (int i = 0; i < 500 && manager.metricsPort() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::printf("metrics port %u\n", static_cast<unsigned>(manager.metricsPort()));
  });
  auto result = manager.run();
  announce.join();
  member_objects->stop();
  discovery.stop();
  for (auto& c : late_detectors) c->stop();
  if (!result.isOk()) {
    std::fprintf(stderr, "controller-manager: %s\n", result.toString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

FLOTILLA_COMMAND("controller-manager", "Run the federation controllers against a host API server",
                 runControllerManager);

}  // namespace flotilla::cli
