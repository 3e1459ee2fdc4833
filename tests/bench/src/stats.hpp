#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace carecircle::bench {

// Latencies in nanoseconds, summarised in milliseconds: count, p50, p90, p99, p99.9, max, mean.
// Sorts `samples`.
boost::json::object summarize(std::vector<std::int64_t>& samples);

// One line of JSON with plain decimal numbers (Boost.JSON writes doubles as 1.5E3).
std::string to_line(const boost::json::value& value);

// Joins per-thread sample vectors into one.
std::vector<std::int64_t> merge(std::vector<std::vector<std::int64_t>>& per_thread);

} // namespace carecircle::bench
