#pragma once

#include <string>
#include <string_view>

namespace carecircle::storage {

// What the database keeps instead of a bearer token (a session or a calendar feed key): its
// SHA-256 digest, 32 raw bytes. A token carries 256 random bits, so the digest needs no salt
// and a stolen database file opens nothing.
std::string token_digest(std::string_view token);

} // namespace carecircle::storage
