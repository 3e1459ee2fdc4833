#pragma once

#include <string>
#include <string_view>

namespace carecircle::server {

// Argon2id, encoded with its own salt and parameters so they can change later.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& encoded_hash);

// 256 bits from OpenSSL's CSPRNG, as 64 hex characters.
std::string new_token();

// What the database and the memory keep instead of the token: its SHA-256 digest.
std::string hash_token(std::string_view token);

// Compares a presented secret with the configured one in time that does not depend on where
// they first differ, so a remote client cannot find a token byte by byte.
bool same_secret(std::string_view presented, std::string_view expected);

} // namespace carecircle::server
