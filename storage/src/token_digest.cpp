#include "carecircle/storage/token_digest.hpp"

#include <array>
#include <openssl/evp.h>
#include <stdexcept>

namespace carecircle::storage {

std::string token_digest(std::string_view token) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr) !=
        1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return {reinterpret_cast<const char*>(digest.data()), length};
}

} // namespace carecircle::storage
