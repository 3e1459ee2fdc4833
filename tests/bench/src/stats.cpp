#include "stats.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <numeric>

namespace carecircle::bench {

namespace {

double to_ms(std::int64_t ns) {
    return std::round(static_cast<double>(ns) / 1e3) / 1e3;
}

// Nearest-rank percentile of sorted samples.
std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

} // namespace

boost::json::object summarize(std::vector<std::int64_t>& samples) {
    boost::json::object out;
    out["count"] = static_cast<std::int64_t>(samples.size());
    if (samples.empty()) {
        return out;
    }
    std::sort(samples.begin(), samples.end());
    out["p50_ms"] = to_ms(percentile(samples, 50));
    out["p90_ms"] = to_ms(percentile(samples, 90));
    out["p99_ms"] = to_ms(percentile(samples, 99));
    out["p999_ms"] = to_ms(percentile(samples, 99.9));
    out["max_ms"] = to_ms(samples.back());
    const long double total = std::accumulate(samples.begin(), samples.end(), 0.0L);
    out["mean_ms"] =
        to_ms(static_cast<std::int64_t>(total / static_cast<long double>(samples.size())));
    return out;
}

namespace {

void write(std::string& out, const boost::json::value& value) {
    switch (value.kind()) {
    case boost::json::kind::object: {
        out += '{';
        bool first = true;
        for (const auto& [key, item] : value.get_object()) {
            if (!first) {
                out += ',';
            }
            first = false;
            out += boost::json::serialize(boost::json::string_view(key));
            out += ':';
            write(out, item);
        }
        out += '}';
        return;
    }
    case boost::json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& item : value.get_array()) {
            if (!first) {
                out += ',';
            }
            first = false;
            write(out, item);
        }
        out += ']';
        return;
    }
    case boost::json::kind::double_: {
        const double number = value.get_double();
        if (!std::isfinite(number)) {
            out += "null";
            return;
        }
        char buffer[64];
        const auto [end, ec] =
            std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::fixed);
        out.append(buffer, ec == std::errc{} ? end : buffer);
        return;
    }
    default:
        out += boost::json::serialize(value);
    }
}

} // namespace

std::string to_line(const boost::json::value& value) {
    std::string out;
    write(out, value);
    return out;
}

std::vector<std::int64_t> merge(std::vector<std::vector<std::int64_t>>& per_thread) {
    std::vector<std::int64_t> all;
    std::size_t total = 0;
    for (const auto& part : per_thread) {
        total += part.size();
    }
    all.reserve(total);
    for (auto& part : per_thread) {
        all.insert(all.end(), part.begin(), part.end());
        part.clear();
    }
    return all;
}

} // namespace carecircle::bench
