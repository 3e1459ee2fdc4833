#include "crypto/server_secret.hpp"

#include "crypto/owner_only_file.hpp"
#include "crypto/security.hpp"

#include <fstream>
#include <stdexcept>

namespace carecircle::server {
namespace {

constexpr std::size_t shortest_secret = 32;

} // namespace

std::string load_server_secret(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) {
        create_owner_only_file(file, [] { return new_token() + "\n"; });
    }
    std::ifstream in(file);
    std::string secret;
    if (!in || !std::getline(in, secret)) {
        throw std::runtime_error("cannot read " + file.string());
    }
    while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) {
        secret.pop_back();
    }
    if (secret.size() < shortest_secret) {
        throw std::runtime_error(file.string() + " holds fewer than 32 characters");
    }
    return secret;
}

} // namespace carecircle::server
