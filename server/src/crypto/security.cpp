#include "crypto/security.hpp"

#include "carecircle/storage/token_digest.hpp"

#include <argon2.h>
#include <array>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace carecircle::server {
namespace {

// OWASP's suggested Argon2id settings: 19 MiB, 2 passes, 1 lane.
constexpr std::uint32_t time_cost = 2;
constexpr std::uint32_t memory_kib = 19 * 1024;
constexpr std::uint32_t lanes = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

std::string random_bytes(std::size_t count) {
    std::string bytes(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
        throw std::runtime_error("the random number generator failed");
    }
    return bytes;
}

std::string to_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        hex.push_back(digits[b >> 4]);
        hex.push_back(digits[b & 0x0f]);
    }
    return hex;
}

} // namespace

std::string hash_password(std::string_view password) {
    const auto salt = random_bytes(salt_bytes);
    const auto length =
        argon2_encodedlen(time_cost, memory_kib, lanes, salt_bytes, hash_bytes, Argon2_id);
    std::string encoded(length, '\0');
    const int rc =
        argon2id_hash_encoded(time_cost, memory_kib, lanes, password.data(), password.size(),
                              salt.data(), salt.size(), hash_bytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        throw std::runtime_error(argon2_error_message(rc));
    }
    encoded.resize(encoded.find('\0'));
    return encoded;
}

bool verify_password(std::string_view password, const std::string& encoded_hash) {
    return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string new_token() {
    return to_hex(random_bytes(32));
}

std::string hash_token(std::string_view token) {
    return storage::token_digest(token);
}

std::string derive_token(std::string_view secret, std::string_view nonce) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size(), mac.data(),
             &length) == nullptr) {
        throw std::runtime_error("HMAC-SHA-256 failed");
    }
    return to_hex({reinterpret_cast<const char*>(mac.data()), length});
}

bool same_secret(std::string_view presented, std::string_view expected) {
    return presented.size() == expected.size() &&
           CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

} // namespace carecircle::server
