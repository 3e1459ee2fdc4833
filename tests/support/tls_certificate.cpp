#include "tls_certificate.hpp"

#include <cstdio>
#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdexcept>

namespace carecircle::test {
namespace {

struct openssl_free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
    void operator()(std::FILE* f) const { std::fclose(f); }
};

template <class T> using owned = std::unique_ptr<T, openssl_free>;

void check(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string("making a test certificate: ") + what + " failed");
}

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    owned<X509_EXTENSION> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    check(extension != nullptr, "X509V3_EXT_conf_nid");
    check(X509_add_ext(cert, extension.get(), -1) == 1, "X509_add_ext");
}

template <class Write>
void write_pem(const std::filesystem::path& path, const char* what, Write write) {
    const auto partial = std::filesystem::path(path.string() + ".partial");
    {
        owned<std::FILE> file(std::fopen(partial.c_str(), "w"));
        check(file != nullptr, what);
        check(write(file.get()) == 1, what);
    }
    std::filesystem::rename(partial, path);
}

} // namespace

std::string certificate_fingerprint(const unsigned char* der, std::size_t size) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(der, size, digest);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char byte : digest) {
        out += hex[byte >> 4];
        out += hex[byte & 0xf];
    }
    return out;
}

std::string write_self_signed_certificate(const std::filesystem::path& certificate,
                                          const std::filesystem::path& private_key) {
    owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
    check(key != nullptr, "EVP_EC_gen");

    owned<X509> cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
    // A random serial, so a reloaded certificate is told apart from the one before.
    owned<BIGNUM> serial(BN_new());
    check(serial && BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1, "BN_rand");
    check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr,
          "BN_to_ASN1_INTEGER");
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) != nullptr, "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 60 * 60) != nullptr, "notAfter");
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1,
                                     0) == 1,
          "X509_NAME_add_entry_by_txt");
    check(X509_set_issuer_name(cert.get(), name) == 1, "X509_set_issuer_name");
    add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1");
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

    write_pem(private_key, "writing the key", [&](std::FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    write_pem(certificate, "writing the certificate",
              [&](std::FILE* f) { return PEM_write_X509(f, cert.get()); });

    unsigned char* der = nullptr;
    const int size = i2d_X509(cert.get(), &der);
    check(size > 0, "i2d_X509");
    auto fingerprint = certificate_fingerprint(der, static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return fingerprint;
}

} // namespace carecircle::test
