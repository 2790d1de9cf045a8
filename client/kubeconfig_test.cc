#include "client/kubeconfig.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace flotilla::client {
namespace {

namespace fs = std::filesystem;

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kubeconfig_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  fs::path dir_;
};

const char* kBasic = R"(
apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: Q0EtUEVN
- name: plain
  cluster:
    server: http://127.0.0.1:8080
users:
- name: admin
  user:
    token: secret-token
- name: certuser
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
contexts:
- name: admin
  context: {cluster: local, user: admin, namespace: team-a}
- name: certs
  context: {cluster: local, user: certuser}
- name: http
  context: {cluster: plain}
- name: broken
  context: {cluster: nowhere, user: admin}
)";

TEST_F(KubeconfigTest, ResolvesContexts) {
  auto cfg = parseKubeconfig(kBasic, "/x/config");
  ASSERT_TRUE(cfg) << cfg.status().toString();
  struct Row {
    std::string context;
    std::string server;
    std::string token;
    std::string ca;
    std::string cert;
    std::string key;
    std::string ns;
  };
  const Row rows[] = {
      {"", "https://127.0.0.1:6443", "secret-token", "CA-PEM", "", "", "team-a"},
      {"certs", "https://127.0.0.1:6443", "", "CA-PEM", "CERT", "KEY", "default"},
      {"http", "http://127.0.0.1:8080", "", "", "", "", "default"},
  };
  for (const auto& r : rows) {
    auto rc = cfg->restConfig(r.context);
    ASSERT_TRUE(rc) << r.context << ": " << rc.status().toString();
    EXPECT_EQ(rc->server, r.server) << r.context;
    EXPECT_EQ(rc->bearer_token, r.token) << r.context;
    EXPECT_EQ(rc->ca_pem, r.ca) << r.context;
    EXPECT_EQ(rc->client_cert_pem, r.cert) << r.context;
    EXPECT_EQ(rc->client_key_pem, r.key) << r.context;
    EXPECT_EQ(rc->default_namespace, r.ns) << r.context;
  }
}

TEST_F(KubeconfigTest, ErrorsNameFileContextAndField) {
  auto cfg = parseKubeconfig(kBasic, "/x/config");
  ASSERT_TRUE(cfg);
  struct Row {
    std::string context;
    std::vector<std::string> fragments;
  };
  const Row rows[] = {
      {"broken", {"/x/config", "context \"broken\"", "cluster", "nowhere"}},
      {"missing", {"/x/config", "context \"missing\" not found"}},
  };
  for (const auto& r : rows) {
    auto rc = cfg->restConfig(r.context);
    ASSERT_FALSE(rc) << r.context;
    for (const auto& f : r.fragments) {
      EXPECT_NE(rc.status().message().find(f), std::string::npos)
          << r.context << ": " << rc.status().message();
    }
  }
}

