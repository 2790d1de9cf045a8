#include "apiserver/server.h"

#include <filesystem>
#include <fstream>
#include <mutex>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <nlohmann/json.hpp>

#include "api/yaml.h"
#include "apiserver/api_handler.h"
#include "apiserver/api_status.h"
#include "apiserver/auth.h"
#include "apiserver/http_server.h"
#include "apiserver/karmada_admission.h"
#include "apiserver/mcs_admission.h"
#include "apiserver/object_store.h"
#include "apiserver/pki.h"
#include "apiserver/resource_registry.h"
#include "apiserver/system_controllers.h"
#include "core/logging.h"
#include "spdlog/spdlog.h"
#include "storage/base64.h"
#include "storage/storage_factory.h"

namespace flotilla::apiserver {

std::vector<std::pair<std::string, std::string>> bundledCrds();  // generated at build time

namespace {

namespace fs = std::filesystem;

core::Status writeKubeconfig(const std::string& path, const std::string& url,
                             const std::string& ca_pem, const std::string& token) {
  std::ofstream out(path + ".tmp", std::ios::trunc);
  if (!out) return core::Status(core::Code::Unavailable, "cannot write " + path);
  out << "apiVersion: v1\nkind: Config\nclusters:\n- name: flotilla\n  cluster:\n    server: "
      << url << "\n";
  if (!ca_pem.empty()) out << "    certificate-authority-data: " << storage::base64Encode(ca_pem) << "\n";
  out << "contexts:\n- name: flotilla\n  context:\n    cluster: flotilla\n    user: admin\n"
      << "current-context: flotilla\nusers:\n- name: admin\n  user:\n";
  if (!token.empty()) {
    out << "    token: " << token << "\n";
  } else {
    out << "    {}\n";
  }
  out.close();
  std::error_code ec;
  fs::permissions(path + ".tmp", fs::perms::owner_read | fs::perms::owner_write, ec);
  fs::rename(path + ".tmp", path, ec);
  if (ec) return core::Status(core::Code::Unavailable, "cannot write " + path + ": " + ec.message());
  return core::Status::ok();
}

// glibc returns freed memory at the top of a heap to the kernel once it exceeds 128 KiB and
// takes it back on the next burst: a server allocating and freeing object trees and megabyte
// bodies per request then spends its time in page faults zeroing the same pages again (6% of a
// simulated member's CPU in profiles). Keep up to 16 MiB of slack per heap instead. Process-wide,
// so done once, by the first server of the process.
void keepHeapSlack() {
#ifdef __GLIBC__
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
    mallopt(M_TOP_PAD, 1 << 20);
  });
#endif
}

HttpRequest internalRequest(const std::string& method, const std::string& path,
                            const std::string& body) {
  HttpRequest req;
  req.method = method;
  req.target = path;
  req.path = path;
  req.body = body;
  req.headers["content-type"] = "application/json";
  req.headers["user-agent"] = "flotilla-apiserver/bootstrap";
  req.user = {"system:apiserver", "", {"system:masters"}};
  return req;
}

class ServerImpl final : public ApiServer {
 public:
  uint16_t port() const override { return http_->port(); }
  std::string url() const override { return url_; }
  std::string kubeconfigPath() const override { return kubeconfig_; }
  void stop() override {
    if (http_) http_->stop();
    for (auto& c : embedded_) c->stop();
    if (controllers_) controllers_->stop();
  }
  ~ServerImpl() override { stop(); }

