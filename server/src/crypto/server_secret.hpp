#pragma once

#include <filesystem>
#include <string>

namespace carecircle::server {

// The server's own secret, read from `file`, or made from the CSPRNG and written there
// (readable by the owner only) on first start. Throws when the file cannot be read or made,
// or holds fewer than 32 characters: start-up fails rather than hand out guessable keys.
std::string load_server_secret(const std::filesystem::path& file);

} // namespace carecircle::server
