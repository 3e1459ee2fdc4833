#pragma once

#include "settings/options.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace carecircle::server {

// Settings of `carecircle serve` from, in order of precedence, its flags, the environment
// (CARECIRCLE_<NAME>, e.g. CARECIRCLE_SEND_RATE for --send-rate), the file named by --config
// (`name = value` lines; unknown names are an error) and the defaults in options.hpp.
struct serve_config {
    options opts;
    bool print_only = false; // --print-config: show the effective settings and stop
};

// Nothing, with the reason written to `errors`, when a setting is unknown or invalid.
std::optional<serve_config> read_serve_config(const std::vector<std::string>& args,
                                              std::ostream& errors);

// The effective settings, one `name = value` per line, secrets hidden.
void print_config(const options& opts, std::ostream& out);

} // namespace carecircle::server
