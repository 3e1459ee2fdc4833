#include "settings/log.hpp"

#include "carecircle/protocol/types.hpp"

#include <atomic>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <mutex>

namespace carecircle::server::log {
namespace {

std::atomic<level> minimum_level{level::info};
std::mutex output;

std::string_view name(level at) {
    switch (at) {
    case level::debug:
        return "debug";
    case level::info:
        return "info";
    case level::warn:
        return "warn";
    case level::error:
        return "error";
    }
    return "info";
}

} // namespace

bool parse_level(std::string_view text, level& out) {
    for (const auto candidate : {level::debug, level::info, level::warn, level::error}) {
        if (name(candidate) == text) {
            out = candidate;
            return true;
        }
    }
    return false;
}

void set_level(level minimum) {
    minimum_level.store(minimum);
}

bool enabled(level at) {
    return at >= minimum_level.load(std::memory_order_relaxed);
}

void write(level at, std::string_view event, boost::json::object fields) {
    if (!enabled(at)) {
        return;
    }
    boost::json::object line;
    line.reserve(fields.size() + 3);
    line["ts"] = format_timestamp(
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
    line["level"] = name(at);
    line["event"] = event;
    for (auto& field : fields) {
        line[field.key()] = std::move(field.value());
    }
    auto text = boost::json::serialize(line);
    text += '\n';
    std::lock_guard lock(output);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

} // namespace carecircle::server::log
