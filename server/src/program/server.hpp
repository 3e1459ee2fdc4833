#pragma once

#include "settings/options.hpp"

namespace carecircle::server {

// Runs the server until SIGINT or SIGTERM, then shuts down gracefully (PROTOCOL.md section 1).
// Returns the process exit code.
int serve(const options& opts);

} // namespace carecircle::server
