#include "apiserver/pki.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace flotilla::apiserver {

namespace fs = std::filesystem;

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

core::Status sslError(const std::string& what) {
  return core::internalError("openssl: " + what);
}

PkeyPtr newKey() {
  return PkeyPtr(EVP_EC_gen("P-256"));
}

std::string keyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string certToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

PkeyPtr keyFromPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

X509Ptr certFromPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

void addExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext != nullptr) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

X509Ptr newCert(EVP_PKEY* key, const std::string& cn, const std::vector<std::string>& orgs,
                long days) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& o : orgs) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

bool readFile(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

core::Status writeFile(const fs::path& p, const std::string& data, bool secret) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) return core::Status(core::Code::Unavailable, "cannot write " + p.string());
  out << data;
  out.close();
  if (secret) fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
  return core::Status::ok();
}

bool isIpAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

std::string randomToken(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  RAND_bytes(raw.data(), static_cast<int>(raw.size()));
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

core::Result<ServingPki> loadOrCreatePki(const std::string& data_dir,
                                         const std::vector<std::string>& hosts) {
  const fs::path dir = fs::path(data_dir) / "pki";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return core::Status(core::Code::Unavailable, "cannot create " + dir.string());
  ServingPki pki;
  if (!readFile(dir / "ca.crt", &pki.ca_cert_pem) || !readFile(dir / "ca.key", &pki.ca_key_pem)) {
    PkeyPtr key = newKey();
    if (!key) return sslError("generating CA key");
    X509Ptr cert = newCert(key.get(), "flotilla-ca", {}, 3650);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    addExt(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    addExt(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
    addExt(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return sslError("signing CA");
    pki.ca_cert_pem = certToPem(cert.get());
    pki.ca_key_pem = keyToPem(key.get());
    FLOTILLA_RETURN_IF_ERROR(writeFile(dir / "ca.key", pki.ca_key_pem, true));
    FLOTILLA_RETURN_IF_ERROR(writeFile(dir / "ca.crt", pki.ca_cert_pem, false));
    fs::remove(dir / "serving.crt", ec);
  }
  if (!readFile(dir / "serving.crt", &pki.cert_pem) ||
      !readFile(dir / "serving.key", &pki.key_pem)) {
    PkeyPtr ca_key = keyFromPem(pki.ca_key_pem);
    X509Ptr ca_cert = certFromPem(pki.ca_cert_pem);
    if (!ca_key || !ca_cert) return sslError("reading CA from " + dir.string());
    PkeyPtr key = newKey();
    X509Ptr cert = newCert(key.get(), "flotilla-apiserver", {}, 3650);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
    std::string san = "DNS:localhost,IP:127.0.0.1";
    for (const auto& h : hosts) {
      if (h == "localhost" || h == "127.0.0.1" || h.empty()) continue;
      san += (isIpAddress(h) ? ",IP:" : ",DNS:") + h;
    }
    addExt(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
    addExt(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    addExt(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExt(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
    if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) return sslError("signing cert");
    pki.cert_pem = certToPem(cert.get());
    pki.key_pem = keyToPem(key.get());
    FLOTILLA_RETURN_IF_ERROR(writeFile(dir / "serving.key", pki.key_pem, true));
    FLOTILLA_RETURN_IF_ERROR(writeFile(dir / "serving.crt", pki.cert_pem, false));
  }
  return pki;
}

core::Result<std::pair<std::string, std::string>> issueClientCertificate(
    const ServingPki& pki, const std::string& user, const std::vector<std::string>& groups) {
  PkeyPtr ca_key = keyFromPem(pki.ca_key_pem);
  X509Ptr ca_cert = certFromPem(pki.ca_cert_pem);
  if (!ca_key || !ca_cert) return sslError("reading CA");
  PkeyPtr key = newKey();
  X509Ptr cert = newCert(key.get(), user, groups, 3650);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  addExt(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExt(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  addExt(cert.get(), ca_cert.get(), NID_ext_key_usage, "clientAuth");
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) return sslError("signing client");
  return std::make_pair(certToPem(cert.get()), keyToPem(key.get()));
}

}  // namespace flotilla::apiserver