  core::Status init(const ApiServerOptions& opts) {
    keepHeapSlack();
    auto log = core::logger("apiserver");
    std::error_code ec;
    fs::create_directories(opts.data_dir, ec);
    if (ec) {
      return core::Status(core::Code::InvalidArgument,
                          "--data-dir " + opts.data_dir + ": " + ec.message());
    }
    auto colon = opts.listen.rfind(':');
    if (colon == std::string::npos) {
      return core::invalidArgument("--listen must be HOST:PORT, got " + opts.listen);
    }
    HttpServerOptions http_opts;
    http_opts.host = opts.listen.substr(0, colon);
    try {
      int port = std::stoi(opts.listen.substr(colon + 1));
      if (port < 0 || port > 65535) throw std::out_of_range("port");
      http_opts.port = static_cast<uint16_t>(port);
    } catch (...) {
      return core::invalidArgument("--listen: bad port in " + opts.listen);
    }
    const bool loopback = http_opts.host == "127.0.0.1" || http_opts.host == "localhost" ||
                          http_opts.host == "::1";
    if (http_opts.host == "localhost") http_opts.host = "127.0.0.1";
    if (opts.insecure_http && !loopback) {
      return core::invalidArgument("--insecure-http is only allowed on a loopback address");
    }

    storage::StorageConfig sc;
    sc.backend = opts.storage;
    sc.data_dir = opts.data_dir;
    sc.etcd_endpoints = opts.etcd_endpoints;
    sc.sqlite.durable_commits = opts.durable_commits;
    sc.sqlite.compaction_interval = opts.compaction_interval;
    auto st = storage::openStorage(sc);
    if (!st.isOk()) return st.status().withContext("opening " + opts.storage + " storage");
    storage_ = std::move(*st);
    clock_ = std::make_shared<core::RealClock>();
    registry_ = std::make_unique<ResourceRegistry>();
    store_ = std::make_unique<ObjectStore>(*storage_, clock_);
    controllers_ = std::make_unique<SystemControllers>(*registry_, *store_, clock_);
    FLOTILLA_RETURN_IF_ERROR(controllers_->start());

    // Bind first: the handler needs the real address for discovery.
    auto auth = std::make_shared<Authenticator>();
    std::string token;
    std::string ca_pem;
    if (!opts.insecure_http) {
      auto pki = loadOrCreatePki(opts.data_dir, {http_opts.host});
      if (!pki.isOk()) return pki.status();
      http_opts.tls = true;
      http_opts.tls_config = {pki->cert_pem, pki->key_pem, pki->ca_cert_pem};
      ca_pem = pki->ca_cert_pem;
      auto t = auth->loadTokens(opts.data_dir);
      if (!t.isOk()) return t.status();
      token = *t;
    } else {
      log->warn("serving plain HTTP on {}: every request is treated as the cluster admin; use "
                "this only for local development",
                opts.listen);
    }
    const bool tls = http_opts.tls;
    auto http = HttpServer::start(
        http_opts,
        [this](HttpRequest& req) {
          ApiHandler* h = handler_ptr_.load();
          if (h == nullptr) {
            return HandlerResult{statusResponse(core::Status(core::Code::Unavailable,
                                                             "the server is starting")),
                                 nullptr};
          }
          return h->handle(req);
        },
        [auth, tls](HttpRequest& req, const std::vector<std::string>& identity) {
          return auth->authenticate(req, identity, tls);
        });
    if (!http.isOk()) return http.status();
    http_ = std::move(*http);
    const std::string address = http_opts.host + ":" + std::to_string(http_->port());
    url_ = (tls ? "https://" : "http://") + address;
    ApiHandlerOptions hopts;
    hopts.server_address = address;
    handler_ = std::make_unique<ApiHandler>(hopts, *registry_, *store_, clock_);
    registerKarmadaValidators(handler_->admission());
    registerMcsValidators(handler_->admission(), *store_, *registry_);
    handler_ptr_ = handler_.get();

    FLOTILLA_RETURN_IF_ERROR(bootstrap(opts));
    for (const auto& factory : opts.embedded_controllers) {
      auto c = factory(*store_, *registry_, clock_);
      if (!c.isOk()) return c.status().withContext("starting embedded controller");
      embedded_.push_back(std::move(*c));
    }
    kubeconfig_ = (fs::path(opts.data_dir) / "admin.kubeconfig").string();
    FLOTILLA_RETURN_IF_ERROR(writeKubeconfig(kubeconfig_, url_, ca_pem, token));
    return core::Status::ok();
  }

 private:
  core::Status bootstrap(const ApiServerOptions& opts) {
    auto log = core::logger("apiserver");
    for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      auto get = internalRequest("GET", std::string("/api/v1/namespaces/") + ns, "");
      if (handler_->handle(get).response.status == 404) {
        auto post = internalRequest(
            "POST", "/api/v1/namespaces",
            nlohmann::json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}}
                .dump());
        auto res = handler_->handle(post).response;
        if (res.status != 201 && res.status != 409) {
          return core::internalError("creating namespace " + std::string(ns) + ": " + res.body);
        }
      }
    }
    if (!opts.install_crds) return core::Status::ok();
    for (const auto& [file, text] : bundledCrds()) {
      auto docs = api::yamlDocumentsToJson(text);
      if (!docs.isOk()) return docs.status().withContext("bundled CRD " + file);
      for (auto& crd : *docs) {
        if (!crd.is_object() || crd.value("kind", "") != "CustomResourceDefinition") continue;
        const std::string name = crd["metadata"].value("name", "");
        const std::string path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
        auto get = internalRequest("GET", path + "/" + name, "");
        auto existing = handler_->handle(get).response;
        HttpResponse res;
        if (existing.status == 404) {
          auto post = internalRequest("POST", path, crd.dump());
          res = handler_->handle(post).response;
        } else {
          auto current = nlohmann::json::parse(existing.body, nullptr, false);
          if (current.is_object() && current.value("spec", nlohmann::json()) == crd["spec"]) continue;
          crd["metadata"]["resourceVersion"] = current["metadata"].value("resourceVersion", "");
          auto put = internalRequest("PUT", path + "/" + name, crd.dump());
          res = handler_->handle(put).response;
        }
        if (res.status >= 300) {
          return core::internalError("installing bundled CRD " + name + ": " + res.body);
        }
      }
    }
    // The resources of the bundled CRDs are served before we report ready.
    for (int i = 0; i < 200; ++i) {
      if (registry_->find("policy.karmada.io", "v1alpha1", "propagationpolicies")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    log->info("bootstrap complete");
    return core::Status::ok();
  }

  storage::StoragePtr storage_;
  core::ClockPtr clock_;
  std::unique_ptr<ResourceRegistry> registry_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<SystemControllers> controllers_;
  std::vector<std::unique_ptr<EmbeddedController>> embedded_;
  std::unique_ptr<ApiHandler> handler_;
  std::atomic<ApiHandler*> handler_ptr_{nullptr};
  std::unique_ptr<HttpServer> http_;
  std::string url_;
  std::string kubeconfig_;
};

}  // namespace

core::Result<std::unique_ptr<ApiServer>> ApiServer::start(const ApiServerOptions& options) {
  auto server = std::make_unique<ServerImpl>();
  FLOTILLA_RETURN_IF_ERROR(server->init(options));
  return std::unique_ptr<ApiServer>(std::move(server));
}

}  // namespace flotilla::apiserver
