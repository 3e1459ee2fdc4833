#pragma once

#include <boost/json/object.hpp>
#include <string_view>

namespace carecircle::server::log {

enum class level { debug, info, warn, error };

bool parse_level(std::string_view text, level& out);
void set_level(level minimum);
bool enabled(level at);

// One JSON object per line on stdout: {"ts","level","event", ...fields}. Fields name
// connections, users, groups and latencies; never passwords, tokens or message text.
void write(level at, std::string_view event, boost::json::object fields = {});

} // namespace carecircle::server::log
