#pragma once

#include "http/http_types.hpp"

#include <filesystem>

namespace carecircle::server {

// Serves the web client: GET and HEAD of files under `root`, with Content-Type and ETag, and
// `index.html` for `/`. The target is percent-decoded with Boost.URL and any path that would
// leave the root is refused.
// `root` must be canonical: it is resolved once, at start-up, not on every request.
http_response serve_static(const std::filesystem::path& root, const http_request& request);

// Where the web client is when no --web-root is given: installed beside the binary, else the
// source tree this binary was built from.
std::filesystem::path default_web_root(const std::filesystem::path& executable);

} // namespace carecircle::server
