#pragma once

// Self-signed certificates made at test time with OpenSSL's C API, so TLS tests need no
// files in the repository and no `openssl` command.

#include <filesystem>
#include <string>

namespace carecircle::test {

// Writes a new P-256 key and a certificate for 127.0.0.1, valid for a day, as PEM files.
// Each call makes a different key and serial. Both files are written beside their final
// names and renamed into place, so a server reading them never sees half a file. Returns the
// certificate's SHA-256 fingerprint as lowercase hex (see certificate_fingerprint()).
std::string write_self_signed_certificate(const std::filesystem::path& certificate,
                                          const std::filesystem::path& private_key);

// The SHA-256 fingerprint, lowercase hex, of a DER-encoded certificate.
std::string certificate_fingerprint(const unsigned char* der, std::size_t size);

} // namespace carecircle::test
