#include "runtime/manager.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <thread>

#include "core/logging.h"

namespace flotilla::runtime {

namespace {
std::atomic<int> g_signal{0};
extern "C" void onShutdownSignal(int sig) { g_signal.store(sig); }
}  // namespace

Manager::Manager(client::ClientPtr client, ManagerOptions options, MetricsRegistryPtr metrics)
    : client_(std::move(client)), options_(std::move(options)), metrics_(std::move(metrics)) {
  if (!options_.clock) options_.clock = std::make_shared<core::RealClock>();
  informers_ =
      std::make_unique<client::SharedInformerFactory>(client_, options_.informer_defaults);
  if (options_.leader_election) {
    elector_ = std::make_unique<LeaderElector>(client_, *options_.leader_election, options_.clock,
                                               metrics_.get());
  }
}

Manager::~Manager() {
  stop_.cancel();
  if (signal_thread_.joinable()) signal_thread_.join();
  for (auto& c : controllers_) c->stop();
  informers_->shutdown();
  if (server_) server_->stop();
}

Controller& Manager::addController(ControllerOptions options, ReconcilerPtr reconciler) {
  if (!options.clock) options.clock = options_.clock;
  if (!options.metrics) options.metrics = metrics_.get();
  if (elector_ && !options.gate) options.gate = [this] { return elector_->leading(); };
  controllers_.push_back(std::make_unique<Controller>(std::move(options), std::move(reconciler)));
  return *controllers_.back();
}

bool Manager::leading() const { return !elector_ || elector_->leading(); }

uint16_t Manager::metricsPort() const { return server_ ? server_->port() : 0; }

void Manager::installSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onShutdownSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  // A watcher turns the async-signal-safe flag into a cancellation.
  if (signal_thread_.joinable()) return;
  signal_thread_ = std::thread([this] {
    while (!stop_.cancelled()) {
      if (g_signal.load() != 0) {
        core::logger("manager")->info("[{}] signal {} received, shutting down", options_.name,
                                      g_signal.load());
        stop_.cancel();
        return;
      }
      stop_.sleepFor(std::chrono::milliseconds(50));
    }
  });
}

core::Status Manager::run() {
  auto log = core::logger("manager");
  if (options_.metrics_port) {
    MetricsServerOptions mo;
    mo.host = options_.metrics_host;
    mo.port = *options_.metrics_port;
    mo.ready = [this] { return ready_.load(); };
    auto server = MetricsServer::start(metrics_, mo);
    if (!server) return server.status();
    server_ = std::move(server).value();
    log->info("[{}] serving /metrics on {}:{}", options_.name, options_.metrics_host,
              server_->port());
  }
  informers_->start();
  if (!informers_->waitForCacheSync(options_.cache_sync_timeout, &stop_)) {
    if (stop_.cancelled()) return core::Status::ok();
    return core::Status(core::Code::Timeout, "caches did not sync in time");
  }
  ready_ = true;
  for (auto& c : controllers_) c->start();
  log->info("[{}] caches synced; {} controller(s) started", options_.name, controllers_.size());

  if (elector_) {
    // Campaign, lead until the lease is lost, then campaign again, until stopped.
    while (!stop_.cancelled()) {
      elector_->run(stop_);
      if (!stop_.cancelled()) {
        log->warn("[{}] lost leadership; campaigning again", options_.name);
        stop_.sleepFor(options_.leader_election->retry_period);
      }
    }
  } else {
    while (stop_.sleepFor(std::chrono::hours(1))) {
    }
  }
  log->info("[{}] stopping controllers", options_.name);
  for (auto& c : controllers_) c->stop();
  informers_->shutdown();
  if (server_) server_->stop();
  ready_ = false;
  return core::Status::ok();
}

}  // namespace flotilla::runtime
