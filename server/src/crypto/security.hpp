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

// A token the server can give out again without keeping it: HMAC-SHA-256 of `nonce` under
// the server's secret, as 64 hex characters. The database keeps the nonce and the token's
// digest, so its file alone opens nothing.
std::string derive_token(std::string_view secret, std::string_view nonce);

// Compares a presented secret with the configured one in time that does not depend on where
// they first differ, so a remote client cannot find a token byte by byte.
bool same_secret(std::string_view presented, std::string_view expected);

} // namespace carecircle::server