TEST_F(KubeconfigTest, BadInputs) {
  struct Row {
    std::string name;
    std::string yaml;
    std::string fragment;
  };
  const Row rows[] = {
      {"bad base64",
       "current-context: c\nclusters: [{name: k, cluster: {server: 'https://h', "
       "certificate-authority-data: '!!!'}}]\ncontexts: [{name: c, context: {cluster: k}}]\n",
       "certificate-authority-data is not valid base64"},
      {"bad scheme",
       "current-context: c\nclusters: [{name: k, cluster: {server: 'h:1'}}]\n"
       "contexts: [{name: c, context: {cluster: k}}]\n",
       "field server"},
      {"insecure plus ca",
       "current-context: c\nclusters: [{name: k, cluster: {server: 'https://h', "
       "insecure-skip-tls-verify: true, certificate-authority-data: QQ==}}]\n"
       "contexts: [{name: c, context: {cluster: k}}]\n",
       "insecure-skip-tls-verify"},
      {"missing token file",
       "current-context: c\nclusters: [{name: k, cluster: {server: 'https://h'}}]\n"
       "users: [{name: u, user: {tokenFile: nope}}]\n"
       "contexts: [{name: c, context: {cluster: k, user: u}}]\n",
       "field tokenFile"},
      {"no current context", "clusters: []\n", "current-context"},
  };
  for (const auto& r : rows) {
    auto cfg = parseKubeconfig(r.yaml, "/tmp/f.yaml");
    ASSERT_TRUE(cfg) << r.name << ": " << cfg.status().toString();
    auto rc = cfg->restConfig();
    ASSERT_FALSE(rc) << r.name;
    EXPECT_NE(rc.status().message().find(r.fragment), std::string::npos)
        << r.name << ": " << rc.status().message();
    EXPECT_NE(rc.status().message().find("/tmp/f.yaml"), std::string::npos) << r.name;
  }
  auto bad = parseKubeconfig("clusters: [a: [}", "/tmp/g.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("/tmp/g.yaml"), std::string::npos);
}

TEST_F(KubeconfigTest, FilesAreRelativeToKubeconfig) {
  write("ca.crt", "CA FROM FILE");
  write("token", "file-token\n");
  write("c.crt", "CERT FILE");
  write("c.key", "KEY FILE");
  const auto path = write("config",
                          "current-context: c\n"
                          "clusters: [{name: k, cluster: {server: 'https://h:1', "
                          "certificate-authority: ca.crt}}]\n"
                          "users: [{name: u, user: {tokenFile: token, client-certificate: c.crt, "
                          "client-key: c.key}}]\n"
                          "contexts: [{name: c, context: {cluster: k, user: u}}]\n");
  auto cfg = loadKubeconfigFile(path);
  ASSERT_TRUE(cfg) << cfg.status().toString();
  auto rc = cfg->restConfig();
  ASSERT_TRUE(rc) << rc.status().toString();
  EXPECT_EQ(rc->ca_pem, "CA FROM FILE");
  EXPECT_EQ(rc->bearer_token, "file-token");
  EXPECT_EQ(rc->token_file, (dir_ / "token").string());
  EXPECT_EQ(rc->client_cert_pem, "CERT FILE");
  EXPECT_EQ(rc->client_key_pem, "KEY FILE");
}

TEST_F(KubeconfigTest, ListMergeFirstFileWins) {
  const auto a = write("a",
                       "current-context: ca\n"
                       "clusters: [{name: shared, cluster: {server: 'https://first'}}]\n"
                       "users: [{name: u, user: {token: t-a}}]\n"
                       "contexts: [{name: ca, context: {cluster: shared, user: u}}]\n");
  const auto b = write("b",
                       "current-context: cb\n"
                       "clusters: [{name: shared, cluster: {server: 'https://second'}}, "
                       "{name: only-b, cluster: {server: 'http://b'}}]\n"
                       "users: [{name: u, user: {token: t-b}}]\n"
                       "contexts: [{name: cb, context: {cluster: only-b}}]\n");
  auto cfg = loadKubeconfigList(a + ":" + (dir_ / "missing").string() + ":" + b);
  ASSERT_TRUE(cfg) << cfg.status().toString();
  EXPECT_EQ(cfg->current_context, "ca");
  EXPECT_EQ(cfg->clusters.at("shared").server, "https://first");
  EXPECT_EQ(cfg->users.at("u").token, "t-a");
  auto rc = cfg->restConfig("cb");
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->server, "http://b");
  EXPECT_FALSE(loadKubeconfigList((dir_ / "missing").string()));
}

TEST_F(KubeconfigTest, InCluster) {
  InClusterPaths paths{write("token", "sa-token\n"), write("ca.crt", "SA CA"),
                       write("namespace", "kube-system")};
  std::map<std::string, std::string> env = {{"KUBERNETES_SERVICE_HOST", "10.0.0.1"},
                                            {"KUBERNETES_SERVICE_PORT", "443"}};
  auto lookup = [&](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto rc = inClusterConfig(paths, lookup);
  ASSERT_TRUE(rc) << rc.status().toString();
  EXPECT_EQ(rc->server, "https://10.0.0.1:443");
  EXPECT_EQ(rc->bearer_token, "sa-token");
  EXPECT_EQ(rc->ca_pem, "SA CA");
  EXPECT_EQ(rc->default_namespace, "kube-system");
  env["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  EXPECT_EQ(inClusterConfig(paths, lookup)->server, "https://[fd00::1]:443");
  env.erase("KUBERNETES_SERVICE_PORT");
  EXPECT_FALSE(inClusterConfig(paths, lookup));
}

TEST(Base64Test, RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "hello world\n"}) {
    EXPECT_EQ(base64Decode(base64Encode(s)), s);
  }
  EXPECT_FALSE(base64Decode("a"));
  EXPECT_FALSE(base64Decode("ab=c"));
}

}  // namespace
}  // namespace flotilla::client
