// TLS of the production transport against a local Boost.Beast TLS server with a throw-away PKI
// made by the openssl CLI: CA verification with an IP SAN, a server that requires a client
// certificate, kubeconfig *-data and file variants, and a chunked watch stream over TLS.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "client/kubeconfig.h"
#include "client/rest_client.h"

namespace flotilla::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// CA, server certificate (IP:127.0.0.1, DNS:localhost), client certificate CN=admin.
class Pki {
 public:
  Pki() {
    std::string tmpl = (fs::temp_directory_path() / "flotilla-pki-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    ok_ = run("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
              "-subj /CN=test-ca") &&
          run("openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
              "-subj /CN=server") &&
          run("printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' "
              "> server.ext") &&
          run("openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
              "-out server.crt -days 2 -extfile server.ext") &&
          run("openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr "
              "-subj /O=system:masters/CN=admin") &&
          run("printf 'extendedKeyUsage=clientAuth\\n' > client.ext") &&
          run("openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
              "-out client.crt -days 2 -extfile client.ext") &&
          run("openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt "
              "-days 2 -subj /CN=other-ca");
  }
  ~Pki() {
    if (!std::getenv("KEEP_PKI")) fs::remove_all(dir_);
  }
  bool ok() const { return ok_; }
  std::string file(const std::string& n) const { return (fs::path(dir_) / n).string(); }
  std::string pem(const std::string& n) const { return slurp(file(n)); }

 private:
  bool run(const std::string& cmd) {
    return std::system(("cd " + dir_ + " && (" + cmd + ") >/dev/null 2>&1").c_str()) == 0;
  }
  std::string dir_;
  bool ok_ = false;
};

// A TLS server that requires a client certificate and answers GETs; a ?watch=true request gets
// a chunked stream of three events, the middle one split across chunks.
class TlsServer {
 public:
  explicit TlsServer(const Pki& pki) : ctx_(asio::ssl::context::tls_server), acceptor_(ioc_) {
    ctx_.use_certificate_chain_file(pki.file("server.crt"));
    ctx_.use_private_key_file(pki.file("server.key"), asio::ssl::context::pem);
    ctx_.load_verify_file(pki.file("ca.crt"));
    ctx_.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { loop(); });
  }
  ~TlsServer() {
    stopping_ = true;
    beast::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    thread_.join();
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  int handled() const { return handled_.load(); }

 private:
  void loop() {
    while (!stopping_) {
      tcp::socket sock(ioc_);
      beast::error_code ec;
      acceptor_.accept(sock, ec);
      if (ec || stopping_) return;
      beast::ssl_stream<tcp::socket> s(std::move(sock), ctx_);
      s.handshake(asio::ssl::stream_base::server, ec);
      if (ec) continue;  // e.g. the client rejected our certificate, or sent none
      beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(s, buf, req, ec);
      if (ec) continue;
      ++handled_;
      if (std::string(req.target()).find("watch=true") != std::string::npos) {
        http::response<http::empty_body> res{http::status::ok, 11};
        res.set(http::field::content_type, "application/json");
        res.chunked(true);
        http::response_serializer<http::empty_body> sr{res};
        http::write_header(s, sr, ec);
        const std::string chunks[] = {
            "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"2\"}}}\n{\"type\":\"MOD",
            "IFIED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"3\"}}}\n",
            "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"4\"}}}\n"};
        for (const auto& c : chunks) {
          asio::write(s, http::make_chunk(asio::buffer(c)), ec);
        }
        asio::write(s, http::make_chunk_last(), ec);
      } else {
        http::response<http::string_body> res{http::status::ok, 11};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","namespace":"a"}})";
        res.keep_alive(false);
        res.prepare_payload();
        http::write(s, res, ec);
      }
      s.shutdown(ec);
    }
  }

  asio::io_context ioc_;
  asio::ssl::context ctx_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> handled_{0};
};

const GroupVersionResource kCm{"", "v1", "configmaps"};

TEST(TlsIntegrationTest, CaVerificationAndClientCertificates) {
  Pki pki;
  if (!pki.ok()) GTEST_SKIP() << "openssl CLI could not build a test PKI";
  TlsServer server(pki);

  struct Row {
    std::string name;
    bool use_ca, use_client_cert, insecure;
    bool want_ok;
  };
  const Row rows[] = {
      {"ca + client cert", true, true, false, true},
      {"no client cert", true, false, false, false},
      {"untrusted server", false, true, false, false},
      {"insecure skip verify + client cert", false, true, true, true},
  };
  for (const auto& r : rows) {
    RestConfig rc;
    rc.server = server.url();
    rc.max_retries = 0;
    if (r.use_ca) rc.ca_pem = pki.pem("ca.crt");
    else if (!r.insecure) rc.ca_pem = pki.pem("other.crt");
    rc.insecure_skip_tls_verify = r.insecure;
    if (r.use_client_cert) {
      rc.client_cert_pem = pki.pem("client.crt");
      rc.client_key_pem = pki.pem("client.key");
    }
    auto c = RestClient::create(rc);
    ASSERT_TRUE(c) << r.name << ": " << c.status().toString();
    auto got = (*c)->get(kCm, "a", "x", "");
    EXPECT_EQ(got.isOk(), r.want_ok) << r.name << ": " << got.status().toString();
    if (!r.want_ok) {
      EXPECT_EQ(got.status().code(), core::Code::Unavailable) << r.name;
    }
  }
}

TEST(TlsIntegrationTest, KubeconfigDataAndFilesThenWatchOverTls) {
  Pki pki;
  if (!pki.ok()) GTEST_SKIP() << "openssl CLI could not build a test PKI";
  TlsServer server(pki);
  const std::string yaml =
      "current-context: data\n"
      "clusters:\n"
      "- name: by-data\n  cluster:\n    server: " + server.url() +
      "\n    certificate-authority-data: " + base64Encode(pki.pem("ca.crt")) +
      "\n- name: by-file\n  cluster:\n    server: " + server.url() +
      "\n    certificate-authority: " + pki.file("ca.crt") +
      "\nusers:\n"
      "- name: data\n  user:\n    client-certificate-data: " + base64Encode(pki.pem("client.crt")) +
      "\n    client-key-data: " + base64Encode(pki.pem("client.key")) +
      "\n- name: file\n  user:\n    client-certificate: " + pki.file("client.crt") +
      "\n    client-key: " + pki.file("client.key") +
      "\ncontexts:\n"
      "- name: data\n  context: {cluster: by-data, user: data}\n"
      "- name: file\n  context: {cluster: by-file, user: file}\n";
  auto kc = parseKubeconfig(yaml, "/inline");
  ASSERT_TRUE(kc) << kc.status().toString();
  for (const std::string ctx : {"data", "file"}) {
    auto rc = kc->restConfig(ctx);
    ASSERT_TRUE(rc) << ctx << ": " << rc.status().toString();
    auto c = RestClient::create(*rc);
    ASSERT_TRUE(c);
    EXPECT_TRUE((*c)->get(kCm, "a", "x", "")) << ctx;
    std::vector<std::string> seen;
    auto st = (*c)->watch(kCm, "a", {}, [&](WatchEvent&& ev) {
      seen.push_back(std::string(watchEventTypeName(ev.type)) + ":" + ev.object->resourceVersion());
      return true;
    }, nullptr);
    EXPECT_TRUE(st.isOk()) << ctx << ": " << st.toString();
    EXPECT_EQ(seen, (std::vector<std::string>{"ADDED:2", "MODIFIED:3", "DELETED:4"})) << ctx;
  }
}

}  // namespace
}  // namespace flotilla::client
